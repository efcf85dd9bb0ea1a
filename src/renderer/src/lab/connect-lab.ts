// Connects a LabApi to the store: trace batches are merged and applied at most once per
// animation frame, and the TCP model catches up with them at a throttled pace; status and the
// scenario list are kept current; the presentation clock ticks while playing. Returns dispose().

import type { LabApi, TraceBatch } from "../../../shared/lab-api";
import type { LabConnection } from "./web-lab-client";
import type { TraceActions, TraceStore } from "../store/trace-store";
import type { TraceState } from "../store/initial-state";

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

/**
 * The TCP model runs over the whole trace (hosts share one clock), so it does not follow every
 * batch. It catches up with the events received only when the playhead or the selection reaches
 * beyond what it covers (what the views show before that does not depend on later events), at
 * most every MODEL_EVERY_MS and with at most a tenth of the main thread.
 */
export const MODEL_EVERY_MS = 500;
const MODEL_SHARE = 0.1;

/** True when the event under the playhead, or the one selected, is past what the model covers. */
export function modelBehind(s: TraceState): boolean {
  if (s.modelLength >= s.length) return false;
  if (s.cursor >= s.modelLength) return true;
  const selected = s.selection === null ? undefined : s.trace.indexById.get(s.selection);
  return selected !== undefined && selected >= s.modelLength;
}

function hasConnection(api: LabApi): api is LabApi & { onConnection(l: (c: LabConnection) => void): () => void } {
  return typeof (api as { onConnection?: unknown }).onConnection === "function";
}

export function connectLab(api: LabApi, store: TraceStore, actions: TraceActions, scheduler: Scheduler = browserScheduler): () => void {
  let queued: TraceBatch[] = [];
  let frame = 0;
  let nextModelAt = 0;
  const catchUpModel = (): void => {
    const start = scheduler.now();
    if (start < nextModelAt || !modelBehind(store.getState())) return;
    // Subscribers' selectors run inside the update: this is what re-running the model costs.
    actions.syncModel();
    const end = scheduler.now();
    nextModelAt = end + Math.max(MODEL_EVERY_MS, (end - start) / MODEL_SHARE);
  };
  const flush = (): void => {
    frame = 0;
    const merged = mergeBatches(queued);
    queued = [];
    if (merged) actions.appendBatch(merged, scheduler.now());
    catchUpModel();
  };
  const offTrace = api.onTrace((batch) => {
    queued.push(batch);
    if (!frame) frame = scheduler.frame(flush);
  });
  const offStatus = api.onStatus((status) => actions.setStatus(status, scheduler.now()));
  const refresh = (): void => {
    void api.listScenarios().then((list) => actions.setScenarios(list), (e: unknown) => actions.setError(`Could not list scenarios: ${String(e)}`));
    void api.getStatus().then((status) => actions.setStatus(status, scheduler.now()), () => undefined);
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
  // It also lets the model catch up once a burst of events is over.
  const timer = setInterval(() => {
    if (store.getState().playing) actions.tick(scheduler.now());
    catchUpModel();
  }, 40);
  return () => {
    offTrace();
    offStatus();
    offConnection();
    clearInterval(timer);
    if (frame) scheduler.cancel(frame);
  };
}
