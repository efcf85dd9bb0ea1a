// Reads one WebSocket frame (RFC 6455 §5.2) from the front of a direction's queue:
// FIN, RSV1-3, opcode, MASK, 7/16/64-bit payload length, mask key, then the payload, unmasked.
import { Buffer } from "node:buffer";
import type { ByteQueue } from "./byte-queue";
import { MAX_PAYLOAD_BYTES } from "./types";

export const OPCODE = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

export interface WsFrameHeader {
  fin: boolean;
  rsv1: boolean;
  opcode: number;
  masked: boolean;
  payloadLength: number;
  headerLength: number;
}
export interface WsFrame extends WsFrameHeader {
  /** The unmasked payload, a copy. */
  payload: Buffer;
}

export type FrameStep =
  | { state: "more" }
  | { state: "error"; error: string; header?: WsFrameHeader }
  | { state: "done"; frame: WsFrame };

export function readFrame(q: ByteQueue): FrameStep {
  const b0 = q.byteAt(0);
  const b1 = q.byteAt(1);
  if (b0 === undefined || b1 === undefined) return MORE;
  const fin = (b0 & 0x80) !== 0;
  const rsv1 = (b0 & 0x40) !== 0;
  const opcode = b0 & 0x0f;
  const masked = (b1 & 0x80) !== 0;
  const len7 = b1 & 0x7f;
  if ((b0 & 0x30) !== 0) return { state: "error", error: "RSV2/RSV3 set: no extension defines them" };
  if (!(opcode <= OPCODE.binary || (opcode >= OPCODE.close && opcode <= OPCODE.pong))) {
    return { state: "error", error: `reserved opcode ${opcode}` };
  }
  const lengthBytes = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
  const headerLength = 2 + lengthBytes + (masked ? 4 : 0);
  if (q.length < 2 + lengthBytes) return MORE;
  let payloadLength = len7;
  const ext = lengthBytes > 0 ? q.view(2, 2 + lengthBytes) : undefined;
  if (ext && len7 === 126) payloadLength = ext.readUInt16BE(0);
  if (ext && len7 === 127) {
    const hi = ext.readUInt32BE(0);
    // past 2^53 the length is not a safe integer; it is far over the limit anyway
    payloadLength = hi >= 0x200000 ? Number.MAX_SAFE_INTEGER : hi * 2 ** 32 + ext.readUInt32BE(4);
  }
  if (opcode >= OPCODE.close && (!fin || payloadLength > 125)) {
    return { state: "error", error: "control frame fragmented or over 125 bytes", header: { fin, rsv1, opcode, masked, payloadLength, headerLength } };
  }
  if (payloadLength > MAX_PAYLOAD_BYTES) {
    return { state: "error", error: `frame payload of ${payloadLength} bytes over the ${MAX_PAYLOAD_BYTES} byte limit`, header: { fin, rsv1, opcode, masked, payloadLength, headerLength } };
  }
  if (q.length < headerLength + payloadLength) return MORE;
  const payload = Buffer.from(q.view(headerLength, headerLength + payloadLength));
  if (masked) {
    const key = q.view(headerLength - 4, headerLength);
    for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] ?? 0) ^ (key[i & 3] ?? 0);
  }
  // One object per frame (no header object spread into it): this runs for every frame.
  return { state: "done", frame: { fin, rsv1, opcode, masked, payloadLength, headerLength, payload } };
}

const MORE: FrameStep = { state: "more" };
