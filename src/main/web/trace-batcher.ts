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
  /** How many of `pending.events` went out already (a large backlog goes out in slices). */
  let sent = 0;
  let timer: NodeJS.Timeout | null = null;
  let last = 0;

  const flush = (): void => {
    timer = null;
    if (!pending) return;
    if (options.busy?.()) return schedule();
    last = Date.now();
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
  const schedule = (): void => {
    if (!timer) timer = setTimeout(flush, Math.max(0, last + interval - Date.now()));
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
    dispose() {
      if (timer) clearTimeout(timer);
      timer = null;
      pending = null;
    },
  };
}
