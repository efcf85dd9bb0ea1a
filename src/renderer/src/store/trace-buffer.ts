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
  readonly indexById: { get(id: number): number | undefined };
  /** Ids of the events that list an id among their `parents`, in order (a new array each call). */
  readonly childrenById: { get(id: number): number[] | undefined };
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

// Both id indexes live in typed arrays, not in a Map entry and an array per event: no objects
// for the collector to trace and no rehashing at 1,000,000 events (about a third of the time
// appending took, more in GC).
/** Children as linked lists over references: first and last reference per parent index, then per reference its child's id and the next. */
interface Children {
  head: Int32Array;
  tail: Int32Array;
  child: Float64Array;
  next: Int32Array;
  refs: number;
  /** Children of ids not (yet) in the buffer when they arrived. */
  early: Map<number, number[]>;
}

const grow = <T extends Float64Array | Int32Array>(a: T, need: number, fill?: number): T => {
  if (need <= a.length) return a;
  const g = new (a.constructor as new (n: number) => T)(Math.max(1024, a.length * 2, need));
  if (fill !== undefined) g.fill(fill, a.length);
  g.set(a);
  return g;
};

interface Internal {
  /** Ids by index: increasing, so an index is found by a guess (ids usually step by 1) or by bisection. */
  ids: Float64Array;
  children: Children;
}
const internal = new WeakMap<TraceBuffer, Internal>();

function indexOf(buf: TraceBuffer, ids: Float64Array, id: number): number | undefined {
  const n = buf.events.length;
  if (n === 0) return undefined;
  const guess = id - ids[0]!;
  if (guess >= 0 && guess < n && ids[guess] === id) return guess;
  let lo = 0;
  let hi = n - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = ids[mid]!;
    if (v === id) return mid;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

export function createTraceBuffer(): TraceBuffer {
  const inner: Internal = {
    ids: new Float64Array(1024),
    children: { head: new Int32Array(1024).fill(-1), tail: new Int32Array(1024).fill(-1), child: new Float64Array(1024), next: new Int32Array(1024), refs: 0, early: new Map() },
  };
  const buf: TraceBuffer = {
    events: [],
    layerCodes: new Uint8Array(1024),
    indexById: { get: (id) => indexOf(buf, inner.ids, id) },
    childrenById: {
      get(id) {
        const c = inner.children;
        const early = c.early.get(id);
        const i = indexOf(buf, inner.ids, id);
        if (i === undefined || c.head[i] === -1) return early?.slice();
        const out = early ? early.slice() : [];
        for (let r = c.head[i]!; r !== -1; r = c.next[r]!) out.push(c.child[r]!);
        return out;
      },
    },
    structural: [],
    upper: [],
    byConn: new Map(),
    hosts: [],
    conns: [],
    namespaces: [],
  };
  internal.set(buf, inner);
  return buf;
}

/** Appends events in place. Events whose id is not greater than the last one are dropped. */
export function appendEvents(buf: TraceBuffer, batch: readonly TraceEvent[]): number {
  const inner = internal.get(buf) as Internal;
  const c = inner.children;
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
    if (index >= inner.ids.length) {
      inner.ids = grow(inner.ids, index + 1);
      c.head = grow(c.head, index + 1, -1);
      c.tail = grow(c.tail, index + 1, -1);
    }
    buf.events.push(e);
    buf.layerCodes[index] = LAYER_CODE[e.layer] ?? 0;
    inner.ids[index] = e.id;
    if (e.parents) {
      for (const p of e.parents) {
        const parent = indexOf(buf, inner.ids, p);
        if (parent === undefined) {
          const list = c.early.get(p);
          if (list) list.push(e.id);
          else c.early.set(p, [e.id]);
          continue;
        }
        const r = c.refs++;
        if (r >= c.child.length) {
          c.child = grow(c.child, r + 1);
          c.next = grow(c.next, r + 1);
        }
        c.child[r] = e.id;
        c.next[r] = -1;
        if (c.tail[parent] === -1) c.head[parent] = r;
        else c.next[c.tail[parent]!] = r;
        c.tail[parent] = r;
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

/** How many of `indices` (trace indices in increasing order, like `structural`) are at or before `cursor`. */
export function countUpTo(indices: readonly number[], cursor: number): number {
  let lo = 0;
  let hi = indices.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((indices[mid] as number) <= cursor) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
