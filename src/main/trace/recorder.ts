// The recorder: stamps each event with its id and time on the lab's one clock, appends it to
// the trace file, keeps a window in memory bounded by count and by bytes, and hands events to
// subscribers in batches. A file that cannot be written any more stops the file, not the lab.

import { performance } from "node:perf_hooks";
import type { NewEvent, TraceEvent, TraceHeader } from "../../shared/trace/types.js";
import { createTraceWriter, type TraceWriter } from "./trace-writer.js";

export interface RecorderOptions {
  header: TraceHeader;
  /** Trace file to append to; none keeps the trace in memory only. */
  file?: string;
  /** How many recent events to keep in memory (the file keeps everything). */
  windowSize?: number;
  /** How many bytes of recent events (their JSON, estimated) to keep in memory; 64 MiB by default. */
  windowBytes?: number;
  clock?: () => number;
  /** The clock's reading at the lab's time 0 (another thread's recorder of the same lab); now, by default. */
  origin?: number;
}

export type BatchListener = (events: TraceEvent[]) => void;

/** Work whose events come before anything recorded from now on (the capture's queued records). */
export interface Backlog {
  readonly waiting: boolean;
  drain(): void;
}

export interface Recorder {
  readonly header: TraceHeader;
  /** Records an event now (or at `t`, when it happened: lab clock); returns its id. */
  record(event: NewEvent, t?: number): number;
  /**
   * Records an event built with `id: 0, t: 0` as its first fields, stamping them in place:
   * the same trace line as `record`, without copying the event. The caller gives it up.
   */
  stamp(event: TraceEvent, t?: number): number;
  /**
   * Work to do before any event is recorded from elsewhere, and before the trace is read,
   * counted or flushed: the capture's queue of records, whose events happened earlier.
   */
  setBacklog(backlog: Backlog): void;
  /** Milliseconds since the lab started. */
  now(): number;
  /** Events still in memory, oldest first. */
  recent(): TraceEvent[];
  /** The events still in memory whose id is above `id` (what happened since an event), oldest first: the tail of recent(). */
  since(id: number): TraceEvent[];
  /** Number of events recorded so far. */
  readonly count: number;
  subscribe(listener: BatchListener): () => void;
  /** Writes and delivers what is pending now (otherwise done once per turn of the event loop). */
  flush(): void;
  close(): void;
}

export function createRecorder(options: RecorderOptions): Recorder {
  const clock = options.clock ?? (() => performance.now());
  const t0 = options.origin ?? clock();
  const windowSize = options.windowSize ?? 200_000;
  const windowBytes = options.windowBytes ?? 64 * 1024 * 1024;
  const listeners = new Set<BatchListener>();
  // ring[head..] is the window; sizes[i] is ring[i]'s estimated size
  let ring: TraceEvent[] = [];
  let sizes: number[] = [];
  let head = 0;
  let ringBytes = 0;
  let pending: TraceEvent[] = [];
  let nextId = 1;
  let scheduled: NodeJS.Immediate | undefined;
  let closed = false;
  let backlog: Backlog | undefined;
  const catchUp = (): void => {
    if (backlog?.waiting) backlog.drain();
  };

  const flush = (): void => {
    catchUp();
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    writer?.append(batch);
    // Indexed loops here and below: this runs for every event, and a for…of left an iterator result per event (a heap profile showed it).
    for (let i = 0; i < batch.length; i++) {
      const ev = batch[i]!;
      const size = estimateBytes(ev);
      ring.push(ev);
      sizes.push(size);
      ringBytes += size;
    }
    while (head < ring.length && (ring.length - head > windowSize || ringBytes > windowBytes)) ringBytes -= sizes[head++]!;
    if (head > 1024 && head * 2 > ring.length) {
      ring = ring.slice(head);
      sizes = sizes.slice(head);
      head = 0;
    }
    for (const listener of listeners) listener(batch);
  };

  const now = (): number => Math.round((clock() - t0) * 1000) / 1000;
  /**
   * Times never go back (the format's one monotonic clock). A capture in a worker thread can
   * stamp an event of its own (a sweep at the end of its turn, a timer) with its clock while
   * records that happened a moment earlier on the lab's thread are still on their way; such a
   * record is stamped with the time already given, a fraction of a turn later than it happened.
   */
  let lastT = 0;
  const monotonic = (t: number): number => {
    if (t > lastT) lastT = t;
    return lastT;
  };
  // A failed write is said once, in the trace and on stderr; the lab and the window go on.
  const onWriteError = (err: Error): void => {
    const code = (err as NodeJS.ErrnoException).code;
    const message = `recording to ${options.file} stopped: ${err.message}; the file holds the trace up to its last complete line`;
    console.error(`socketscope: ${message}`);
    pending.push({ id: nextId++, t: monotonic(now()), layer: "lab", kind: "error", host: "server", message, ...(code ? { code } : {}) } as TraceEvent);
    scheduled ??= setImmediate(flush);
  };
  const writer: TraceWriter | undefined = options.file ? createTraceWriter(options.file, options.header, { onError: onWriteError }) : undefined;
  // An uncaught exception or process.exit() still writes what was recorded (writes are synchronous).
  const onExit = (): void => flush();
  if (writer) process.once("exit", onExit);

  return {
    header: options.header,
    get count() {
      catchUp();
      return nextId - 1;
    },
    now,
    record(event, t) {
      catchUp();
      const stamped = { id: nextId++, t: monotonic(t ?? now()), ...event } as TraceEvent;
      if (closed) return stamped.id;
      pending.push(stamped);
      scheduled ??= setImmediate(flush);
      return stamped.id;
    },
    stamp(event, t) {
      catchUp();
      event.id = nextId++;
      event.t = monotonic(t ?? now());
      if (closed) return event.id;
      pending.push(event);
      scheduled ??= setImmediate(flush);
      return event.id;
    },
    setBacklog(b) {
      backlog = b;
    },
    recent() {
      catchUp();
      const window = head > 0 ? ring.slice(head) : ring;
      const all = pending.length ? window.concat(pending) : window;
      return all.length > windowSize ? all.slice(all.length - windowSize) : all === ring ? all.slice() : all;
    },
    since(id) {
      catchUp();
      // Ids only grow along the window and then the pending events: walk back to the first one above `id`.
      let i = pending.length;
      while (i > 0 && pending[i - 1]!.id > id) i--;
      const after = i < pending.length ? pending.slice(i) : [];
      if (i > 0) return after;
      let j = ring.length;
      while (j > head && ring[j - 1]!.id > id) j--;
      const all = j < ring.length ? ring.slice(j).concat(after) : after;
      // No more than recent() holds.
      return all.length > windowSize ? all.slice(all.length - windowSize) : all;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    flush,
    close() {
      if (closed) return;
      flush();
      closed = true;
      process.off("exit", onExit);
      writer?.close();
      listeners.clear();
    },
  };
}

/**
 * An event's size as JSON, estimated cheaply on the recording path: a fixed share for the
 * small fields every event has, plus the fields a peer can make big (bytes, payloads, args,
 * headers, room lists, messages), strings by length and values one level deep.
 */
const SMALL_FIELDS = 160;
/** The fields a peer can make big, read by name: one keyed loop over them cost twice as much (0.26 against 0.14 µs per event, measured on a replayed trace). */
interface BigFields {
  bytes?: unknown;
  encoded?: unknown;
  data?: unknown;
  args?: unknown;
  headers?: unknown;
  rooms?: unknown;
  preview?: unknown;
  message?: unknown;
  raw?: unknown;
  text?: unknown;
  code?: unknown;
}
function estimateBytes(ev: TraceEvent): number {
  const f = ev as BigFields;
  return (
    SMALL_FIELDS +
    sizeOf(f.bytes) +
    sizeOf(f.encoded) +
    sizeOf(f.data) +
    sizeOf(f.args) +
    sizeOf(f.headers) +
    sizeOf(f.rooms) +
    sizeOf(f.preview) +
    sizeOf(f.message) +
    sizeOf(f.raw) +
    sizeOf(f.text) +
    sizeOf(f.code)
  );
}

function sizeOf(v: unknown): number {
  if (typeof v === "string") return v.length;
  return typeof v === "object" && v !== null ? nestedBytes(v) : 0;
}

/** One level walked (headers, parents, flat args); anything deeper serialised. An array's items by index (a for…in made a key string per item). */
function nestedBytes(v: object): number {
  let n = 2;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) n += 4 + valueBytes(v[i]);
    return n;
  }
  const fields = v as Record<string, unknown>;
  for (const key in fields) n += key.length + 4 + valueBytes(fields[key]);
  return n;
}

function valueBytes(x: unknown): number {
  if (typeof x === "string") return x.length;
  if (typeof x !== "object" || x === null) return 8;
  try {
    return JSON.stringify(x)?.length ?? 0;
  } catch {
    return 64;
  }
}
