// Short printable summaries of payloads for labels and lists: at most 80 characters,
// the engine.io record separator shown as ␞, other control characters as ·.
import { encodeEnginePacket, RECORD_SEPARATOR } from "./engine-payload";
import type { ParsedEnginePacket } from "./types";

export const PREVIEW_MAX = 80;

/** What `printable` replaces: control characters (the record separator among them) and U+FFFD. */
const UNPRINTABLE = /[\x00-\x1f\x7f\ufffd]/;

export function printable(text: string): string {
  // Most payloads have nothing to replace: the first characters as they are (no string built a character at a time).
  const head = text.length > PREVIEW_MAX + 1 ? text.slice(0, PREVIEW_MAX + 2) : text;
  if (!UNPRINTABLE.test(head)) return clip(head);
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
