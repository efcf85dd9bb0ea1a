// Runs one scenario straight through on a fresh lab and writes its trace file.

import type { TraceEvent } from "../../shared/trace/types.js";
import { createRecorder } from "../trace/recorder.js";
import { APP } from "../lab/lab.js";
import { createScenarioRunner } from "../lab/scenarios/runner.js";
import { findScenario } from "../lab/scenarios/index.js";
import type { LabChoices } from "../lab/scenarios/scenario.js";
import { TRACE_FORMAT, TRACE_VERSION } from "../../shared/trace/types.js";

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
  const recorder = createRecorder({
    header: { format: TRACE_FORMAT, version: TRACE_VERSION, createdAt: new Date().toISOString(), app: APP, scenario: { id, title: scenario.title, seed, keyView: scenario.keyView } },
    ...(out ? { file: out } : {}),
    windowSize: 5_000_000,
  });
  const events: TraceEvent[] = [];
  recorder.subscribe((batch) => events.push(...batch));
  const runner = createScenarioRunner(scenario, { seed, recorder, port: options.port ?? 3000, ...(options.clients ? { clients: options.clients } : {}), ...(options.choices ? { choices: options.choices } : {}), ...(options.log ? { log: options.log } : {}) });
  let error: string | undefined;
  try {
    await runner.start();
    await runner.runAll();
  } catch (err) {
    error = (err as Error).message;
    options.log?.(`scenario failed: ${error}`);
  } finally {
    await runner.dispose();
    recorder.close();
  }
  return { ok: error === undefined, events, ...(error ? { error } : {}) };
}
