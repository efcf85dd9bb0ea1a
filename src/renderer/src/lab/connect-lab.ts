// Connects a LabApi to the store: trace batches are merged and applied at most once per
// animation frame; status and the scenario list are kept current; the presentation
// clock ticks while playing. Returns dispose().

import type { LabApi, TraceBatch } from "../../../shared/lab-api";
import type { LabConnection } from "./web-lab-client";
import type { TraceActions, TraceStore } from "../store/trace-store";

export interface Scheduler {
  frame(cb: () => void): number;
  cancel(handle: number): void;
  now(): number;
}

const browserScheduler: Scheduler = {
  frame: (cb) => requestAnimationFrame(cb),
  cancel: (h) => cancelAnimationFrame(h),
  now: () => performance.now(),
};

/** Merges queued batches: a reset discards what came before it. */
export function mergeBatches(batches: TraceBatch[]): TraceBatch | null {
  let out: TraceBatch | null = null;
  for (const b of batches) {
    if (b.reset || !out) out = { ...(b.reset ? { reset: true } : {}), ...(b.header ? { header: b.header } : {}), events: [...b.events] };
    else {
      for (const e of b.events) out.events.push(e);
      if (b.header) out.header = b.header;
    }
  }
  return out;
}

function hasConnection(api: LabApi): api is LabApi & { onConnection(l: (c: LabConnection) => void): () => void } {
  return typeof (api as { onConnection?: unknown }).onConnection === "function";
}

export function connectLab(api: LabApi, store: TraceStore, actions: TraceActions, scheduler: Scheduler = browserScheduler): () => void {
  let queued: TraceBatch[] = [];
  let frame = 0;
  const flush = (): void => {
    frame = 0;
    const merged = mergeBatches(queued);
    queued = [];
    if (merged) actions.appendBatch(merged, scheduler.now());
  };
  const offTrace = api.onTrace((batch) => {
    queued.push(batch);
    if (!frame) frame = scheduler.frame(flush);
  });
  const offStatus = api.onStatus((status) => actions.setStatus(status));
  const refresh = (): void => {
    void api.listScenarios().then((list) => actions.setScenarios(list), (e: unknown) => actions.setError(`Could not list scenarios: ${String(e)}`));
    void api.getStatus().then((status) => {
      actions.setStatus(status);
      if (status.scenario && !store.getState().scenarioId) actions.setScenarioId(status.scenario);
    }, () => undefined);
  };
  refresh();
  // Web mode only: the server may go away and come back; the page keeps its trace meanwhile.
  const offConnection = hasConnection(api)
    ? api.onConnection((c) => {
        if (c.state === "lost") actions.setLabLink({ state: "lost", attempt: c.attempt, retryAt: c.retryAt });
        else if (c.state === "open" && c.reconnected) {
          actions.setLabLink({ state: "back" });
          actions.setError(null);
          refresh();
        }
      })
    : () => undefined;

  // The presentation clock: a cheap timer that asks the store whether the next step is due.
  const timer = setInterval(() => {
    if (store.getState().playing) actions.tick(scheduler.now());
  }, 40);
  return () => {
    offTrace();
    offStatus();
    offConnection();
    clearInterval(timer);
    if (frame) scheduler.cancel(frame);
  };
}
