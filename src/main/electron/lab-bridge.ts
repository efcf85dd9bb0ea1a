// Connects the lab (a LabApi in this process) to the renderer: answers the gateway's calls once
// the lab is up, forwards trace and status through the batcher and the ready queue, and swaps
// the live trace for a trace file the user opened.

import type { LabApi, TraceBatch } from "../../shared/lab-api.js";
import type { TraceEvent, TraceHeader } from "../../shared/trace/types.js";
import type { LabHandlers } from "./ipc-gateway.js";
import type { Outbox } from "./outbox.js";
import { createTraceBatcher, type Timer } from "./trace-batcher.js";
import { createTraceKeeper, type TraceKeeper } from "./trace-keeper.js";

/** Events per message when a file is replayed to the renderer. */
const FILE_CHUNK = 5000;

export interface LabBridge {
  readonly handlers: LabHandlers;
  /** The lab is up: calls waiting for it go ahead. */
  attach(lab: LabApi): void;
  /** Shows a trace read from a file instead of the live one (and stops the live lab). */
  showTraceFile(header: TraceHeader, events: TraceEvent[], path: string): Promise<void>;
  readonly trace: TraceKeeper;
  /** "live": the lab's trace; "file": a trace the user opened. */
  readonly mode: "live" | "file";
  dispose(): void;
}

export function createLabBridge(options: { outbox: Outbox; timer?: Timer; intervalMs?: number }): LabBridge {
  const { outbox } = options;
  const batcher = createTraceBatcher({
    send: (batch) => outbox.post("trace:batch", batch),
    ...(options.timer ? { timer: options.timer } : {}),
    ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
  });
  const trace = createTraceKeeper();
  let attachLab!: (lab: LabApi) => void;
  const labReady = new Promise<LabApi>((resolve) => (attachLab = resolve));
  let current: LabApi | null = null;
  let mode: "live" | "file" = "live";
  let forwardOff: (() => void) | null = null;
  let keeperOff: (() => void) | null = null;
  let statusOff: (() => void) | null = null;
  let file: { header: TraceHeader; events: TraceEvent[] } | null = null;

  /** Each (re)subscription gets the lab's replay first, which starts with `reset`. */
  const forwardTrace = (lab: LabApi): void => {
    forwardOff?.();
    forwardOff = lab.onTrace((batch: TraceBatch) => batcher.push(batch));
  };
  const keepTrace = (lab: LabApi): void => {
    keeperOff?.();
    keeperOff = lab.onTrace((batch: TraceBatch) => trace.push(batch));
  };
  const sendFile = (): void => {
    if (!file) return;
    batcher.flush();
    const { header, events } = file;
    outbox.post("trace:batch", { reset: true, header, events: events.slice(0, FILE_CHUNK) });
    for (let i = FILE_CHUNK; i < events.length; i += FILE_CHUNK) {
      outbox.post("trace:batch", { events: events.slice(i, i + FILE_CHUNK) });
    }
  };
  const goLive = (lab: LabApi): void => {
    if (mode === "live") return;
    mode = "live";
    file = null;
    keepTrace(lab);
    forwardTrace(lab);
  };

  const handlers: LabHandlers = {
    listScenarios: async () => (await labReady).listScenarios(),
    startScenario: async (id, opts) => {
      const lab = await labReady;
      goLive(lab);
      return lab.startScenario(id, opts);
    },
    nextStep: async () => (await labReady).nextStep(),
    restartScenario: async () => {
      const lab = await labReady;
      goLive(lab);
      return lab.restartScenario();
    },
    stop: async () => (await labReady).stop(),
    command: async (command) => (await labReady).command(command),
    attach: async (url, opts) => (await labReady).attach(url, opts),
    openToPeers: async (opts) => (await labReady).openToPeers(opts),
    getStatus: async () => (await labReady).getStatus(),
    onTrace: async () => {
      const lab = await labReady;
      if (mode === "file") sendFile();
      else forwardTrace(lab);
    },
    onStatus: async () => {
      const lab = await labReady;
      statusOff?.();
      statusOff = lab.onStatus((status) => outbox.post("lab:status", status));
      outbox.post("lab:status", await lab.getStatus());
    },
  };

  return {
    handlers,
    attach(lab) {
      current = lab;
      keepTrace(lab);
      attachLab(lab);
    },
    async showTraceFile(header, events, path) {
      mode = "file";
      forwardOff?.();
      keeperOff?.();
      forwardOff = keeperOff = null;
      file = { header, events };
      trace.load(header, events, path);
      batcher.dispose();
      sendFile();
      if (current) await current.stop();
    },
    trace,
    get mode() {
      return mode;
    },
    dispose() {
      forwardOff?.();
      keeperOff?.();
      statusOff?.();
      batcher.dispose();
    },
  };
}
