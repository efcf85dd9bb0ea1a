// Correlation state shared by the taps: which event caused which. The taps record events as
// they happen; this keeps the few facts needed to give each event its `parents`:
// the API call a packet was encoded for, engine packets waiting for their bytes, bytes
// waiting for their engine packets, decoded packets waiting for their handler.

import type { Recorder } from "../../trace/recorder.js";
import type { EnginePacketType, NewEvent } from "../../../shared/trace/types.js";

/** An engine packet known from one side (logical events, or the wire) awaiting the other. */
export interface PendingEnginePacket {
  type: EnginePacketType;
  /** Text, or base64 for binary data. */
  data: string;
  binary: boolean;
  /** The event the match should point at. */
  eventId: number;
  conn?: string;
  transport?: "polling" | "websocket";
  /** When the wire side was parsed (lab clock), for packets no event claims. */
  at?: number;
}

export interface PendingApiCall {
  nsp: string;
  socketId?: string;
  event: string;
  args: unknown[];
}

export interface DecodedPacket {
  eventId: number;
  type: string;
  nsp: string;
  ackId?: number;
  event?: string;
}

export class Correlator {
  /** Engine packets a host created, waiting for the bytes that carry them; by host|sid. */
  readonly outgoing = new Map<string, PendingEnginePacket[]>();
  /** Engine packets parsed from bytes a host read, waiting for the logical event; by host|sid. */
  readonly incoming = new Map<string, PendingEnginePacket[]>();
  /** Per host: the API call about to be encoded. */
  readonly pendingCall = new Map<string, PendingApiCall>();
  /** Per host: the api event whose encode comes next (an ack-send). */
  readonly pendingApiEvent = new Map<string, number>();
  /** Per host: the last encode, so the engine packets created from it can name it. */
  readonly lastEncode = new Map<string, { chunks: unknown[]; eventId: number }>();
  /** Per host: the engine packet being delivered right now (feeds the Socket.IO decoder). */
  readonly currentEngineIn = new Map<string, number>();
  /** Decoded Socket.IO packets waiting for their API event; by host|nsp. */
  readonly decoded = new Map<string, DecodedPacket[]>();
  /** Emits that asked for an ack: host|nsp|ackId → api emit event id. */
  readonly ackExpected = new Map<string, number>();
  /** Received events carrying an ack callback: host|nsp|ackId → api receive event id. */
  readonly ackOwed = new Map<string, number>();
  /** Hosts whose server-side broadcast is being encoded (per-recipient emits are not API calls). */
  broadcasting = 0;

  constructor(readonly recorder: Recorder) {}

  record(event: NewEvent): number {
    return this.recorder.record(event);
  }

  static key(...parts: (string | number | undefined)[]): string {
    return parts.map((p) => (p === undefined ? "?" : String(p))).join("|");
  }

  push<T>(map: Map<string, T[]>, key: string, value: T): void {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  }

  /** Removes and returns the first entry that matches (earlier non-matching entries stay). */
  take<T>(map: Map<string, T[]>, key: string, match: (v: T) => boolean): T | undefined {
    const list = map.get(key);
    if (!list) return undefined;
    const i = list.findIndex(match);
    if (i < 0) return undefined;
    const [found] = list.splice(i, 1);
    if (list.length === 0) map.delete(key);
    return found;
  }

  /** Forgets everything about a host (a client removed, an engine replaced). */
  forgetHost(host: string): void {
    for (const map of [this.outgoing, this.incoming, this.decoded, this.ackExpected, this.ackOwed] as Map<string, unknown>[]) {
      for (const k of map.keys()) if (k.startsWith(host + "|")) map.delete(k);
    }
    this.pendingCall.delete(host);
    this.pendingApiEvent.delete(host);
    this.lastEncode.delete(host);
    this.currentEngineIn.delete(host);
  }
}

/** Engine packet data as the wire shows it: text, or base64 for binary. */
export function engineData(data: unknown): { data: string; binary: boolean } {
  if (data === undefined || data === null) return { data: "", binary: false };
  if (typeof data === "string") return { data, binary: false };
  if (Buffer.isBuffer(data)) return { data: data.toString("base64"), binary: true };
  if (data instanceof ArrayBuffer) return { data: Buffer.from(data).toString("base64"), binary: true };
  if (ArrayBuffer.isView(data)) return { data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64"), binary: true };
  return { data: String(data), binary: false };
}
