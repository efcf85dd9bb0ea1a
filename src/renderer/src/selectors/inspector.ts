// Inspector: the focused event's fields, raw bytes, times, and its causal neighbours.

import type { TraceEvent } from "../../../shared/trace/types";
import type { TraceState } from "../store/initial-state";
import { eventById } from "../store/trace-buffer";
import { decodeBase64, streamBytes } from "./bytes";
import { selectFocusEvent } from "./current-event";
import { selectLadder } from "./tcp-ladder";
import { memo } from "./memo";

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
  (s: TraceState) => [s.trace, s.length, s.cursor, s.selection, s.network],
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
    let modelTime = "—";
    if (event.layer === "tcp") {
      const ladder = selectLadder(s);
      const segs = ladder?.segments.filter((g) => g.sendAt === index || g.landAt === index).length ?? 0;
      modelTime = segs > 0 ? `${segs} modelled segment(s), latency ${s.network.latency} ms each way` : "—";
    }
    return { event, index, fields, bytes, bytesNote: note, parents, children, realTime: `${event.t.toFixed(3)} ms`, modelTime };
  },
);
