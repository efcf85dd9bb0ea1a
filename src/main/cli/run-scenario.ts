// Runs one scenario straight through on a fresh lab and writes its trace file.

import type { TraceEvent } from "../../shared/trace/types.js";
import type { Recorder } from "../trace/recorder.js";
import { createScenarioRunner } from "../lab/scenarios/runner.js";
import { findScenario } from "../lab/scenarios/index.js";
import type { LabChoices } from "../lab/scenarios/scenario.js";

/** Events a run keeps in memory for its result (the trace file keeps every one). */
const MAX_EVENTS = 5_000_000;

export interface RunResult {
  ok: boolean;
  events: TraceEvent[];
  error?: string;
}

export async function runScenarioToFile(
  id: string,
  out: string | undefined,
  options: { seed?: number; port?: number; clients?: number; choices?: LabChoices; log?: (line: string) => void } = {},
): Promise<RunResult> {
  const scenario = findScenario(id);
  if (!scenario) throw new Error(`unknown scenario "${id}"`);
  const seed = options.seed ?? 1;
  // The lab makes its recorder (its captures in a worker thread), keeping every event in memory too.
  const runner = createScenarioRunner(scenario, {
    seed,
    port: options.port ?? 3000,
    ...(out ? { traceFile: out } : {}),
    lab: { windowSize: MAX_EVENTS, windowBytes: Number.POSITIVE_INFINITY },
    ...(options.clients ? { clients: options.clients } : {}),
    ...(options.choices ? { choices: options.choices } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  let recorder: Recorder | undefined;
  let error: string | undefined;
  try {
    await runner.start();
    recorder = runner.lab!.recorder;
    await runner.runAll();
  } catch (err) {
    error = (err as Error).message;
    options.log?.(`scenario failed: ${error}`);
  } finally {
    await runner.dispose();
  }
  // The lab closed its recorder as it ended: its window is the whole run.
  const events = recorder?.recent() ?? [];
  return { ok: error === undefined, events, ...(error ? { error } : {}) };
}
