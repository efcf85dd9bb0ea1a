// Inspector: the focused event's fields, raw bytes, times, and its causal neighbours.

import type { TraceEvent } from "../../../shared/trace/types";
import type { TraceState } from "../store/initial-state";
import { eventById } from "../store/trace-buffer";
import { streamBytes } from "./bytes";
import { decodeBase64 } from "../../../shared/tcp/base64";
import { selectFocusEvent } from "./current-event";
import { memo } from "./memo";
import { modelOfConn, selectTraceModel, type TraceModel } from "./tcp-model";
import { selectNetwork } from "./network";
import { displaySeq, segmentNotes } from "../../../shared/tcp/index";

export interface Inspected {
  event: TraceEvent;
  index: number;
  fields: [string, string][];
  bytes: Uint8Array | null;
  bytesNote: string;
  parents: TraceEvent[];
  children: TraceEvent[];
  realTime: string;
  modelTime: string;
  /** For a TCP data event: the modelled segments that carried its bytes (null otherwise). */
  carriedBy: CarriedBy[] | null;
}

export interface CarriedBy {
  index: number;
  text: string;
  sent: string;
  arrived: string;
  notes: string[];
}

export const ms = (t: number): string => `${t.toFixed(3)} ms`;

/** The segments that carried a data event's bytes, in the order the model sent them. */
export function carriersOf(model: TraceModel, e: TraceEvent, relative: boolean): CarriedBy[] | null {
  if (e.layer !== "tcp" || e.kind !== "data" || e.conn === undefined) return null;
  const out = modelOfConn(model, e.conn);
  if (!out) return null;
  const end = out.traceConns.client === e.conn ? "client" : "server";
  const from = e.dir === "out" ? end : end === "client" ? "server" : "client";
  const carried: CarriedBy[] = [];
  for (const seg of out.segments) {
    if (seg.from !== from || seg.len === 0) continue;
    const off = displaySeq(seg, out.isn, true) - 1;
    if (off >= e.offset + e.length || off + seg.len <= e.offset) continue;
    carried.push({
      index: seg.index,
      text: `#${seg.index} seq=${displaySeq(seg, out.isn, relative)} len=${seg.len}`,
      sent: ms(seg.sent),
      arrived: seg.arrived === null ? "lost" : ms(seg.arrived),
      notes: segmentNotes(seg),
    });
  }
  return carried;
}

const SKIP = new Set(["id", "t", "host", "layer", "kind", "conn", "dir", "parents", "bytes"]);

function rawBytes(s: TraceState, e: TraceEvent): { bytes: Uint8Array | null; note: string } {
  switch (e.layer) {
    case "tcp":
      return e.kind === "data" ? { bytes: decodeBase64(e.bytes), note: "captured bytes of this chunk" } : { bytes: null, note: "" };
    case "wire":
      return e.conn && e.dir
        ? { bytes: streamBytes(s.trace, e.conn, e.dir, e.offset, Math.min(e.length, 4096)), note: `stream bytes @${e.offset}, ${e.headerLength} header` }
        : { bytes: null, note: "" };
    case "engine":
      return e.data !== undefined && !e.binary ? { bytes: new TextEncoder().encode(e.data), note: "packet data (UTF-8)" } : e.data ? { bytes: decodeBase64(e.data), note: "binary data" } : { bytes: null, note: "" };
    case "socketio":
      return { bytes: new TextEncoder().encode(e.encoded), note: "encoded packet (UTF-8)" };
    case "api":
    case "lab":
      return { bytes: null, note: "" };
  }
}

export const selectInspected = memo(
  // The model's keys too: a live model catching up (modelLength) gives the event under the
  // playhead its model time without the playhead moving.
  (s: TraceState) => [s.trace, s.length, s.cursor, s.selection, selectNetwork(s), s.modelLength, s.modeller, s.modelVersion],
  (s: TraceState): Inspected | null => {
    const event = selectFocusEvent(s);
    if (!event) return null;
    const fields: [string, string][] = [
      ["id", String(event.id)],
      ["host", event.host],
      ["layer / kind", `${event.layer} / ${event.kind}`],
    ];
    if (event.conn) fields.push(["connection", event.conn]);
    if (event.dir) fields.push(["direction", event.dir === "out" ? "out (sent)" : "in (received)"]);
    for (const [k, v] of Object.entries(event)) {
      if (SKIP.has(k) || v === undefined) continue;
      fields.push([k, typeof v === "string" ? v : JSON.stringify(v)]);
    }
    const { bytes, note } = rawBytes(s, event);
    const parents = (event.parents ?? []).map((id) => eventById(s.trace, id)).filter((x): x is TraceEvent => !!x);
    const children = (s.trace.childrenById.get(event.id) ?? []).map((id) => eventById(s.trace, id)).filter((x): x is TraceEvent => !!x);
    const index = s.trace.indexById.get(event.id) ?? -1;
    const model = selectTraceModel(s);
    const m = model.times.get(event.id);
    let modelTime = model.pending ? "modelling…" : model.error ? `— (the model could not run: ${model.error})` : "—";
    if (m !== undefined) {
      const late = m - event.t;
      modelTime = Math.abs(late) < 0.0005 ? `${ms(m)} (same as real)` : `${ms(m)} (${late > 0 ? "+" : "−"}${Math.abs(late).toFixed(3)} ms)`;
    }
    const carriedBy = carriersOf(model, event, selectNetwork(s).relative);
    return { event, index, fields, bytes, bytesNote: note, parents, children, realTime: ms(event.t), modelTime, carriedBy };
  },
);
