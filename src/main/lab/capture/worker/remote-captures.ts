// The lab's side of captures that run in a worker thread. Socket.IO's thread keeps the probes
// and the live sockets; every few milliseconds its queued records go to the worker as one
// batch of bytes (see record-codec.ts), where the same captures apply them (once the lab pauses,
// see RecordQueue.receive) and the recorder
// stamps, writes and keeps the events. Events come back as JSON text, one message per batch,
// only while someone on this side subscribes; `recent()` and `since()` ask for the window.
//
// Whatever must see every record first (`recent()`, `count`, `flush()`, lab code's `record()`,
// a question to a capture) is a synchronous call: the waiting records are posted, then a fence,
// and this thread waits (Atomics.wait) until the worker has applied everything and answered.
// The worker's answers and event batches travel on one port, in order, so the call reads every
// batch that came before its answer (receiveMessageOnPort).

import { existsSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import type { NewEvent, TraceEvent, TraceHeader } from "../../../../shared/trace/types.js";
import type { BatchListener, Recorder } from "../../../trace/recorder.js";
import { type CaptureShape, createCaptureSet, type LabCapture } from "../capture-set.js";
import type { RemoteCall, RemoteCaptures, RemoteRequest } from "../correlator.js";
import type { RecordBatch, RecordQueue } from "../record-queue.js";
import { FLAG_SLOTS, type FromWorker, type ToWorker, type WorkerSetup } from "./messages.js";

export interface CaptureWorkerOptions {
  header: TraceHeader;
  /** Trace file the worker appends to; none keeps the trace in memory only. */
  file?: string;
  shape: CaptureShape;
  /** How many recent events this side keeps in memory (the file keeps everything). */
  windowSize?: number;
  /** How many bytes of recent events (their JSON) this side keeps. */
  windowBytes?: number;
  /** How far the worker may fall behind (bytes of records posted and not yet applied) before this thread waits for it. */
  maxLagBytes?: number;
  /** The worker's entry, where it is not the one beside this file (a test). */
  entry?: URL;
}

/**
 * How far behind the worker may fall by default: 16 MB of records, about 17,000 acked emits
 * over WebSocket. A burst stays within it and costs Socket.IO's thread only the writing of its
 * records; a load that lasts goes at the pace the worker applies them, and memory stays bounded.
 */
export const MAX_LAG_BYTES = 16 * 1024 * 1024;


/** How long a synchronous call waits for a worker that makes no progress before the capture is declared dead (ms). */
const CALL_TIMEOUT_MS = 30_000;

/** The capture worker could not be started here (its entry is missing from this build, or it failed as it started). */
export class CaptureWorkerUnavailable extends Error {}

/** The worker's entry: its TypeScript source under tsx (tests, the CLI from source), its build beside this file's. */
function workerEntry(): { url: URL; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith(".ts");
  const url = new URL(fromSource ? "./capture-worker.ts" : "./capture-worker.js", import.meta.url);
  return { url, execArgv: fromSource ? ["--import", "tsx"] : [] };
}

/** Starts a capture worker; resolves once it answers, with the lab's side of its recorder and captures. */
export async function startCaptureWorker(options: CaptureWorkerOptions): Promise<{ recorder: Recorder; capture: LabCapture; lag(): { waits: number; maxBytes: number } }> {
  const entry = options.entry ? { url: options.entry, execArgv: [] } : workerEntry();
  if (!existsSync(fileURLToPath(entry.url))) throw new CaptureWorkerUnavailable(`the capture worker's entry is missing (${fileURLToPath(entry.url)})`);
  const toWorker = new MessageChannel();
  const fromWorker = new MessageChannel();
  // [0]: moved by the worker after each answer to a fence; [1]: set as the worker exits;
  // [2]: the KiB of records it has applied (see `post`); [3]: the records this side wrote (see
  // RecordQueue.sendTo).
  const flag = new Int32Array(new SharedArrayBuffer(FLAG_SLOTS * 4));
  const origin = performance.timeOrigin + performance.now();
  const setup: WorkerSetup = {
    header: options.header,
    shape: options.shape,
    origin,
    flag,
    ...(options.windowSize !== undefined ? { windowSize: options.windowSize } : {}),
    ...(options.windowBytes !== undefined ? { windowBytes: options.windowBytes } : {}),
    records: toWorker.port2,
    events: fromWorker.port2,
    ...(options.file ? { file: options.file } : {}),
  };
  const worker = new Worker(entry.url, { execArgv: entry.execArgv, workerData: setup, transferList: [toWorker.port2, fromWorker.port2] });
  const records: MessagePort = toWorker.port1;
  const events: MessagePort = fromWorker.port1;

  const listeners = new Set<BatchListener>();
  let seq = 0;
  let dead: string | undefined;
  let closed = false;
  /** The window as the worker last had it, once it is gone (closed or dead), and what this side said since. */
  let final: TraceEvent[] = [];
  let lastId = 0;
  let queue: RecordQueue | undefined;
  let onUntap: (id: string) => void = () => {};
  const replies = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const now = (): number => Math.round((performance.timeOrigin + performance.now() - origin) * 1000) / 1000;

  const delivered = (batch: TraceEvent[]): void => {
    if (batch.length > 0) lastId = Math.max(lastId, batch[batch.length - 1]!.id);
    for (const listener of listeners) listener(batch);
  };
  const died = (why: string): void => {
    if (dead !== undefined || closed) return;
    dead = why;
    console.error(`socketscope: ${why}`);
    const event = { id: ++lastId, t: now(), layer: "lab", kind: "error", host: "server", code: "CAPTURE_FAILED", message: `${why}; the lab goes on untraced` } as TraceEvent;
    final.push(event);
    delivered([event]);
    for (const r of replies.values()) r.reject(new Error(why));
    replies.clear();
    void worker.terminate();
  };

  // Batches are handed to subscribers one at a time, in order, and never from inside a
  // synchronous call: a subscriber that calls one (`recent()` in a step's wait) would otherwise
  // read the port under the call still waiting for its answer.
  const held: string[] = [];
  let inSync = 0;
  let delivering = false;
  const deliverHeld = (): void => {
    if (delivering || inSync > 0) return;
    delivering = true;
    try {
      while (held.length > 0) {
        const text = held.shift()!;
        if (listeners.size > 0) delivered(JSON.parse(text) as TraceEvent[]);
      }
    } finally {
      delivering = false;
    }
  };
  /** Answers to fences, by number, until their call takes them. */
  const answers = new Map<number, Extract<FromWorker, { fence: number }>>();

  /** One message from the worker, in the order it sent them. */
  const handle = (m: FromWorker): void => {
    if ("events" in m) {
      lastId = Math.max(lastId, m.last);
      if (listeners.size > 0) {
        held.push(m.events);
        deliverHeld();
      }
    } else if ("fence" in m) answers.set(m.fence, m);
    else if ("ready" in m) ready?.();
    else if ("untap" in m) onUntap(m.untap);
    else if ("reply" in m) {
      const r = replies.get(m.reply);
      replies.delete(m.reply);
      if (m.error !== undefined) r?.reject(new Error(m.error));
      else r?.resolve(m.result);
    }
  };
  let ready: (() => void) | undefined;
  const started = new Promise<void>((resolve, reject) => {
    ready = resolve;
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the capture worker stopped as it started (exit code ${code})`)));
  });
  events.on("message", handle);

  const maxLagKiB = Math.max(1, Math.floor((options.maxLagBytes ?? MAX_LAG_BYTES) / 1024));
  /** KiB of records posted so far, and how often this thread waited for the worker to catch up. */
  let postedKiB = 0;
  let lagWaits = 0;
  /** Posts a batch of records, its bytes transferred (the queue wrote them for this, see record-codec.ts). */
  const post = (batch: RecordBatch): void => {
    if (dead !== undefined || closed) return;
    postedKiB += Math.ceil(batch.bytes.byteLength / 1024);
    const message: ToWorker = { batch };
    records.postMessage(message, [batch.bytes]);
    if (postedKiB - Atomics.load(flag, 2) > maxLagKiB) catchUp();
  };
  /** The worker fell too far behind: wait until it is half way back. */
  const catchUp = (): void => {
    lagWaits++;
    const progress = progressWatch();
    for (;;) {
      const applied = Atomics.load(flag, 2);
      if (postedKiB - applied <= maxLagKiB / 2) return;
      if (Atomics.load(flag, 1) !== 0) return died("the capture worker stopped");
      if (progress.stalled()) return died(`the capture worker, ${postedKiB - applied} KiB of records behind, applied none for ${CALL_TIMEOUT_MS / 1000} s`);
      Atomics.wait(flag, 2, applied, 100);
    }
  };
  /**
   * Whether the worker stopped making progress: it applied no batch for CALL_TIMEOUT_MS. A worker
   * that is slow (a long backlog, a machine whose cores are all busy) is waited for, not killed.
   */
  const progressWatch = (): { stalled(): boolean } => {
    let applied = Atomics.load(flag, 2);
    let deadline = Date.now() + CALL_TIMEOUT_MS;
    return {
      stalled() {
        const now = Atomics.load(flag, 2);
        if (now !== applied) {
          applied = now;
          deadline = Date.now() + CALL_TIMEOUT_MS;
        }
        return Date.now() > deadline;
      },
    };
  };

  /** Posts what waits, then a fence, and waits for the worker's answer to it, reading every message before it. */
  const sync = (call?: { op: RemoteCall; args: unknown[] }): Extract<FromWorker, { fence: number }> | undefined => {
    // Closed: the window holds every event there will be.
    if (dead !== undefined || closed) return undefined;
    queue?.drain();
    const fence = ++seq;
    const message: ToWorker = call ? { fence, call } : { fence };
    records.postMessage(message);
    const progress = progressWatch();
    inSync++;
    try {
      for (;;) {
        const answer = answers.get(fence);
        if (answer) {
          answers.delete(fence);
          if (answer.error !== undefined) throw new Error(`capture worker: ${answer.error}`);
          return answer;
        }
        // The flag is read before the port: the worker posts its answer, then moves the flag.
        const seen = Atomics.load(flag, 0);
        const m = receiveMessageOnPort(events);
        if (m) {
          handle(m.message as FromWorker);
          continue;
        }
        // The worker moves the flag as it exits, too (an uncaught error there): no answer will come.
        if (Atomics.load(flag, 1) !== 0) {
          died("the capture worker stopped");
          return undefined;
        }
        if (progress.stalled()) {
          died(`the capture worker did not answer, and applied nothing, for ${CALL_TIMEOUT_MS / 1000} s`);
          return undefined;
        }
        Atomics.wait(flag, 0, seen, 250);
      }
    } finally {
      inSync--;
      deliverHeld();
    }
  };

  const remote: RemoteCaptures = {
    call<T>(op: RemoteCall, args: unknown[] = []): T {
      return sync({ op, args })?.result as T;
    },
    request<T>(op: RemoteRequest, args: unknown[] = []): Promise<T> {
      if (dead !== undefined || closed) return Promise.reject(new Error(dead ?? "the lab's capture closed"));
      queue?.drain();
      const reply = ++seq;
      const message: ToWorker = { request: reply, op, args };
      records.postMessage(message);
      return new Promise<T>((resolve, reject) => replies.set(reply, { resolve: resolve as (v: unknown) => void, reject }));
    },
  };

  // An exit (process.exit, an uncaught exception) first lets the worker apply and write everything.
  const onExit = (): void => void sync();

  const ask = <T>(op: RemoteCall, args: unknown[] = []): T | undefined => {
    const answer = sync({ op, args });
    return answer ? (answer.result as T) : undefined;
  };

  const recorder: Recorder = {
    header: options.header,
    now,
    get count() {
      const count = ask<number>("count");
      if (count !== undefined) lastId = Math.max(lastId, count);
      return lastId;
    },
    record(event: NewEvent, t?: number): number {
      if (closed || dead !== undefined) return lastId;
      queue!.pushNamed("event", { event, t: t ?? now() });
      const id = sync()?.lastEventId;
      if (id !== undefined) lastId = Math.max(lastId, id);
      return id ?? lastId;
    },
    stamp(event: TraceEvent, t?: number): number {
      const { id: _id, t: _t, ...rest } = event;
      return recorder.record(rest as NewEvent, t);
    },
    setBacklog(b) {
      queue = b as RecordQueue;
    },
    recent() {
      return ask<TraceEvent[]>("recent") ?? final.slice();
    },
    since(id) {
      return ask<TraceEvent[]>("since", [id]) ?? final.filter((e) => e.id > id);
    },
    subscribe(listener) {
      listeners.add(listener);
      if (listeners.size === 1 && dead === undefined && !closed) records.postMessage({ subscribe: true } satisfies ToWorker);
      return () => {
        if (!listeners.delete(listener) || listeners.size > 0 || dead !== undefined || closed) return;
        records.postMessage({ subscribe: false } satisfies ToWorker);
      };
    },
    flush() {
      sync();
    },
    close() {
      if (closed) return;
      // The window as it ends, for whoever reads the trace after the lab (a test, a step's check).
      final = ask<TraceEvent[]>("close") ?? final;
      if (final.length > 0) lastId = Math.max(lastId, final[final.length - 1]!.id);
      closed = true;
      process.off("exit", onExit);
      listeners.clear();
      for (const r of replies.values()) r.reject(new Error("the lab's capture closed"));
      replies.clear();
      events.off("message", handle);
      records.close();
      events.close();
      void worker.terminate();
    },
  };

  // The lab's side of the captures: the probes' records go to the worker every few milliseconds.
  const capture = createCaptureSet(recorder, options.shape, { remote });
  capture.correlator.queue.sendTo(post, flag.subarray(3, 4));
  onUntap = (id) => capture.connections.untap(id);

  // The worker says it is ready once its captures are made; a worker that cannot start is stopped, its ports closed.
  try {
    await started;
  } catch (err) {
    closed = true;
    events.off("message", handle);
    records.close();
    events.close();
    await worker.terminate();
    throw new CaptureWorkerUnavailable(`the capture worker could not start: ${(err as Error).message}`);
  }
  worker.on("error", (err) => died(`the capture worker failed: ${err.message}`));
  worker.on("exit", (code) => died(`the capture worker stopped (exit code ${code})`));
  process.once("exit", onExit);
  return { recorder, capture, lag: () => ({ waits: lagWaits, maxBytes: maxLagKiB * 1024 }) };
}
