// Engine.IO v4 and Socket.IO v5 packets read from the bodies and frames tshark decoded,
// written from the protocol documents, independently of the lab's parsers (src/main/lab/capture/wire):
// the check must not share the code it checks.

/** Engine.IO packet types by their digit on the wire. */
export const ENGINE_TYPES = ["open", "close", "ping", "pong", "message", "upgrade", "noop"] as const;
export type EngineType = (typeof ENGINE_TYPES)[number];

/** One Engine.IO packet: `data` is text, or base64 when `binary`. */
export interface EnginePacket {
  type: EngineType;
  data: string;
  binary: boolean;
}

/** The record separator between packets of a polling payload (Engine.IO v4). */
const RECORD_SEPARATOR = "\x1e";

/**
 * A text packet: one type digit, then its data. Over polling a binary message travels as
 * `b` followed by base64 (no type digit: `b` always means a message).
 */
export function decodeTextPacket(text: string, polling: boolean): EnginePacket | { error: string } {
  if (polling && text.startsWith("b")) {
    const base64 = text.slice(1);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) return { error: `bad base64 after "b": ${shorten(text)}` };
    return { type: "message", data: Buffer.from(base64, "base64").toString("base64"), binary: true };
  }
  const type = ENGINE_TYPES[Number(text[0])];
  if (text.length === 0 || !/^[0-6]$/.test(text[0]!) || type === undefined) return { error: `not an Engine.IO packet: ${shorten(text)}` };
  return { type, data: text.slice(1), binary: false };
}

/** A polling body (UTF-8 text): packets separated by \x1e. An empty body holds no packet. */
export function decodePollingPayload(body: Buffer): { packets: EnginePacket[]; errors: string[] } {
  const packets: EnginePacket[] = [];
  const errors: string[] = [];
  if (body.length === 0) return { packets, errors };
  for (const part of body.toString("utf8").split(RECORD_SEPARATOR)) {
    const p = decodeTextPacket(part, true);
    if ("error" in p) errors.push(p.error);
    else packets.push(p);
  }
  return { packets, errors };
}

/** A complete WebSocket message: a text message is one packet, a binary one a binary `message`. */
export function decodeWebSocketMessage(opcode: number, payload: Buffer): EnginePacket | { error: string } {
  if (opcode === 2) return { type: "message", data: payload.toString("base64"), binary: true };
  if (opcode === 1) return decodeTextPacket(payload.toString("utf8"), false);
  return { error: `opcode ${opcode} carries no Engine.IO packet` };
}

/** The Engine.IO packet as it would be printed: `4` + data, or `4<binary, 12 bytes: 00 01 …>`. */
export function describeEnginePacket(p: { type: string; data?: string | undefined; binary?: boolean | undefined }): string {
  const digit = ENGINE_TYPES.indexOf(p.type as EngineType);
  const head = digit >= 0 ? String(digit) : `<${p.type}>`;
  if (p.binary) {
    const bytes = Buffer.from(p.data ?? "", "base64");
    return `${head}<binary, ${bytes.length} bytes: ${hexPreview(bytes, 12)}>`;
  }
  return `${head}${shorten(p.data ?? "", 100)}`;
}

// ── Socket.IO ─────────────────────────────────────────────────────────────────
export const SOCKETIO_TYPES = ["CONNECT", "DISCONNECT", "EVENT", "ACK", "CONNECT_ERROR", "BINARY_EVENT", "BINARY_ACK"] as const;
export type SocketIoType = (typeof SOCKETIO_TYPES)[number];

/** The head of a Socket.IO string: `<type>[<attachments>-][<nsp>,][<ack id>]<json>`. */
export interface SocketIoHead {
  type: SocketIoType;
  nsp: string;
  attachments?: number;
  ackId?: number;
}

export function decodeSocketIoHead(encoded: string): SocketIoHead | { error: string } {
  const type = SOCKETIO_TYPES[Number(encoded[0])];
  if (encoded.length === 0 || !/^[0-6]$/.test(encoded[0]!) || type === undefined) return { error: `not a Socket.IO packet: ${shorten(encoded)}` };
  let i = 1;
  const head: SocketIoHead = { type, nsp: "/" };
  if (type === "BINARY_EVENT" || type === "BINARY_ACK") {
    const dash = encoded.indexOf("-", i);
    const count = encoded.slice(i, dash);
    if (dash < 0 || !/^\d+$/.test(count)) return { error: `binary packet without its attachment count: ${shorten(encoded)}` };
    head.attachments = Number(count);
    i = dash + 1;
  }
  if (encoded[i] === "/") {
    const comma = encoded.indexOf(",", i);
    head.nsp = comma < 0 ? encoded.slice(i) : encoded.slice(i, comma);
    i = comma < 0 ? encoded.length : comma + 1;
  }
  const digits = /^\d+/.exec(encoded.slice(i));
  if (digits) head.ackId = Number(digits[0]);
  return head;
}

// ── printing ─────────────────────────────────────────────────────────────────
/** At most `max` characters, control characters shown as \xNN. */
export function shorten(text: string, max = 60): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return cut.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

export function hexPreview(bytes: Buffer, max = 16): string {
  const hex = [...bytes.subarray(0, max)].map((b) => b.toString(16).padStart(2, "0")).join(" ");
  return bytes.length > max ? `${hex} …` : hex;
}
