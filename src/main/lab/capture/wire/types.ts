// The wire parser's vocabulary: what one TCP connection's bytes turn into. Plain data out,
// so the lab can copy these fields straight into `wire` and `engine` trace events.
import type { EnginePacketType } from "../../../../shared/trace/types";

/** Relative to the host that owns the connection: "out" is what it wrote, "in" what it read. */
export type StreamDir = "out" | "in";

/** One Engine.IO packet. `data` is text, or base64 when `binary`. */
export interface ParsedEnginePacket {
  type: EnginePacketType;
  data?: string;
  binary?: boolean;
}

export type WireUnitKind = "http-request" | "http-response" | "ws-upgrade" | "ws-frame" | "resp";

/**
 * One HTTP message or WebSocket frame, spanning `[offset, offset + length)` of its
 * direction's byte stream; the first `headerLength` bytes are its head.
 */
export interface WireUnitParsed {
  kind: WireUnitKind;
  dir: StreamDir;
  offset: number;
  length: number;
  headerLength: number;
  /** Printable summary of the payload, at most 80 characters. */
  preview: string;
  sid?: string;
  transport?: "polling" | "websocket";
  // http-request
  method?: string;
  path?: string;
  upgrade?: boolean;
  // http-response, ws-upgrade
  status?: number;
  // http-request, http-response, ws-upgrade (lower-case keys)
  headers?: Record<string, string>;
  // ws-frame
  opcode?: number;
  fin?: boolean;
  masked?: boolean;
  rsv1?: boolean;
  payloadLength?: number;
  // resp (a connection to Redis): the value's RESP type, a command's name, an aggregate's size
  respType?: string;
  command?: string;
  items?: number;
  /** Engine.IO packets this unit carries (for fragmented messages: on the final frame). */
  packets: ParsedEnginePacket[];
  /** Set when the bytes break the protocol; "unparsed" for bytes after a fatal error. */
  error?: string;
}

export interface WireParser {
  /** Feed the next chunk of one direction. Returns units completed by this chunk, in stream order. */
  feed(dir: StreamDir, chunk: Uint8Array): WireUnitParsed[];
  /**
   * The connection closed: returns units for bytes still buffered (a close-delimited
   * response body, or an incomplete unit with `error: "incomplete"`), so every byte is
   * accounted for.
   */
  end(): WireUnitParsed[];
  /** Current engine.io sid of this connection, if known. */
  readonly sid: string | undefined;
}

/** Largest WebSocket payload or HTTP body the parser accepts (engine.io's default is 1 MB). */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
/**
 * Largest body or message the parser inflates (gzip, br, deflate, permessage-deflate): the
 * lab server's own `maxHttpBufferSize`. A compression bomb stops here, recorded as an error.
 */
export const MAX_INFLATED_BYTES = 1e6;
/** Largest HTTP head (start line + headers) the parser accepts. */
export const MAX_HEAD_BYTES = 16 * 1024;
