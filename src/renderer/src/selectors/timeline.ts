// Timeline: the indices of events passing the filters, kept in a typed array that grows
// with the trace (only new events are filtered) so 1,000,000 events stay cheap.

import type { TraceEvent } from "../../../shared/trace/types";
import type { TimelineFilters, TraceState } from "../store/initial-state";
import type { TraceBuffer } from "../store/trace-buffer";
import { isHeartbeatEvent } from "./describe-event";

export interface TimelineRows {
  /** Event indices, ascending; only the first `count` entries are valid. */
  indices: Int32Array;
  count: number;
}

export function passes(buf: TraceBuffer, e: TraceEvent, f: TimelineFilters): boolean {
  if (!f.layers[e.layer]) return false;
  if (f.host !== null && e.host !== f.host) return false;
  if (f.conn !== null && e.conn !== f.conn) return false;
  if (f.nsp !== null) {
    const nsp = e.layer === "socketio" || e.layer === "api" ? e.nsp : undefined;
    if (nsp !== f.nsp) return false;
  }
  if (f.hideHeartbeats) {
    if (isHeartbeatEvent(e)) return false;
    if (e.layer === "tcp" && e.kind === "data") {
      // A chunk that carries only a heartbeat frame: its wire unit (parent or child) is one.
      const near = [...(e.parents ?? []), ...(buf.childrenById.get(e.id) ?? [])];
      const units = near.map((id) => buf.events[buf.indexById.get(id) ?? -1]).filter((x): x is TraceEvent => x?.layer === "wire");
      if (units.length > 0 && units.every(isHeartbeatEvent)) return false;
    }
  }
  return true;
}

interface Cache {
  trace: TraceBuffer;
  filters: TimelineFilters;
  scanned: number;
  rows: TimelineRows;
}

/** Incremental: a selector instance remembers how far it filtered. Not shared across stores. */
export function createTimelineSelector(): (s: TraceState) => TimelineRows {
  let cache: Cache | null = null;
  return (s) => {
    if (!cache || cache.trace !== s.trace || cache.filters !== s.filters || s.length < cache.scanned) {
      cache = { trace: s.trace, filters: s.filters, scanned: 0, rows: { indices: new Int32Array(1024), count: 0 } };
    }
    if (cache.scanned === s.length) return cache.rows;
    let { indices, count } = cache.rows;
    for (let i = cache.scanned; i < s.length; i++) {
      const e = s.trace.events[i];
      if (!e || !passes(s.trace, e, s.filters)) continue;
      if (count === indices.length) {
        const grown = new Int32Array(indices.length * 2);
        grown.set(indices);
        indices = grown;
      }
      indices[count++] = i;
    }
    cache.scanned = s.length;
    cache.rows = { indices, count };
    return cache.rows;
  };
}

/** Position of the playhead among the rows: the last row at or before the cursor (-1 if none). */
export function rowOfCursor(rows: TimelineRows, cursor: number): number {
  let lo = 0;
  let hi = rows.count - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((rows.indices[mid] ?? 0) <= cursor) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
