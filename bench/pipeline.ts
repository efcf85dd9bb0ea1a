// The event pipeline: `recorder.record` → the recorder's per-turn batches → the batching the
// UI really uses → a subscriber that checks ids arrive contiguous (zero loss). Two paths:
// Electron (lab bridge → trace batcher → outbox → a MessagePort, whose structured clone
// stands in for IPC's) and web mode (the web server's batcher → a real loopback WebSocket),
// rounds interleaved. The subscriber runs in a worker thread, as the renderer would.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { LabApi, LabStatus } from "../src/shared/lab-api.js";
import type { NewEvent } from "../src/shared/trace/types.js";
import { LAB_PATH } from "../src/shared/web-protocol.js";
import { createRecorder, type Recorder } from "../src/main/trace/recorder.js";
import { createLabBridge } from "../src/main/electron/lab-bridge.js";
import { createOutbox } from "../src/main/electron/outbox.js";
import { startWebServer } from "../src/main/web/web-server.js";
import { benchHeader, type ScenarioTrace } from "./scenario-traces.js";
import { collectGarbage, median, round } from "./stats.js";

/** A LabApi whose trace is the given recorder's, subscribed the way the lab service does it. */
function recorderLab(recorder: Recorder): LabApi {
  const idle: LabStatus = { state: "idle", step: -1, steps: 0 };
  const unused = (): Promise<never> => Promise.reject(new Error("not used by the pipeline bench"));
  return {
    listScenarios: unused,
    startScenario: unused,
    nextStep: unused,
    restartScenario: unused,
    stop: unused,
    command: unused,
    attach: unused,
    openToPeers: unused,
    getStatus: async () => idle,
    onTrace: (listener) => recorder.subscribe((events) => listener({ events })),
    onStatus: (listener) => {
      listener(idle);
      return () => undefined;
    },
  };
}

/**
 * The subscriber runs in a worker thread, as the renderer runs in its own process: it
 * deserialises each batch (structured clone from a MessagePort, or JSON from the WebSocket),
 * checks the ids continue from the last one, and reports when the last event arrived.
 */
const SUBSCRIBER = `
const { parentPort, workerData } = require("node:worker_threads");
const { expected } = workerData;
let last = 0, lost = 0, received = 0, batches = 0;
function batch(events) {
  batches++;
  for (const e of events) {
    if (e.id !== last + 1) lost += Math.max(0, e.id - last - 1);
    last = e.id;
    received++;
  }
  if (last >= expected) parentPort.postMessage({ done: true, lost, received, batches });
}
let ws = null;
parentPort.on("message", (m) => {
  if (m.port) m.port.on("message", (b) => batch(b.events));
  if (m.close) {
    if (!ws || ws.readyState === WebSocket.CLOSED) return parentPort.postMessage({ closed: true });
    ws.addEventListener("close", () => parentPort.postMessage({ closed: true }));
    ws.close();
  }
  if (m.url) {
    ws = new WebSocket(m.url);
    ws.addEventListener("open", () => parentPort.postMessage({ open: true }));
    ws.addEventListener("error", () => parentPort.postMessage({ error: "the web server refused the /lab WebSocket" }));
    ws.addEventListener("message", (msg) => {
      const message = JSON.parse(msg.data);
      if (message.type === "trace") batch(message.batch.events);
    });
  }
});
parentPort.postMessage({ ready: true });
`;

interface Subscriber {
  worker: Worker;
  /** Resolves with the subscriber's tally once the last id has arrived. */
  done: Promise<{ lost: number; received: number; batches: number }>;
  next(kind: "ready" | "open" | "closed"): Promise<void>;
  /** Closes its connection (if any) and stops the worker. */
  stop(): Promise<void>;
}

function startSubscriber(expected: number): Subscriber {
  const worker = new Worker(SUBSCRIBER, { eval: true, workerData: { expected } });
  const waiting = new Map<string, () => void>();
  let finish!: (v: { lost: number; received: number; batches: number }) => void;
  let fail!: (err: Error) => void;
  const done = new Promise<{ lost: number; received: number; batches: number }>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  worker.on("message", (m: { ready?: true; open?: true; closed?: true; done?: true; error?: string; lost: number; received: number; batches: number }) => {
    if (m.ready) waiting.get("ready")?.();
    if (m.open) waiting.get("open")?.();
    if (m.closed) waiting.get("closed")?.();
    if (m.error) fail(new Error(m.error));
    if (m.done) finish(m);
  });
  worker.on("error", (err) => fail(err));
  const next = (kind: string): Promise<void> => new Promise<void>((resolve) => waiting.set(kind, resolve));
  return {
    worker,
    done,
    next,
    async stop() {
      const closed = next("closed");
      worker.postMessage({ close: true });
      await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))]);
      await worker.terminate();
    },
  };
}

interface PathRun {
  eventsPerS: number;
  lost: number;
  batches: number;
}

/** Records `count` events, `perTurn` per event-loop turn, and waits until the last one arrives. */
async function produce(recorder: Recorder, source: readonly NewEvent[], count: number, perTurn: number, sub: Subscriber): Promise<PathRun> {
  const start = performance.now();
  for (let i = 0; i < count; ) {
    const end = Math.min(count, i + perTurn);
    for (; i < end; i++) recorder.record(source[i % source.length]!);
    await new Promise((r) => setImmediate(r));
  }
  const tally = await sub.done;
  const ms = performance.now() - start;
  return { eventsPerS: tally.received / (ms / 1000), lost: tally.lost + (count - tally.received), batches: tally.batches };
}

async function electronPath(source: readonly NewEvent[], count: number, perTurn: number): Promise<PathRun> {
  const recorder = createRecorder({ header: benchHeader("pipeline"), windowSize: count });
  const sub = startSubscriber(count);
  await sub.next("ready");
  // webContents.send serialises each payload with V8's structured clone, as a MessagePort does.
  const { port1, port2 } = new MessageChannel();
  sub.worker.postMessage({ port: port2 }, [port2]);
  const outbox = createOutbox((channel, payload) => {
    if (channel === "trace:batch") port1.postMessage(payload);
  });
  outbox.markReady();
  const bridge = createLabBridge({ outbox });
  bridge.attach(recorderLab(recorder));
  await bridge.handlers.onTrace();
  try {
    return await produce(recorder, source, count, perTurn, sub);
  } finally {
    bridge.dispose();
    recorder.close();
    port1.close();
    await sub.stop();
  }
}

async function webPath(source: readonly NewEvent[], count: number, perTurn: number, rendererDir: string): Promise<PathRun> {
  const recorder = createRecorder({ header: benchHeader("pipeline"), windowSize: count });
  const server = await startWebServer({ port: 0, service: recorderLab(recorder), rendererDir, log: () => undefined });
  const sub = startSubscriber(count);
  try {
    await sub.next("ready");
    const open = sub.next("open");
    sub.worker.postMessage({ url: server.url.replace(/^http/, "ws").replace(/\/$/, LAB_PATH) });
    await Promise.race([open, sub.done]);
    return await produce(recorder, source, count, perTurn, sub);
  } finally {
    await sub.stop();
    await server.close();
    recorder.close();
  }
}

export interface PipelineFigures {
  /** The slower of the two paths (each the median of its rounds). */
  eventsPerS: number;
  electronEventsPerS: number;
  webEventsPerS: number;
  lost: number;
  events: number;
  perTurn: number;
  rounds: number;
  /** Messages per second the UI received on the Electron path (should stay near 60 or below). */
  electronBatchesPerS: number;
}

export async function measurePipeline(options: { traces: readonly ScenarioTrace[]; events: number; perTurn?: number; rounds?: number }): Promise<PipelineFigures> {
  const rounds = options.rounds ?? 5;
  const perTurn = options.perTurn ?? 1000;
  const source: NewEvent[] = options.traces.flatMap((t) => t.events.map(({ id: _id, t: _t, ...rest }) => rest as NewEvent));
  const empty = mkdtempSync(join(tmpdir(), "ss-bench-web-"));
  try {
    await electronPath(source, Math.min(options.events, 20_000), perTurn);
    await webPath(source, Math.min(options.events, 20_000), perTurn, empty);
    const electron: PathRun[] = [];
    const web: PathRun[] = [];
    for (let r = 0; r < rounds; r++) {
      collectGarbage();
      if (r % 2 === 0) {
        electron.push(await electronPath(source, options.events, perTurn));
        collectGarbage();
        web.push(await webPath(source, options.events, perTurn, empty));
      } else {
        web.push(await webPath(source, options.events, perTurn, empty));
        collectGarbage();
        electron.push(await electronPath(source, options.events, perTurn));
      }
    }
    const e = median(electron.map((x) => x.eventsPerS));
    const w = median(web.map((x) => x.eventsPerS));
    const eMs = options.events / e;
    return {
      eventsPerS: Math.round(Math.min(e, w)),
      electronEventsPerS: Math.round(e),
      webEventsPerS: Math.round(w),
      lost: [...electron, ...web].reduce((s, x) => s + x.lost, 0),
      events: options.events,
      perTurn,
      rounds,
      electronBatchesPerS: round(median(electron.map((x) => x.batches)) / eMs, 1),
    };
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
}
