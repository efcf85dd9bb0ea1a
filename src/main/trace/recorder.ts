// The recorder: stamps each event with its id and time on the lab's one clock, appends it to
// the trace file, keeps a bounded window in memory, and hands events to subscribers in batches.

import { performance } from "node:perf_hooks";
import type { NewEvent, TraceEvent, TraceHeader } from "../../shared/trace/types.js";
import { createTraceWriter, type TraceWriter } from "./trace-writer.js";

export interface RecorderOptions {
  header: TraceHeader;
  /** Trace file to append to; none keeps the trace in memory only. */
  file?: string;
  /** How many recent events to keep in memory (the file keeps everything). */
  windowSize?: number;
  clock?: () => number;
}

export type BatchListener = (events: TraceEvent[]) => void;

export interface Recorder {
  readonly header: TraceHeader;
  /** Records an event now; returns its id. */
  record(event: NewEvent): number;
  /**
   * Records an event built with `id: 0, t: 0` as its first fields, stamping them in place:
   * the same trace line as `record`, without copying the event. The caller gives it up.
   */
  stamp(event: TraceEvent): number;
  /** Milliseconds since the lab started. */
  now(): number;
  /** Events still in memory, oldest first. */
  recent(): TraceEvent[];
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
  const writer: TraceWriter | undefined = options.file ? createTraceWriter(options.file, options.header) : undefined;
  const listeners = new Set<BatchListener>();
  let ring: TraceEvent[] = [];
  let pending: TraceEvent[] = [];
  let nextId = 1;
  let scheduled: NodeJS.Immediate | undefined;
  let closed = false;

  const flush = (): void => {
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    writer?.append(batch);
    for (const ev of batch) ring.push(ev);
    if (ring.length > windowSize * 1.5) ring = ring.slice(ring.length - windowSize);
    for (const listener of listeners) listener(batch);
  };

  const now = (): number => Math.round((clock() - t0) * 1000) / 1000;
  // An uncaught exception or process.exit() still writes what was recorded (writes are synchronous).
  const onExit = (): void => flush();
  if (writer) process.once("exit", onExit);

  return {
    header: options.header,
    get count() {
      return nextId - 1;
    },
    now,
    record(event) {
      const stamped = { id: nextId++, t: now(), ...event } as TraceEvent;
      if (closed) return stamped.id;
      pending.push(stamped);
      scheduled ??= setImmediate(flush);
      return stamped.id;
    },
    stamp(event) {
      event.id = nextId++;
      event.t = now();
      if (closed) return event.id;
      pending.push(event);
      scheduled ??= setImmediate(flush);
      return event.id;
    },
    recent() {
      const all = pending.length ? ring.concat(pending) : ring;
      return all.length > windowSize ? all.slice(all.length - windowSize) : all.slice();
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
