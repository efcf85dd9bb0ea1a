// A WebSocket frame's head decoded field by field (RFC 6455 §5.2), and its payload unmasked:
// what Layers and the inspector show beside the raw bytes. Pure.

export interface WsHead {
  fin: boolean;
  /** RSV1..3 as three bits, e.g. "100" for a permessage-deflate frame. */
  rsv: string;
  opcode: number;
  masked: boolean;
  length: number;
  /** The 4-byte masking key, when masked. */
  key?: Uint8Array;
  /** Bytes of the head: 2, plus 2 or 8 for extended lengths, plus 4 for the key. */
  headLength: number;
}

const OPCODES: Record<number, string> = { 0: "continuation", 1: "text", 2: "binary", 8: "close", 9: "ping", 10: "pong" };
export const opcodeName = (op: number): string => OPCODES[op] ?? `reserved ${op}`;

export function decodeWsHead(bytes: Uint8Array): WsHead | null {
  if (bytes.length < 2) return null;
  const b0 = bytes[0]!;
  const b1 = bytes[1]!;
  let length = b1 & 0x7f;
  let at = 2;
  if (length === 126) {
    if (bytes.length < 4) return null;
    length = (bytes[2]! << 8) | bytes[3]!;
    at = 4;
  } else if (length === 127) {
    if (bytes.length < 10) return null;
    length = 0;
    for (let i = 2; i < 10; i++) length = length * 256 + bytes[i]!;
    at = 10;
  }
  const masked = (b1 & 0x80) !== 0;
  const head: WsHead = { fin: (b0 & 0x80) !== 0, rsv: [(b0 >> 6) & 1, (b0 >> 5) & 1, (b0 >> 4) & 1].join(""), opcode: b0 & 0x0f, masked, length, headLength: at + (masked ? 4 : 0) };
  if (masked) {
    if (bytes.length < at + 4) return null;
    head.key = bytes.subarray(at, at + 4);
  }
  return head;
}

/** The payload as the receiver reads it: XOR with the masking key, when there is one. */
export function unmask(payload: Uint8Array, key: Uint8Array | undefined): Uint8Array {
  if (!key) return payload;
  const out = new Uint8Array(payload.length);
  for (let i = 0; i < payload.length; i++) out[i] = payload[i]! ^ key[i % 4]!;
  return out;
}

/** One line naming every field, e.g. `FIN 1 · RSV 000 · opcode 1 (text) · MASK 1 · length 20 · key 37 22 71 e7`. */
export function describeWsHead(h: WsHead): string {
  const key = h.key ? ` · key ${[...h.key].map((b) => b.toString(16).padStart(2, "0")).join(" ")}` : "";
  return `FIN ${h.fin ? 1 : 0} · RSV ${h.rsv} · opcode ${h.opcode} (${opcodeName(h.opcode)}) · MASK ${h.masked ? 1 : 0} · length ${h.length}${key}`;
}
