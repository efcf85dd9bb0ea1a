// Main's copy of the trace on screen, so File → Save can write it and quit can ask about unsaved
// work. It follows the same batches the renderer gets; a `reset` starts a new trace.

import type { TraceBatch } from "../../shared/lab-api.js";
import type { TraceEvent, TraceHeader } from "../../shared/trace/types.js";

export interface TraceKeeper {
  push(batch: TraceBatch): void;
  /** Replaces the trace with one read from a file (which is, by definition, saved). */
  load(header: TraceHeader, events: TraceEvent[], path: string): void;
  markSaved(path: string): void;
  readonly header: TraceHeader | undefined;
  readonly events: readonly TraceEvent[];
  /** Where the trace was last saved or opened from. */
  readonly path: string | undefined;
  /** True when something worth keeping (beyond the lab declaring its hosts) is unsaved. */
  readonly dirty: boolean;
}

export function createTraceKeeper(): TraceKeeper {
  let header: TraceHeader | undefined;
  let events: TraceEvent[] = [];
  let path: string | undefined;
  let dirty = false;
  return {
    push(batch) {
      if (batch.reset) {
        events = [];
        path = undefined;
        dirty = false;
        header = batch.header;
      } else if (batch.header && !header) {
        header = batch.header;
      }
      for (const e of batch.events) {
        events.push(e);
        if (e.layer !== "lab") dirty = true;
      }
    },
    load(h, evs, p) {
      header = h;
      events = evs;
      path = p;
      dirty = false;
    },
    markSaved(p) {
      path = p;
      dirty = false;
    },
    get header() {
      return header;
    },
    get events() {
      return events;
    },
    get path() {
      return path;
    },
    get dirty() {
      return dirty;
    },
  };
}
