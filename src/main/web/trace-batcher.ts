// Coalesces trace batches for one web client: at most one message per interval, a reset
// discards what was pending, and very large backlogs go out in slices.

import type { TraceBatch } from "../../shared/lab-api.js";

export interface TraceBatcher {
  push(batch: TraceBatch): void;
  dispose(): void;
}

export function createTraceBatcher(send: (batch: TraceBatch) => void, options: { intervalMs?: number; maxEvents?: number; busy?: () => boolean } = {}): TraceBatcher {
  const interval = options.intervalMs ?? 16;
  const maxEvents = options.maxEvents ?? 20_000;
  let pending: TraceBatch | null = null;
  let timer: NodeJS.Timeout | null = null;
  let last = 0;

  const flush = (): void => {
    timer = null;
    if (!pending) return;
    if (options.busy?.()) return schedule();
    last = Date.now();
    if (pending.events.length <= maxEvents) {
      const out = pending;
      pending = null;
      send(out);
      return;
    }
    const head: TraceBatch = { ...pending, events: pending.events.slice(0, maxEvents) };
    pending = { events: pending.events.slice(maxEvents) };
    send(head);
    schedule();
  };
  const schedule = (): void => {
    if (!timer) timer = setTimeout(flush, Math.max(0, last + interval - Date.now()));
  };

  return {
    push(batch) {
      if (batch.reset || !pending) {
        pending = { ...(batch.reset ? { reset: true } : {}), ...(batch.header ? { header: batch.header } : {}), events: batch.events.slice() };
      } else {
        for (const e of batch.events) pending.events.push(e);
        if (batch.header) pending.header = batch.header;
      }
      schedule();
    },
    dispose() {
      if (timer) clearTimeout(timer);
      timer = null;
      pending = null;
    },
  };
}
