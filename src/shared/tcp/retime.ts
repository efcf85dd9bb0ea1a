// Retiming: gives every trace event a time on the model clock. Each host keeps its real order and
// its own shift; an event is never earlier than its parents, nor than the modelled moment its TCP
// bytes were written, delivered or its connection opened or closed; later events shift with it.

import type { NetworkSettings } from "../network-settings.js";
import type { TraceEvent } from "../trace/types.js";
import { extractConnections } from "./extract.js";
import { roundTime, simulate } from "./model.js";
import type { ConnectionOutput, Side } from "./types.js";

interface Span {
  t: number;
  offset: number;
  length: number;
}

/** What the model says about one traced end of a connection. */
interface Anchors {
  established?: number;
  closed?: number;
  /** The application's writes at this end, and deliveries to it, each in offset order. */
  writes: Span[];
  deliveries: Span[];
}

function anchorsOf(out: ConnectionOutput, side: Side): Anchors {
  return {
    established: out.milestones.find((x) => x.side === side && x.kind === "established")?.t,
    closed: out.milestones.find((x) => x.side === side && x.kind === "close")?.t,
    writes: out.writes.filter((w) => w.from === side),
    deliveries: out.deliveries.filter((d) => d.to === side),
  };
}

/** Model time of each event, by event id. Events must be in `id` order, as in a trace file. */
export function retime(events: readonly TraceEvent[], model: readonly ConnectionOutput[]): Map<number, number> {
  const byConn = new Map<string, Anchors>();
  for (const out of model) {
    for (const side of ["client", "server"] as const) {
      const id = out.traceConns[side];
      if (id !== undefined) byConn.set(id, anchorsOf(out, side));
    }
  }
  const times = new Map<number, number>();
  const shift = new Map<string, number>();
  const last = new Map<string, number>();
  for (const ev of events) {
    let m = roundTime(ev.t + (shift.get(ev.host) ?? 0));
    m = Math.max(m, last.get(ev.host) ?? -Infinity);
    for (const p of ev.parents ?? []) {
      const pm = times.get(p);
      if (pm !== undefined) m = Math.max(m, pm);
    }
    const a = anchor(ev, byConn);
    if (a !== undefined) m = Math.max(m, a);
    times.set(ev.id, m);
    last.set(ev.host, m);
    shift.set(ev.host, Math.max(shift.get(ev.host) ?? 0, m - ev.t));
  }
  return times;
}

/** Extracts the connections, models them and retimes the trace in one go. */
export function retimeTrace(events: readonly TraceEvent[], settings: NetworkSettings): { model: ConnectionOutput[]; times: Map<number, number> } {
  const model = simulate(extractConnections(events), settings);
  return { model, times: retime(events, model) };
}

/** The model's time for a `tcp` event, if it has one. */
function anchor(ev: TraceEvent, byConn: Map<string, Anchors>): number | undefined {
  if (ev.layer !== "tcp" || ev.conn === undefined) return undefined;
  const a = byConn.get(ev.conn);
  if (!a) return undefined;
  switch (ev.kind) {
    case "open":
      return a.established;
    case "close":
      return a.closed;
    case "data":
      if (ev.length === 0) return undefined;
      // A write: when the application wrote its first byte. A read: when its last byte was delivered.
      return ev.dir === "out" ? covering(a.writes, ev.offset)?.t : covering(a.deliveries, ev.offset + ev.length - 1)?.t;
  }
}

/** The span holding byte `offset` (binary search over spans in offset order). */
function covering(spans: readonly Span[], offset: number): Span | undefined {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = spans[mid]!;
    if (offset < s.offset) hi = mid - 1;
    else if (offset >= s.offset + s.length) lo = mid + 1;
    else return s;
  }
  return undefined;
}
