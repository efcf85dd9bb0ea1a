// Raw bytes of a connection's stream, gathered from its captured tcp `data` chunks.

import type { TraceBuffer } from "../store/trace-buffer";
import type { Dir } from "../../../shared/trace/types";
import { decodeBase64 } from "../../../shared/tcp/base64";

/** Bytes [offset, offset + length) of `conn`'s stream in direction `dir`, as far as captured. */
export function streamBytes(buf: TraceBuffer, conn: string, dir: Dir, offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let filled = 0;
  for (const i of buf.byConn.get(conn) ?? []) {
    const e = buf.events[i];
    if (e?.layer !== "tcp" || e.kind !== "data" || e.dir !== dir) continue;
    const start = Math.max(offset, e.offset);
    const end = Math.min(offset + length, e.offset + e.length);
    if (end <= start) continue;
    const chunk = decodeBase64(e.bytes);
    out.set(chunk.subarray(start - e.offset, end - e.offset), start - offset);
    filled += end - start;
  }
  return filled === length ? out : out.subarray(0, filled);
}

export function hex(bytes: Uint8Array, max = bytes.length): string {
  const parts: string[] = [];
  for (let i = 0; i < Math.min(max, bytes.length); i++) parts.push((bytes[i] ?? 0).toString(16).padStart(2, "0"));
  return parts.join(" ");
}

/** Printable ASCII, with everything else shown as a middle dot. */
export function printable(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : "·";
  return s;
}
