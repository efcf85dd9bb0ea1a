// Coalesces trace batches so the renderer gets at most one message per interval (~one frame).
// The timer is injected, so tests drive time by hand.

import type { TraceBatch } from "../../shared/lab-api.js";

export interface Timer {
  now(): number;
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimer: Timer = {
  now: () => performance.now(),
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Batches in order, as one. A `reset` drops everything before it, as the receiver would. */
export function mergeTraceBatches(batches: readonly TraceBatch[]): TraceBatch {
  let merged: TraceBatch = { events: [] };
  for (const b of batches) {
    if (b.reset) merged = { reset: true, ...(b.header ? { header: b.header } : {}), events: [] };
    else if (b.header && !merged.header) merged.header = b.header;
    for (const e of b.events) merged.events.push(e);
  }
  return merged;
}

export interface TraceBatcher {
  push(batch: TraceBatch): void;
  /** Sends what is pending now. */
  flush(): void;
  dispose(): void;
}

export function createTraceBatcher(options: {
  send: (batch: TraceBatch) => void;
  intervalMs?: number;
  timer?: Timer;
}): TraceBatcher {
  const { send, intervalMs = 16, timer = realTimer } = options;
  let pending: TraceBatch[] = [];
  let handle: unknown = null;
  let lastSent = -Infinity;

  const flush = (): void => {
    if (handle !== null) timer.clear(handle);
    handle = null;
    if (pending.length === 0) return;
    const batch = mergeTraceBatches(pending);
    pending = [];
    lastSent = timer.now();
    send(batch);
  };

  return {
    push(batch) {
      pending.push(batch);
      if (handle !== null) return;
      // A burst pushed in one tick goes out together; the next message waits out the interval.
      const wait = Math.max(0, lastSent + intervalMs - timer.now());
      handle = timer.set(flush, wait);
    },
    flush,
    dispose() {
      if (handle !== null) timer.clear(handle);
      handle = null;
      pending = [];
    },
  };
}
