// The recorder: stamps each event with its id and time on the lab's one clock, appends it to
// the trace file, keeps a window in memory bounded by count and by bytes, and hands events to
// subscribers in batches. A file that cannot be written any more stops the file, not the lab.

import { performance } from "node:perf_hooks";
import type { NewEvent, TraceEvent, TraceHeader } from "../../shared/trace/types.js";
import { createTextWindow } from "./text-window.js";
import { createTraceWriter, type TraceWriter } from "./trace-writer.js";

export interface RecorderOptions {
  header: TraceHeader;
  /** Trace file to append to; none keeps the trace in memory only. */
  file?: string;
  /** How many recent events to keep in memory (the file keeps everything). */
  windowSize?: number;
  /** How many bytes of recent events (their JSON) to keep in memory; 64 MiB by default. */
  windowBytes?: number;
  clock?: () => number;
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
  /** Events still in memory, oldest first: copies, read back from the window's text (see text-window.ts). */
  recent(): TraceEvent[];
  /** The events still in memory whose id is above `id` (what happened since an event), oldest first: reads back only the newest batches. */
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
  const t0 = clock();
  const windowSize = options.windowSize ?? 200_000;
  const windowBytes = options.windowBytes ?? 64 * 1024 * 1024;
  const listeners = new Set<BatchListener>();
  const window = createTextWindow(windowSize, windowBytes);
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
    window.add(batch);
    for (const listener of listeners) listener(batch);
  };

  const now = (): number => Math.round((clock() - t0) * 1000) / 1000;
  // A failed write is said once, in the trace and on stderr; the lab and the window go on.
  const onWriteError = (err: Error): void => {
    const code = (err as NodeJS.ErrnoException).code;
    const message = `recording to ${options.file} stopped: ${err.message}; the file holds the trace up to its last complete line`;
    console.error(`socketscope: ${message}`);
    pending.push({ id: nextId++, t: now(), layer: "lab", kind: "error", host: "server", message, ...(code ? { code } : {}) } as TraceEvent);
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
      const stamped = { id: nextId++, t: t ?? now(), ...event } as TraceEvent;
      if (closed) return stamped.id;
      pending.push(stamped);
      scheduled ??= setImmediate(flush);
      return stamped.id;
    },
    stamp(event, t) {
      catchUp();
      event.id = nextId++;
      event.t = t ?? now();
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
      const all = pending.length ? window.events().concat(pending) : window.events();
      return all.length > windowSize ? all.slice(all.length - windowSize) : all;
    },
    since(id) {
      catchUp();
      const kept = window.since(id);
      let i = 0;
      while (i < pending.length && pending[i]!.id <= id) i++;
      return i < pending.length ? kept.concat(i > 0 ? pending.slice(i) : pending) : kept;
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
