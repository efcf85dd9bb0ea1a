// Correlation state shared by the taps: which event caused which. The taps record events as
// they happen; this keeps the few facts needed to give each event its `parents`: the API
// call a packet was encoded for, engine packets waiting for their bytes, bytes waiting for
// their engine packets, decoded packets waiting for their handler, acks waiting for their
// callback. Everything is keyed by host and Engine.IO session (sid), is dropped when the
// session closes, and every queue is bounded, so a rogue peer can neither shift another
// session's links nor grow memory without end.

import type { Recorder } from "../../trace/recorder.js";
import type { EnginePacketType, NewEvent, TraceEvent } from "../../../shared/trace/types.js";

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
  /** The Engine.IO session the emitting socket belongs to, where known (server side). */
  sid?: string;
  event: string;
  args: unknown[];
  /** The call as written, when not `socket.emit` (`socket.volatile.emit`). */
  callee?: string;
  /** Which try of a client socket with `retries` this is (1, 2, …). */
  attempt?: number;
}

export interface DecodedPacket {
  eventId: number;
  type: string;
  nsp: string;
  ackId?: number;
  /** The event name as a string (Socket.IO also accepts numbers). */
  event?: string;
}

/** An emit with an ack callback, as the encoder saw it. */
export interface AckEmit {
  /** Key of its ack in `acks`: host|sid|nsp|ackId. */
  key: string;
  emitId: number;
}

/** Most entries one queue keeps; older ones are dropped (they could only be stale). */
const MAX_QUEUE = 256;
/** Most entries a map of pending acks keeps. */
const MAX_PENDING = 10_000;

export class Correlator {
  /** Engine packets a host created, waiting for the bytes that carry them; by host|sid. */
  readonly outgoing = new Map<string, PendingEnginePacket[]>();
  /** Engine packets parsed from bytes a host read, waiting for the logical event; by host|sid. */
  readonly incoming = new Map<string, PendingEnginePacket[]>();
  /** Per host: the API call about to be encoded. */
  readonly pendingCall = new Map<string, PendingApiCall>();
  /** Per host: the api event whose encode comes next (an ack-send). */
  readonly pendingApiEvent = new Map<string, number>();
  /** Per host: the api broadcast whose single encode comes next. */
  readonly pendingBroadcast = new Map<string, number>();
  /** Per host: the last encode, so the engine packets created from it can name it. */
  readonly lastEncode = new Map<string, { chunks: unknown[]; eventId: number }>();
  /** Per host: the engine message being delivered right now (feeds the Socket.IO decoder). */
  readonly currentEngineIn = new Map<string, { eventId: number; sid: string | undefined }>();
  /** Per host: the session the server is connecting a namespace socket for (its CONNECT reply). */
  readonly connectingSid = new Map<string, string>();
  /** Per host: ack callbacks waiting to learn which encoded emit they belong to, in emit order. */
  readonly unboundAcks = new Map<string, ((ack: AckEmit) => void)[]>();
  /** Decoded Socket.IO packets waiting for their API event; by host|sid|nsp. */
  readonly decoded = new Map<string, DecodedPacket[]>();
  /** Emits waiting for their ack: host|sid|nsp|ackId → api emit id. */
  readonly ackExpected = new Map<string, number>();
  /** Decoded ACK packets waiting for the callback to run: host|sid|nsp|ackId → packet id. */
  readonly ackArrived = new Map<string, number>();
  /** Received events carrying an ack callback: host|nsp|ackId → api receive event id. */
  readonly ackOwed = new Map<string, number>();
  /**
   * Per host: the api event whose application code is running right now (a handler called
   * for a `receive`, an ack callback for its `ack-receive`), set only around that synchronous
   * call, so what the code logs names what made it run.
   */
  readonly running = new Map<string, number>();
  /** Per server socket|event: the last `receive` recorded, for the handlers dispatched next. */
  readonly lastReceive = new Map<string, number>();

  /** Runs `fn` as code caused by api event `id` on `host` (see `running`). */
  runAs<T>(host: string, id: number | undefined, fn: () => T): T {
    if (id === undefined) return fn();
    const outer = this.running.get(host);
    this.running.set(host, id);
    try {
      return fn();
    } finally {
      if (outer === undefined) this.running.delete(host);
      else this.running.set(host, outer);
    }
  }

  constructor(readonly recorder: Recorder) {}

  record(event: NewEvent): number {
    return this.recorder.record(event);
  }

  /** For events built with `id: 0, t: 0` first: recorded without a copy (see `Recorder.stamp`). */
  stamp(event: TraceEvent): number {
    return this.recorder.stamp(event);
  }

  static key(...parts: (string | number | undefined)[]): string {
    return parts.map((p) => (p === undefined ? "?" : String(p))).join("|");
  }

  push<T>(map: Map<string, T[]>, key: string, value: T): void {
    const list = map.get(key);
    if (!list) {
      map.set(key, [value]);
      if (map.size > MAX_PENDING) map.delete(map.keys().next().value!);
    } else {
      list.push(value);
      if (list.length > MAX_QUEUE) list.splice(0, list.length - MAX_QUEUE);
    }
  }

  /** Sets a pending-ack entry, dropping the oldest when too many are pending. */
  remember(map: Map<string, number>, key: string, value: number): void {
    map.set(key, value);
    if (map.size > MAX_PENDING) map.delete(map.keys().next().value!);
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

  /** Forgets what was pending for one session of a host (its engine closed). */
  forgetSession(host: string, sid: string): void {
    this.forgetPrefix(`${host}|${sid}|`);
    this.outgoing.delete(`${host}|${sid}`);
    this.incoming.delete(`${host}|${sid}`);
  }

  /** Forgets everything about a host (a client removed). */
  forgetHost(host: string): void {
    this.forgetPrefix(`${host}|`);
    for (const map of [this.pendingCall, this.pendingApiEvent, this.pendingBroadcast, this.lastEncode, this.currentEngineIn, this.connectingSid, this.unboundAcks, this.running]) {
      (map as Map<string, unknown>).delete(host);
    }
  }

  private forgetPrefix(prefix: string): void {
    for (const map of [this.outgoing, this.incoming, this.decoded, this.ackExpected, this.ackArrived, this.ackOwed] as Map<string, unknown>[]) {
      for (const k of map.keys()) if (k.startsWith(prefix)) map.delete(k);
    }
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
