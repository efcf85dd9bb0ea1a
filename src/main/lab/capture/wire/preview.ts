// Short printable summaries of payloads for labels and lists: at most 80 characters,
// the engine.io record separator shown as ␞, other control characters as ·.
import { encodeEnginePacket, RECORD_SEPARATOR } from "./engine-payload";
import type { ParsedEnginePacket } from "./types";

export const PREVIEW_MAX = 80;

export function printable(text: string): string {
  let out = "";
  for (const ch of text) {
    if (out.length > PREVIEW_MAX) break;
    const code = ch.codePointAt(0) ?? 0;
    out += ch === RECORD_SEPARATOR ? "␞" : code < 0x20 || code === 0x7f || ch === "\ufffd" ? "·" : ch;
  }
  return clip(out);
}

export function clip(text: string): string {
  return text.length <= PREVIEW_MAX ? text : `${text.slice(0, PREVIEW_MAX - 1)}…`;
}

export function packetsPreview(packets: readonly ParsedEnginePacket[]): string {
  return printable(packets.map(encodeEnginePacket).join(RECORD_SEPARATOR));
}

export function bytesPreview(bytes: Uint8Array, label = "binary"): string {
  const hex = Array.from(bytes.subarray(0, 24), (b) => b.toString(16).padStart(2, "0")).join(" ");
  return clip(`<${label} ${bytes.length} B>${hex === "" ? "" : ` ${hex}`}`);
}
