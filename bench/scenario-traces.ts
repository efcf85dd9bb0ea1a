// Realistic traces for the benchmarks: the lab's own scenarios run on port 0 into a temp
// directory, and a large trace made by repeating them (ids, times and connections renumbered).

import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { join } from "node:path";
import type { Endpoint, TraceEvent, TraceHeader } from "../src/shared/trace/types.js";
import { TRACE_FORMAT, TRACE_VERSION } from "../src/shared/trace/types.js";
import { runScenarioToFile } from "../src/main/cli/run-scenario.js";
import { SCENARIOS } from "../src/main/lab/scenarios/index.js";
import { APP } from "../src/main/lab/lab.js";

export interface ScenarioTrace {
  id: string;
  file: string;
  events: TraceEvent[];
}

/** Runs the given scenarios (all nine by default) one after another, each to its own file in `dir`. */
export async function recordScenarios(dir: string, ids: readonly string[] = SCENARIOS.map((s) => s.id)): Promise<ScenarioTrace[]> {
  const out: ScenarioTrace[] = [];
  for (const id of ids) {
    const file = join(dir, `${id}.ndjson`);
    const result = await runScenarioToFile(id, file, { port: 0 });
    if (!result.ok) throw new Error(`scenario ${id} failed: ${result.error}`);
    out.push({ id, file, events: result.events });
  }
  return out;
}

export const benchHeader = (title: string): TraceHeader => ({
  format: TRACE_FORMAT,
  version: TRACE_VERSION,
  createdAt: new Date().toISOString(),
  app: APP,
  scenario: { id: "bench", title, seed: 1 },
});

/** Ports a lab's server listens on in any of the traces: they stay; every other port is ephemeral. */
function listenPorts(traces: readonly ScenarioTrace[]): Set<number> {
  const ports = new Set<number>();
  for (const t of traces) for (const e of t.events) if (e.layer === "lab" && e.kind === "listen") ports.add(e.port);
  return ports;
}

/**
 * Yields `count` events: the scenarios' events over and over, as one long session. Ids are
 * renumbered (parents follow), times shifted so they keep increasing, and each repetition
 * gets fresh connection ids and fresh ephemeral ports, so every connection has a 4-tuple of
 * its own, as in a real session (the model pairs the two traced ends of a connection by
 * mirrored 4-tuples where `peer` is missing, and the server's end has no `peer`).
 */
export function* repeatedEvents(traces: readonly ScenarioTrace[], count: number): Generator<TraceEvent> {
  let produced = 0;
  let nextConn = 1;
  let tOffset = 0;
  const listening = listenPorts(traces);
  // Ephemeral ports are handed out in turn from 1024 to 65535, skipping listening ports; past
  // about 60,000 connections they are reused, as an operating system reuses them too.
  let nextPort = 1023;
  const freshPort = (): number => {
    do nextPort = nextPort >= 65535 ? 1024 : nextPort + 1;
    while (listening.has(nextPort));
    return nextPort;
  };
  while (produced < count) {
    for (const trace of traces) {
      if (produced >= count) return;
      const base = produced;
      const firstId = trace.events[0]?.id ?? 1;
      const conns = new Map<string, string>();
      const connOf = (c: string): string => {
        let m = conns.get(c);
        if (!m) {
          m = `${c.slice(0, c.indexOf("/") + 1)}tcp${nextConn++}`;
          conns.set(c, m);
        }
        return m;
      };
      // One fresh port per ephemeral port of this repetition (both ends of a connection name it).
      const ports = new Map<number, number>();
      const endpoint = (ep: Endpoint): Endpoint => {
        if (listening.has(ep.port)) return ep;
        let p = ports.get(ep.port);
        if (p === undefined) ports.set(ep.port, (p = freshPort()));
        return { ...ep, port: p };
      };
      let lastT = 0;
      for (const e of trace.events) {
        if (produced >= count) return;
        const copyEvent = { ...e, id: base + (e.id - firstId) + 1, t: Math.round((tOffset + e.t) * 1000) / 1000 } as TraceEvent & { conn?: string; peer?: string };
        if (e.parents) copyEvent.parents = e.parents.map((p) => base + (p - firstId) + 1);
        if (copyEvent.conn) copyEvent.conn = connOf(copyEvent.conn);
        if (typeof copyEvent.peer === "string") copyEvent.peer = connOf(copyEvent.peer);
        if (copyEvent.layer === "tcp" && copyEvent.kind === "open") {
          copyEvent.local = endpoint(copyEvent.local);
          copyEvent.remote = endpoint(copyEvent.remote);
        }
        lastT = e.t;
        produced++;
        yield copyEvent;
      }
      tOffset += lastT + 1;
    }
  }
}

/** Writes a trace file of `count` events made by `repeatedEvents`; returns its size in bytes. */
export async function writeRepeatedTrace(path: string, traces: readonly ScenarioTrace[], count: number): Promise<number> {
  const out = createWriteStream(path);
  let bytes = 0;
  let chunk = JSON.stringify(benchHeader(`${count} events`)) + "\n";
  for (const e of repeatedEvents(traces, count)) {
    chunk += JSON.stringify(e) + "\n";
    if (chunk.length > 1 << 20) {
      bytes += Buffer.byteLength(chunk);
      if (!out.write(chunk)) await once(out, "drain");
      chunk = "";
    }
  }
  bytes += Buffer.byteLength(chunk);
  out.end(chunk);
  await once(out, "finish");
  return bytes;
}
