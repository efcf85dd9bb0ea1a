// A trace in the Chrome trace event format (JSON), which Perfetto and chrome://tracing open:
// one process per host, one thread (track) per layer and connection, an instant per event,
// lesson steps as spans, and flow arrows along `parents` from each emit to what it caused
// (across hosts: the ack's way back included). Pure: trace in, JSON-able object out.

import type { TraceEvent, TraceHeader } from "../trace/types.js";

/** One Chrome trace event; `ts` in microseconds. */
export interface ChromeTraceEvent {
  name: string;
  ph: "i" | "X" | "M" | "s" | "f";
  ts?: number;
  dur?: number;
  pid: number;
  tid: number;
  s?: "t" | "p" | "g";
  cat?: string;
  id?: number;
  bp?: "e";
  args?: Record<string, unknown>;
}

export interface ChromeTrace {
  traceEvents: ChromeTraceEvent[];
  displayTimeUnit: "ms";
  metadata: Record<string, unknown>;
}

const LAYER_ORDER = ["lab", "api", "socketio", "engine", "wire", "tcp"] as const;

function eventName(e: TraceEvent): string {
  switch (e.layer) {
    case "lab":
      return e.kind === "step" ? `step: ${e.title}` : e.kind === "log" ? `console.log ${e.text}` : e.kind;
    case "tcp":
      return e.kind === "data" ? `${e.dir === "out" ? "write" : "read"} ${e.length} B` : e.kind;
    case "wire":
      return e.kind === "ws-frame" ? `ws frame op ${e.opcode}` : e.kind === "http-request" ? `${e.method} ${e.path.split("?")[0]}` : e.kind === "resp" ? `RESP ${e.command ?? e.type}` : `HTTP ${e.status}`;
    case "engine":
      return `engine ${e.type}${e.data !== undefined && e.data.length <= 40 ? ` ${e.data}` : ""}`;
    case "socketio":
      return `${e.type} ${e.encoded.length <= 40 ? e.encoded : `${e.encoded.slice(0, 40)}…`}`;
    case "api":
      return e.kind === "emit" || e.kind === "receive" ? `${e.kind} ${e.event ?? ""}` : e.kind;
  }
}

/**
 * Converts a trace. Flows: every `parents` link between events on different tracks becomes an
 * arrow from the parent to the child, so Perfetto draws an emit's path down one host's layers,
 * across the wire and up the other's, and the ack coming back.
 */
export function toChromeTrace(header: TraceHeader, events: readonly TraceEvent[]): ChromeTrace {
  const pids = new Map<string, number>();
  const tids = new Map<string, number>();
  const out: ChromeTraceEvent[] = [];
  const pidOf = (host: string): number => {
    let pid = pids.get(host);
    if (pid === undefined) {
      pid = pids.size + 1;
      pids.set(host, pid);
      out.push({ name: "process_name", ph: "M", pid, tid: 0, args: { name: host } });
      out.push({ name: "process_sort_index", ph: "M", pid, tid: 0, args: { sort_index: pid } });
    }
    return pid;
  };
  const trackOf = (e: TraceEvent): { pid: number; tid: number } => {
    const pid = pidOf(e.host);
    const track = e.layer === "tcp" || e.layer === "wire" ? `${e.layer} ${e.conn ?? ""}` : e.layer;
    const key = `${e.host}|${track}`;
    let tid = tids.get(key);
    if (tid === undefined) {
      tid = tids.size + 1;
      tids.set(key, tid);
      out.push({ name: "thread_name", ph: "M", pid, tid, args: { name: track } });
      out.push({ name: "thread_sort_index", ph: "M", pid, tid, args: { sort_index: LAYER_ORDER.indexOf(e.layer) * 1000 + tid } });
    }
    return { pid, tid };
  };

  const placed = new Map<number, { pid: number; tid: number; ts: number }>();
  const steps = events.filter((e) => e.layer === "lab" && e.kind === "step");
  const end = events.length ? events[events.length - 1]!.t : 0;
  let flow = 0;
  for (const e of events) {
    const at = trackOf(e);
    const ts = Math.round(e.t * 1000);
    placed.set(e.id, { ...at, ts });
    const { id, t, host, layer, kind, parents, ...rest } = e as TraceEvent & Record<string, unknown>;
    if (e.layer === "lab" && e.kind === "step") {
      const next = steps[steps.indexOf(e) + 1];
      out.push({ name: eventName(e), ph: "X", ts, dur: Math.max(1, Math.round(((next?.t ?? end) - e.t) * 1000)), ...at, cat: "step", args: { id, narration: e.narration } });
      continue;
    }
    delete rest.bytes; // the bytes are in the trace; a viewer wants lengths and offsets
    out.push({ name: eventName(e), ph: "i", s: "t", ts, ...at, cat: layer, args: { id, host, layer, kind, ...rest, ...(parents ? { parents } : {}) } });
    for (const p of parents ?? []) {
      const from = placed.get(p);
      if (!from || (from.pid === at.pid && from.tid === at.tid)) continue;
      flow++;
      out.push({ name: "caused", ph: "s", id: flow, ts: from.ts, pid: from.pid, tid: from.tid, cat: "parents" });
      out.push({ name: "caused", ph: "f", bp: "e", id: flow, ts, ...at, cat: "parents" });
    }
  }
  return {
    traceEvents: out,
    displayTimeUnit: "ms",
    metadata: { source: `${header.app.name} ${header.app.version}`, createdAt: header.createdAt, ...(header.scenario ? { scenario: header.scenario } : {}) },
  };
}
