// The hand-offs between the capture's layers, and the recorder they all record to. Each layer
// records its own events; where one layer's event is caused by another's, the first hands the
// second a small typed record, found again by what it carries (its bytes, its packet's type,
// data and ack id, its socket's session), never by which call happened to run last:
//
//   sending    api ─(PacketCauses.encoding: the Socket.IO capture asks which api events caused a packet)─► socketio
//              socketio ─ encodedChunks: each encoded chunk, its packet's id ─► engine
//              engine ─ outgoing: each created packet, by type and data ─► wire
//   receiving  wire ─ incoming: each packet parsed from the bytes ─► engine
//              engine ─ engineIn: each message's data, its packet's id ─► socketio
//              socketio ─ decoded / ackArrived: each decoded packet ─► api
//   sessions   api (adapter) ─ socketSessions: which Engine.IO session a socket id is on ─► socketio
//
// Everything is keyed by host and Engine.IO session (sid) where there is one, dropped when the
// session closes, and bounded, so a rogue peer can neither shift another session's links nor
// grow memory without end.

import type { OpRecord } from "./capture-set.js";
import type { Recorder } from "../../trace/recorder.js";
import { BoundedMap } from "./bounded-map.js";
import { RecordQueue } from "./record-queue.js";
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

/** A Socket.IO packet decoded from what a host read, waiting for the api event it caused. */
export interface DecodedPacket {
  eventId: number;
  type: string;
  nsp: string;
  ackId?: number;
  /** The event name as a string (Socket.IO also accepts numbers). */
  event?: string;
  /** The packet's data as the trace shows it, decoded by the capture itself (an event's name, then its arguments). */
  data?: unknown;
}

/** An engine `message` a host received, waiting for the Socket.IO decoder to be fed its data. */
export interface EngineMessage {
  eventId: number;
  sid: string | undefined;
}

/**
 * The captures of a lab whose captures run in a worker, as its own side asks them (the lab's
 * side keeps only the probes and the live sockets): `call` answers at once, after every record
 * queued so far was applied there; `request` when the answer is ready (a wait for closes).
 */
export interface RemoteCaptures {
  call<T>(op: RemoteCall, args?: unknown[]): T;
  request<T>(op: RemoteRequest, args?: unknown[]): Promise<T>;
}
export type RemoteCall = "connections" | "bound" | "recent" | "since" | "count" | "close";
export type RemoteRequest = "closedAll";

/** One part of a key: a host, a session, a namespace, an ack id. */
type Part = string | number | undefined;

/** Most entries one queue keeps; older ones are dropped (they could only be stale). */
const MAX_QUEUE = 256;
/** Most entries a map of pending links keeps. */
const MAX_PENDING = 10_000;
/** Encoded chunks kept per host: an encode is sent at once (one engine packet per recipient). */
const KEEP_ENCODED = 16;
/** Engine messages kept per host until the decoder takes them (it does so at once). */
const KEEP_ENGINE_IN = 16;

export class Correlator {
  /** engine → wire: packets a host created, waiting for the bytes that carry them; by host|sid. */
  readonly outgoing = new BoundedMap<string, PendingEnginePacket[]>(MAX_PENDING);
  /** wire → engine: packets parsed from bytes a host read, waiting for the engine's event; by host|sid. */
  readonly incoming = new BoundedMap<string, PendingEnginePacket[]>(MAX_PENDING);
  /** socketio → api: decoded packets waiting for their api event; by host|sid|nsp. */
  readonly decoded = new BoundedMap<string, DecodedPacket[]>(MAX_PENDING);
  /** socketio → api: decoded ACK packets waiting for their callback: host|sid|nsp|ackId → packet id. */
  readonly ackArrived = new BoundedMap<string, number>(MAX_PENDING);
  /** socketio → engine: per host, the recently encoded chunks (text or bytes) and their packet events, newest last. */
  private readonly encodedChunks = new Map<string, { chunk: unknown; eventId: number }[]>();
  /** engine → socketio: per host, the last messages received, with their data (text or bytes). */
  private readonly engineIn = new Map<string, { data: unknown; message: EngineMessage }[]>();
  /** api (adapter) → socketio: the Engine.IO session of each server socket, by host|socket id. */
  private readonly socketSessions = new BoundedMap<string, string>(MAX_PENDING);

  /** The probes' records, applied once per turn (see record-queue.ts). */
  readonly queue: RecordQueue;

  /** The id of the last event lab code recorded through the queue (an `event` record: where the captures run in a worker). */
  lastEventId = 0;

  /** `remote`: the captures run in a worker, and this is the lab's side of them (see capture-set.ts). */
  constructor(
    readonly recorder: Recorder,
    readonly remote?: RemoteCaptures,
  ) {
    this.queue = new RecordQueue(recorder);
    this.queue.register("event", (r: { event: NewEvent }) => {
      this.lastEventId = this.record(r.event);
    });
  }

  /** Records an event, at the time of the record being applied (now, outside the queue). */
  record(event: NewEvent): number {
    return this.recorder.record(event, this.queue.time);
  }

  /** For events built with `id: 0, t: 0` first: recorded without a copy (see `Recorder.stamp`). */
  stamp(event: TraceEvent): number {
    return this.recorder.stamp(event, this.queue.time);
  }

  /** The time of the record being applied; outside the queue, now. */
  now(): number {
    return this.queue.time ?? this.recorder.now();
  }

  /** A key of two parts, `a|b`, "?" for a part not known (no array made: keys are made for every packet). */
  static key2(a: Part, b: Part): string {
    return `${a ?? "?"}|${b ?? "?"}`;
  }

  static key3(a: Part, b: Part, c: Part): string {
    return `${a ?? "?"}|${b ?? "?"}|${c ?? "?"}`;
  }

  static key4(a: Part, b: Part, c: Part, d: Part): string {
    return `${a ?? "?"}|${b ?? "?"}|${c ?? "?"}|${d ?? "?"}`;
  }

  push<T>(map: BoundedMap<string, T[]>, key: string, value: T): void {
    const list = map.get(key);
    if (!list) map.set(key, [value]);
    else {
      list.push(value);
      if (list.length > MAX_QUEUE) list.splice(0, list.length - MAX_QUEUE);
    }
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

  // ── socketio → engine ──
  /** The Socket.IO layer encoded `chunks` as packet event `eventId`. */
  encoded(host: string, chunks: readonly unknown[], eventId: number): void {
    let recent = this.encodedChunks.get(host);
    if (!recent) this.encodedChunks.set(host, (recent = []));
    for (const chunk of chunks) recent.push({ chunk, eventId });
    if (recent.length > KEEP_ENCODED) recent.splice(0, recent.length - KEEP_ENCODED);
  }

  /**
   * The Socket.IO packet an engine `message` a host creates carries (its data is one encoded
   * chunk): the newest encode of the same text or bytes. Compared by content, not identity, so
   * it holds for a copy of the data as much as for the object itself.
   */
  encodedAs(host: string, data: unknown): number | undefined {
    const recent = this.encodedChunks.get(host);
    if (!recent) return undefined;
    for (let i = recent.length - 1; i >= 0; i--) if (sameData(recent[i]!.chunk, data)) return recent[i]!.eventId;
    return undefined;
  }

  // ── engine → socketio ──
  /** The engine of `host` received a `message` (event `eventId`) whose data goes to the decoder next. */
  engineMessage(host: string, data: unknown, message: EngineMessage): void {
    let recent = this.engineIn.get(host);
    if (!recent) this.engineIn.set(host, (recent = []));
    // The decoder is fed in the same call (socket.io reads the engine's `data` event): only a few ever wait.
    if (recent.push({ data, message }) > KEEP_ENGINE_IN) recent.shift();
  }

  /** The engine message the decoder of `host` is fed `data` from (oldest first; the same text or bytes). */
  takeEngineMessage(host: string, data: unknown): EngineMessage | undefined {
    const recent = this.engineIn.get(host);
    const i = recent ? recent.findIndex((m) => sameData(m.data, data)) : -1;
    if (i < 0) return undefined;
    return recent!.splice(i, 1)[0]!.message;
  }

  // ── api (adapter) → socketio ──
  /** A server socket of `host` is on Engine.IO session `sid` (it joins its own room as it connects). */
  socketSession(host: string, socketId: string, sid: string): void {
    this.socketSessions.set(`${host}|${socketId}`, sid);
  }

  sessionOfSocket(host: string, socketId: string): string | undefined {
    return this.socketSessions.get(`${host}|${socketId}`);
  }

  socketGone(host: string, socketId: string): void {
    this.socketSessions.delete(`${host}|${socketId}`);
  }

  /** Forgets what was pending for one session of a host (its engine closed). */
  forgetSession(host: string, sid: string): void {
    this.forgetPrefix(`${host}|${sid}|`);
    this.outgoing.delete(`${host}|${sid}`);
    this.incoming.delete(`${host}|${sid}`);
  }

  /** Forgets everything about a host (a client removed). */
  forgetHost(host: string): void {
    if (this.remote) {
      // The worker's correlator and api capture both forget it (capture-set.ts).
      this.queue.pushNamed<OpRecord>("op", { op: "forgetHost", host });
      return;
    }
    this.forgetPrefix(`${host}|`);
    this.encodedChunks.delete(host);
    this.engineIn.delete(host);
  }

  private forgetPrefix(prefix: string): void {
    for (const map of [this.outgoing, this.incoming, this.decoded, this.ackArrived] as Map<string, unknown>[]) {
      for (const k of map.keys()) if (k.startsWith(prefix)) map.delete(k);
    }
  }
}

/** Whether two pieces of packet data are the same: the same text, or the same bytes (a copy of a Buffer is the same data). */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === "string" || typeof b === "string") return false;
  const x = asBytes(a);
  const y = asBytes(b);
  return x !== undefined && y !== undefined && x.equals(y);
}

function asBytes(data: unknown): Buffer | undefined {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
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
