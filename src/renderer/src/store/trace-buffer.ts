// The append-only trace held by the renderer: events in one array plus small indexes built
// as events arrive (never rebuilt), so views and selectors scale to 1,000,000 events.

import type { Layer, TraceEvent } from "../../../shared/trace/types";

export const LAYER_CODE: Record<Layer, number> = { lab: 0, tcp: 1, wire: 2, engine: 3, socketio: 4, api: 5 };
export const LAYER_BY_CODE: readonly Layer[] = ["lab", "tcp", "wire", "engine", "socketio", "api"];

export interface TraceBuffer {
  readonly events: TraceEvent[];
  /** Layer code per event index (see LAYER_CODE); grows by doubling. */
  layerCodes: Uint8Array;
  /** Index of each event id (ids increase but need not be contiguous). */
  readonly indexById: Map<number, number>;
  /** Ids of the events that list an id among their `parents`. */
  readonly childrenById: Map<number, number[]>;
  /** Indices of the rare structural events (lab events, tcp open/close). */
  readonly structural: number[];
  /** Indices of engine, socketio and api events (some have no connection id). */
  readonly upper: number[];
  /** Indices of events per connection id. */
  readonly byConn: Map<string, number[]>;
  /** Hosts in order of first appearance. */
  readonly hosts: string[];
  readonly conns: string[];
  readonly namespaces: string[];
}

export function createTraceBuffer(): TraceBuffer {
  return {
    events: [],
    layerCodes: new Uint8Array(1024),
    indexById: new Map(),
    childrenById: new Map(),
    structural: [],
    upper: [],
    byConn: new Map(),
    hosts: [],
    conns: [],
    namespaces: [],
  };
}

/** Appends events in place. Events whose id is not greater than the last one are dropped. */
export function appendEvents(buf: TraceBuffer, batch: readonly TraceEvent[]): number {
  let added = 0;
  const hostSet = new Set(buf.hosts);
  const nsSet = new Set(buf.namespaces);
  for (const e of batch) {
    const last = buf.events[buf.events.length - 1];
    if (last && e.id <= last.id) continue;
    const index = buf.events.length;
    if (index >= buf.layerCodes.length) {
      const grown = new Uint8Array(buf.layerCodes.length * 2);
      grown.set(buf.layerCodes);
      buf.layerCodes = grown;
    }
    buf.events.push(e);
    buf.layerCodes[index] = LAYER_CODE[e.layer] ?? 0;
    buf.indexById.set(e.id, index);
    if (e.parents) {
      for (const p of e.parents) {
        const list = buf.childrenById.get(p);
        if (list) list.push(e.id);
        else buf.childrenById.set(p, [e.id]);
      }
    }
    if (e.layer === "lab" || (e.layer === "tcp" && e.kind !== "data")) buf.structural.push(index);
    if (e.layer === "engine" || e.layer === "socketio" || e.layer === "api") buf.upper.push(index);
    if (e.conn !== undefined) {
      const list = buf.byConn.get(e.conn);
      if (list) list.push(index);
      else {
        buf.byConn.set(e.conn, [index]);
        buf.conns.push(e.conn);
      }
    }
    if (!hostSet.has(e.host)) {
      hostSet.add(e.host);
      buf.hosts.push(e.host);
    }
    const nsp = e.layer === "socketio" || e.layer === "api" ? e.nsp : undefined;
    if (nsp !== undefined && !nsSet.has(nsp)) {
      nsSet.add(nsp);
      buf.namespaces.push(nsp);
    }
    added++;
  }
  return added;
}

export function eventById(buf: TraceBuffer, id: number): TraceEvent | undefined {
  const i = buf.indexById.get(id);
  return i === undefined ? undefined : buf.events[i];
}
