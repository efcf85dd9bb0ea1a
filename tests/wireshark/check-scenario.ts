// Runs one scenario of the lab in this process with tcpdump capturing loopback around it,
// then compares tshark's reading of the capture with the trace. Files go under os.tmpdir().

import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runScenarioToFile } from "../../src/main/cli/run-scenario.js";
import { findScenario } from "../../src/main/lab/scenarios/index.js";
import { freePortRange, readCapture, startCapture, type CaptureStats } from "./capture.js";
import { compareCaptureWithTrace, type WireCheckFigures } from "./compare.js";

export interface ScenarioCheck {
  scenario: string;
  port: number;
  pcap: string;
  trace: string;
  /** The scenario's own failure, if it failed (the comparison still runs). */
  error?: string;
  stats: CaptureStats;
  figures: WireCheckFigures;
}

/** Packets still in flight when the run returns (last ACKs, a late FIN) get this long. */
const SETTLE_MS = 500;

export async function checkScenario(scenario: string, options: { dir?: string; seed?: number; log?: (line: string) => void } = {}): Promise<ScenarioCheck> {
  const dir = options.dir ?? join(tmpdir(), "socketscope-wirecheck");
  mkdirSync(dir, { recursive: true });
  // Most labs listen on P and P+1; a lab of several server nodes on P (its balancer) and one port per node after it.
  const count = findScenario(scenario)?.listenPorts?.({}) ?? 2;
  const port = await freePortRange(count);
  const ports = Array.from({ length: count }, (_, k) => port + k);
  const stamp = `${scenario}-${process.pid}-${port}`;
  const pcap = join(dir, `${stamp}.pcap`);
  const trace = join(dir, `${stamp}.ndjson`);
  const capture = await startCapture(pcap, ports);
  let result: Awaited<ReturnType<typeof runScenarioToFile>>;
  let stats: CaptureStats;
  try {
    result = await runScenarioToFile(scenario, trace, { port, seed: options.seed ?? 1, ...(options.log ? { log: options.log } : {}) });
    await new Promise((r) => setTimeout(r, SETTLE_MS));
  } finally {
    stats = await capture.stop();
  }
  const figures = compareCaptureWithTrace(readCapture(pcap, ports), result.events, { ports });
  if (stats.dropped) figures.mismatches.unshift(`[capture] tcpdump says the kernel dropped ${stats.dropped} packets: the capture is incomplete`);
  return { scenario, port, pcap, trace, stats, figures, ...(result.error ? { error: result.error } : {}) };
}
