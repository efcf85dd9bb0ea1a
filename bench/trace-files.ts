// Trace files: writing with the recorder's writer (batches, as the recorder appends them)
// and reading with the validating streaming reader, rounds interleaved; and the size per
// event of real scenario traces.

import { statSync } from "node:fs";
import { join } from "node:path";
import type { TraceEvent } from "../src/shared/trace/types.js";
import { createTraceWriter } from "../src/main/trace/trace-writer.js";
import { readTraceFile, scanTraceFile } from "../src/main/trace/trace-reader.js";
import { benchHeader, repeatedEvents, type ScenarioTrace } from "./scenario-traces.js";
import { collectGarbage, median, round } from "./stats.js";

export interface TraceFileFigures {
  writeEventsPerS: number;
  readEventsPerS: number;
  bytesPerEvent: number;
  events: number;
  rounds: number;
}

/** Bytes per event over the scenario trace files as the lab wrote them (header included). */
export function bytesPerEvent(traces: readonly ScenarioTrace[]): number {
  let bytes = 0;
  let events = 0;
  for (const t of traces) {
    bytes += statSync(t.file).size;
    events += t.events.length;
  }
  return bytes / events;
}

export async function measureTraceFiles(options: { dir: string; traces: readonly ScenarioTrace[]; events: number; rounds?: number; batch?: number }): Promise<TraceFileFigures> {
  const rounds = options.rounds ?? 5;
  const batchSize = options.batch ?? 500;
  const events: TraceEvent[] = [...repeatedEvents(options.traces, options.events)];
  const batches: TraceEvent[][] = [];
  for (let i = 0; i < events.length; i += batchSize) batches.push(events.slice(i, i + batchSize));
  const file = join(options.dir, "trace-files-bench.ndjson");
  const writes: number[] = [];
  const reads: number[] = [];
  for (let r = 0; r < rounds; r++) {
    collectGarbage();
    let start = performance.now();
    const writer = createTraceWriter(file, benchHeader("trace file bench"));
    for (const b of batches) writer.append(b);
    writer.close();
    writes.push(events.length / ((performance.now() - start) / 1000));

    collectGarbage();
    start = performance.now();
    let n = 0;
    await scanTraceFile(file, () => undefined, () => void n++);
    if (n !== events.length) throw new Error(`read back ${n} events, wrote ${events.length}`);
    reads.push(n / ((performance.now() - start) / 1000));
  }
  return {
    writeEventsPerS: Math.round(median(writes)),
    readEventsPerS: Math.round(median(reads)),
    bytesPerEvent: round(bytesPerEvent(options.traces), 1),
    events: events.length,
    rounds,
  };
}

/** Milliseconds to read a whole trace file into memory with the validating streaming reader. */
export async function measureNodeLoad(file: string): Promise<number> {
  collectGarbage();
  const start = performance.now();
  const trace = await readTraceFile(file);
  const ms = performance.now() - start;
  if (trace.events.length === 0) throw new Error(`${file} has no events`);
  return ms;
}
