// Engine.IO v4 packet and payload encoding as text: `<type digit>[data]`, binary as
// `b` + base64, packets of an HTTP payload joined by \x1e. Knows nothing of HTTP or frames.
import { Buffer } from "node:buffer";
import { ENGINE_PACKET_TYPES } from "../../../../shared/trace/types";
import type { ParsedEnginePacket } from "./types";

export const RECORD_SEPARATOR = "\x1e";
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export interface DecodedPackets {
  packets: ParsedEnginePacket[];
  error?: string;
}

export function decodeEnginePacket(text: string): DecodedPackets {
  const head = text[0];
  if (head === undefined) return { packets: [], error: "empty engine.io packet" };
  const rest = text.slice(1);
  if (head === "b") {
    if (!BASE64.test(rest) || rest.length % 4 !== 0) {
      return { packets: [], error: "binary engine.io packet is not base64" };
    }
    return { packets: [{ type: "message", data: rest, binary: true }] };
  }
  const type = ENGINE_PACKET_TYPES[head.charCodeAt(0) - 0x30];
  if (type === undefined) {
    return { packets: [], error: `unknown engine.io packet type ${JSON.stringify(head)}` };
  }
  return { packets: [rest === "" ? { type } : { type, data: rest }] };
}

/** An HTTP polling body. Decodes what it can and reports the first bad packet. */
export function decodeEnginePayload(text: string): DecodedPackets {
  if (text === "") return { packets: [] };
  const packets: ParsedEnginePacket[] = [];
  let error: string | undefined;
  for (const part of text.split(RECORD_SEPARATOR)) {
    const one = decodeEnginePacket(part);
    packets.push(...one.packets);
    error ??= one.error;
  }
  return error === undefined ? { packets } : { packets, error };
}

/** A WebSocket binary frame: one `message` packet with raw bytes, no type byte. */
export function binaryMessage(bytes: Uint8Array): ParsedEnginePacket {
  return { type: "message", data: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("base64"), binary: true };
}

/** The packet as it travels in a polling payload, e.g. `420["hello","world"]` or `bAQID`. */
export function encodeEnginePacket(packet: ParsedEnginePacket): string {
  if (packet.binary) return `b${packet.data ?? ""}`;
  return `${ENGINE_PACKET_TYPES.indexOf(packet.type)}${packet.data ?? ""}`;
}

/** The `sid` of an `open` packet's JSON handshake, if it has one. */
export function openPacketSid(packet: ParsedEnginePacket): string | undefined {
  if (packet.type !== "open" || packet.binary || packet.data === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(packet.data);
    if (typeof parsed === "object" && parsed !== null && "sid" in parsed && typeof parsed.sid === "string") {
      return parsed.sid;
    }
  } catch {
    // not JSON: an open packet without a usable handshake
  }
  return undefined;
}
