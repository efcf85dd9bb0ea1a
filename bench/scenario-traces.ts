// Realistic traces for the benchmarks: the lab's own scenarios run on port 0 into a temp
// directory, and a large trace made by repeating them (ids, times and connections renumbered).

import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { join } from "node:path";
import type { TraceEvent, TraceHeader } from "../src/shared/trace/types.js";
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

/**
 * Yields `count` events: the scenarios' events over and over, as one long session. Ids are
 * renumbered (parents follow), times shifted so they keep increasing, and each repetition
 * gets fresh connection ids so connections do not collide.
 */
export function* repeatedEvents(traces: readonly ScenarioTrace[], count: number): Generator<TraceEvent> {
  let produced = 0;
  let nextConn = 1;
  let tOffset = 0;
  for (let copy = 0; produced < count; copy++) {
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
      let lastT = 0;
      for (const e of trace.events) {
        if (produced >= count) return;
        const copyEvent = { ...e, id: base + (e.id - firstId) + 1, t: Math.round((tOffset + e.t) * 1000) / 1000 } as TraceEvent & { conn?: string; peer?: string };
        if (e.parents) copyEvent.parents = e.parents.map((p) => base + (p - firstId) + 1);
        if (copyEvent.conn) copyEvent.conn = connOf(copyEvent.conn);
        if (typeof copyEvent.peer === "string") copyEvent.peer = connOf(copyEvent.peer);
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
