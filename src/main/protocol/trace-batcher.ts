// The one trace batcher, for both servers (Electron's IPC and web mode's WebSocket): batches
// that arrive within one interval go out as one message (about one per animation frame), a
// `reset` drops what was pending, a large backlog (a reload replays the whole trace) goes out
// in slices, and nothing goes out while the receiver is busy (not ready, or its socket is full).

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

/** At most one message per this many ms. */
export const BATCH_INTERVAL_MS = 16;
/** At most this many events per message. */
export const MAX_BATCH_EVENTS = 20_000;

export interface TraceBatcher {
  push(batch: TraceBatch): void;
  /** Sends what is pending now, unless the receiver is busy. */
  flush(): void;
  /** Events waiting to go out. */
  readonly pending: number;
  dispose(): void;
}

export interface TraceBatcherOptions {
  send: (batch: TraceBatch) => void;
  intervalMs?: number;
  maxEvents?: number;
  /** True while the receiver cannot take more; the batch waits and is tried again an interval later. */
  busy?: () => boolean;
  timer?: Timer;
}

export function createTraceBatcher(options: TraceBatcherOptions): TraceBatcher {
  const { send, intervalMs = BATCH_INTERVAL_MS, maxEvents = MAX_BATCH_EVENTS, busy = () => false, timer = realTimer } = options;
  let pending: TraceBatch | null = null;
  /** How many of `pending.events` went out already (a large backlog goes out in slices). */
  let sent = 0;
  let handle: unknown = null;
  let lastSent = -Infinity;

  const schedule = (): void => {
    if (handle === null) handle = timer.set(flush, Math.max(0, lastSent + intervalMs - timer.now()));
  };
  const flush = (): void => {
    if (handle !== null) timer.clear(handle);
    handle = null;
    if (!pending) return;
    if (busy()) {
      handle = timer.set(flush, intervalMs);
      return;
    }
    lastSent = timer.now();
    const remaining = pending.events.length - sent;
    if (remaining <= maxEvents) {
      const out: TraceBatch = sent === 0 ? pending : { events: pending.events.slice(sent) };
      pending = null;
      sent = 0;
      send(out);
      return;
    }
    const head: TraceBatch = { ...pending, events: pending.events.slice(sent, sent + maxEvents) };
    if (sent === 0) pending = { events: pending.events };
    sent += maxEvents;
    send(head);
    schedule();
  };

  return {
    push(batch) {
      if (batch.reset || !pending) {
        sent = 0;
        pending = { ...(batch.reset ? { reset: true } : {}), ...(batch.header ? { header: batch.header } : {}), events: batch.events.slice() };
      } else {
        for (const e of batch.events) pending.events.push(e);
        if (batch.header) pending.header = batch.header;
      }
      schedule();
    },
    flush,
    get pending() {
      return pending ? pending.events.length - sent : 0;
    },
    dispose() {
      if (handle !== null) timer.clear(handle);
      handle = null;
      pending = null;
    },
  };
}
