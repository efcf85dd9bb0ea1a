// What a worker-thread capture could reach, measured with the lab's real probes: the lab's full
// capture, except that while the emits run every record the probes report (TCP, Engine.IO,
// Socket.IO, api) is only queued, in order. In a "ring" round the records go to 4,096 fixed
// slots, overwritten in turn (as a ring read by a worker would be), and the drive's time is
// what Socket.IO's thread pays with the probes alone (each record is still one object here,
// not binary), before any cost of handing records to another thread; in a "drop" round each
// record is let go at once (the probes' own work, with no hand-off at all). In a
// "replay" round the queue keeps every record and the captures apply it after the emits, timed
// on their own: what the worker would have to keep up with (an upper bound: records held to the
// end age into the old generation). The replay makes about as many events as the live capture
// (its times are the replay's, and the TCP sweeps run once at its end: a cost, not a trace).
// In a "handoff" round each record is written in the binary form the capture worker takes
// (worker/record-codec.ts) as it is queued, and each turn's bytes are posted to a worker thread
// (transferred): what Socket.IO's thread pays with the captures in a worker, before the
// worker's own work competes with it.

import { Worker } from "node:worker_threads";
import { ApiCapture } from "../src/main/lab/capture/api/api-capture.js";
import { EngineCapture } from "../src/main/lab/capture/engine/engine-capture.js";
import { SocketIoCapture } from "../src/main/lab/capture/socketio/traced-parser.js";
import { ConnectionCapture } from "../src/main/lab/capture/tcp/connection-capture.js";
import { RecordWriter } from "../src/main/lab/capture/worker/record-codec.js";
import { createLab } from "../src/main/lab/lab.js";
import { bare, drive, timed, traced, type Transport } from "./capture-overhead.js";
import { collectGarbage, Samples } from "./stats.js";

type Apply = (this: unknown, ...args: unknown[]) => unknown;
interface Queued {
  capture: unknown;
  apply: Apply;
  args: unknown[];
}

/** Where records go while set; applied at once while null. */
let sink: ((q: Queued) => void) | null = null;
const RING = 4096;
/** Records queued in this round. */
let queuedCount = 0;

const PROTOTYPES = [ConnectionCapture.prototype, EngineCapture.prototype, SocketIoCapture.prototype, ApiCapture.prototype] as unknown as Record<string, Apply>[];

/** Routes each capture's `apply` through the queue; returns what puts them back. */
export function patchCaptures(): () => void {
  const originals = PROTOTYPES.map((proto) => proto.apply!);
  PROTOTYPES.forEach((proto, i) => {
    const original = originals[i]!;
    proto.apply = function (this: unknown, ...args: unknown[]): unknown {
      if (sink === null) return original.apply(this, args);
      queuedCount++;
      sink({ capture: this, apply: original, args });
      return undefined;
    };
  });
  return () => {
    for (const [i, proto] of PROTOTYPES.entries()) proto.apply = originals[i]!;
  };
}

/** From now on, records go to a ring of RING slots and are never applied (the probes' cost alone); returns what stops it. */
export function probesOnly(): () => void {
  const unpatch = patchCaptures();
  const slots: (Queued | undefined)[] = new Array(RING).fill(undefined);
  let at = 0;
  sink = (q) => {
    slots[at] = q;
    at = (at + 1) % RING;
  };
  return () => {
    sink = null;
    unpatch();
  };
}

/** A worker that takes the batches posted to it and counts their records; a `fence` message is answered once everything before it arrived. */
export const READER = `
const { parentPort } = require("node:worker_threads");
let records = 0;
parentPort.on("message", (m) => {
  if (m && m.fence !== undefined) parentPort.postMessage({ fence: m.fence, records });
  else records += m.count;
});`;

/** Each record written in binary as it is queued, each turn's bytes posted to a worker thread; returns what waits for the worker to have them all. */
function handOff(): { sink: (q: Queued) => void; done(): Promise<{ records: number; failed: number }>; stop(): Promise<void> } {
  const worker = new Worker(READER, { eval: true });
  const writer = new RecordWriter();
  let scheduled = false;
  let failed = 0;
  const post = (): void => {
    scheduled = false;
    const count = writer.count;
    const bytes = writer.take();
    if (bytes) worker.postMessage({ bytes, count }, [bytes]);
  };
  let fences = 0;
  return {
    sink: (q) => {
      const record = q.args[q.args.length - 1] as { t?: number };
      try {
        writer.write("capture", undefined, record.t ?? 0, record);
      } catch {
        failed++;
      }
      if (!scheduled) {
        scheduled = true;
        setImmediate(post);
      }
    },
    done: () => {
      if (scheduled) post();
      const fence = ++fences;
      return new Promise((resolve) => {
        const on = (m: { fence: number; records: number }): void => {
          if (m.fence !== fence) return;
          worker.off("message", on);
          resolve({ records: m.records, failed });
        };
        worker.on("message", on);
        worker.postMessage({ fence });
      });
    },
    stop: async () => {
      await worker.terminate();
    },
  };
}

export interface DeferredRound {
  /** The drive with the probes queueing records (ms, wall). */
  probesMs: number;
  /** "handoff": from the last emit's answer until the worker had read every record (ms). */
  lagMs?: number;
  /** Applying the queue afterwards (ms). */
  applyMs: number;
  records: number;
  events: number;
}

/** One round: the lab with its captures deferred, `n` acked emits; in a "replay" round the queue is then applied. */
/** Around the replay's apply loop (a profiler, say). */
export interface ReplayHooks {
  beforeApply?(): Promise<void> | void;
  afterApply?(): Promise<void> | void;
}

/**
 * "ring": records to RING slots (an object ring: what keeping them until a worker reads costs);
 * "drop": each record let go at once (the probes' own work, nothing handed over); "replay":
 * every record kept, then applied after the emits; "handoff": each turn's records serialised
 * and posted to a worker thread.
 */
export async function deferredRound(transport: Transport, n: number, window: number, mode: "ring" | "drop" | "replay" | "handoff", hooks: ReplayHooks = {}): Promise<DeferredRound> {
  const unpatch = patchCaptures();
  try {
    collectGarbage();
    // The probes' records are caught on this thread (`patchCaptures`): the captures must run here.
    const lab = await createLab({ port: 0, captureIn: "thread" });
    try {
      const client = await lab.addClient({ transports: transport });
      const socket = client.socket("/");
      if (!socket.connected) await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
      const before = lab.recorder.count;
      const queued: Queued[] = [];
      const slots: (Queued | undefined)[] = new Array(RING).fill(undefined);
      let at = 0;
      const handoff = mode === "handoff" ? handOff() : undefined;
      if (handoff) await handoff.done();
      sink = handoff
        ? handoff.sink
        : mode === "ring"
          ? (q) => {
              slots[at] = q;
              at = (at + 1) % RING;
            }
          : mode === "drop"
            ? () => {}
            : (q) => queued.push(q);
      queuedCount = 0;
      let probesMs: number;
      try {
        probesMs = await drive(socket, n, window);
      } finally {
        sink = null;
      }
      const records = queuedCount;
      if (handoff) {
        const start = performance.now();
        const read = await handoff.done();
        const lagMs = performance.now() - start;
        await handoff.stop();
        if (read.failed > 0 || read.records !== records) throw new Error(`hand-off: ${read.records} of ${records} records read, ${read.failed} not serialisable`);
        return { probesMs, lagMs, applyMs: 0, records, events: 0 };
      }
      if (mode !== "replay") return { probesMs, applyMs: 0, records, events: 0 };
      await hooks.beforeApply?.();
      const start = performance.now();
      for (const q of queued) q.apply.apply(q.capture, q.args);
      lab.recorder.flush();
      const applyMs = performance.now() - start;
      await hooks.afterApply?.();
      return { probesMs, applyMs, records, events: lab.recorder.count - before };
    } finally {
      sink = null;
      await lab.dispose();
    }
  } finally {
    unpatch();
  }
}

export interface CaptureDeferred {
  transport: Transport;
  emits: number;
  rounds: number;
  bareMs: number;
  labMs: number;
  probesMs: number;
  applyMs: number;
  /** Median of (drive with probes only ÷ bare), rounds interleaved: records kept in an object ring. */
  probesRatio: number;
  /** The same with every record let go at once: the probes' own work, no hand-off. */
  probesDroppedMs: number;
  probesDroppedRatio: number;
  /** The same with each turn's records serialised and posted to a worker thread that reads them. */
  probesHandoffMs: number;
  probesHandoffRatio: number;
  /** How long after the last answer the worker had read every record (ms). */
  handoffLagMs: number;
  /** Median of (bare + apply) ÷ bare: the trace complete only after the emits, the captures' work done after them (one thread, in turn). */
  applyRatio: number;
  recordsPerEmit: number;
  eventsPerEmit: number;
  /** Events per emit of the live capture, in the same rounds (the replay should make as many). */
  liveEventsPerEmit: number;
}

export async function measureCaptureDeferred(options: { transport: Transport; emits: number; rounds?: number; window?: number }): Promise<CaptureDeferred> {
  const { transport, emits } = options;
  const rounds = options.rounds ?? 5;
  const window = options.window ?? 100;
  await timed(() => bare(transport), Math.min(emits, 500), window);
  await deferredRound(transport, Math.min(emits, 500), window, "replay");
  const samples = new Samples<Exclude<keyof CaptureDeferred, "transport" | "emits" | "rounds">>();
  for (let r = 0; r < rounds; r++) {
    const b = await timed(() => bare(transport), emits, window);
    const ring = await deferredRound(transport, emits, window, "ring");
    const dropped = await deferredRound(transport, emits, window, "drop");
    const handedOff = await deferredRound(transport, emits, window, "handoff");
    const replayed = await deferredRound(transport, emits, window, "replay");
    const live = await timed(() => traced(transport, "thread"), emits, window);
    samples.add({
      bareMs: b.ms,
      labMs: live.ms,
      probesMs: ring.probesMs,
      applyMs: replayed.applyMs,
      probesRatio: ring.probesMs / b.ms,
      probesDroppedMs: dropped.probesMs,
      probesDroppedRatio: dropped.probesMs / b.ms,
      probesHandoffMs: handedOff.probesMs,
      probesHandoffRatio: handedOff.probesMs / b.ms,
      handoffLagMs: handedOff.lagMs ?? 0,
      applyRatio: (b.ms + replayed.applyMs) / b.ms,
      recordsPerEmit: ring.records / emits,
      eventsPerEmit: replayed.events / emits,
      liveEventsPerEmit: live.events / emits,
    });
  }
  return {
    transport,
    emits,
    rounds,
    bareMs: samples.median("bareMs", 1),
    labMs: samples.median("labMs", 1),
    probesMs: samples.median("probesMs", 1),
    applyMs: samples.median("applyMs", 1),
    probesRatio: samples.median("probesRatio", 3),
    probesDroppedMs: samples.median("probesDroppedMs", 1),
    probesDroppedRatio: samples.median("probesDroppedRatio", 3),
    probesHandoffMs: samples.median("probesHandoffMs", 1),
    probesHandoffRatio: samples.median("probesHandoffRatio", 3),
    handoffLagMs: samples.median("handoffLagMs", 1),
    applyRatio: samples.median("applyRatio", 3),
    recordsPerEmit: samples.median("recordsPerEmit", 1),
    eventsPerEmit: samples.median("eventsPerEmit", 1),
    liveEventsPerEmit: samples.median("liveEventsPerEmit", 1),
  };
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const transport: Transport = process.argv[2] === "polling" ? "polling" : "websocket";
  const emits = Number(process.argv[3] ?? (transport === "polling" ? 1_000 : 5_000));
  console.log(JSON.stringify(await measureCaptureDeferred({ transport, emits }), null, 2));
  process.exit(0);
}
