// Connects the lab (a LabApi in this process) to the renderer: answers the gateway's calls once
// the lab is up, and forwards trace and status through the one trace batcher and the ready
// queue. Main keeps no copy of the trace: the page holds it, opens files and saves them.

import type { LabApi, TraceBatch } from "../../shared/lab-api.js";
import type { LabHandlers } from "./ipc-gateway.js";
import type { Outbox } from "./outbox.js";
import { createTraceBatcher, type Timer } from "../protocol/trace-batcher.js";

export interface LabBridge {
  readonly handlers: LabHandlers;
  /** The lab is up: calls waiting for it go ahead. */
  attach(lab: LabApi): void;
  /** The page became ready: send the trace that waited for it. */
  pageReady(): void;
  dispose(): void;
}

export function createLabBridge(options: { outbox: Outbox; timer?: Timer; intervalMs?: number; maxEvents?: number }): LabBridge {
  const { outbox } = options;
  const batcher = createTraceBatcher({
    send: (batch) => outbox.post("trace:batch", batch),
    // Until the page listens (and again while it reloads) the trace waits in the batcher.
    busy: () => !outbox.ready,
    ...(options.timer ? { timer: options.timer } : {}),
    ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
    ...(options.maxEvents !== undefined ? { maxEvents: options.maxEvents } : {}),
  });
  let attachLab!: (lab: LabApi) => void;
  const labReady = new Promise<LabApi>((resolve) => (attachLab = resolve));
  let traceOff: (() => void) | null = null;
  let statusOff: (() => void) | null = null;

  const handlers: LabHandlers = {
    listScenarios: async () => (await labReady).listScenarios(),
    startScenario: async (id, opts) => (await labReady).startScenario(id, opts),
    nextStep: async () => (await labReady).nextStep(),
    restartScenario: async () => (await labReady).restartScenario(),
    stop: async () => (await labReady).stop(),
    command: async (command) => (await labReady).command(command),
    attach: async (url, opts) => (await labReady).attach(url, opts),
    openToPeers: async (opts) => (await labReady).openToPeers(opts),
    getStatus: async () => (await labReady).getStatus(),
    // Each (re)subscription gets the lab's replay first, which starts with `reset`.
    onTrace: async () => {
      const lab = await labReady;
      traceOff?.();
      traceOff = lab.onTrace((batch: TraceBatch) => batcher.push(batch));
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
    attach: (lab) => attachLab(lab),
    pageReady: () => batcher.flush(),
    dispose() {
      traceOff?.();
      statusOff?.();
      batcher.dispose();
    },
  };
}
