// Runs one LabApi call for a control: records the resulting status, or a plain error.
// Playback state is left alone: when playing, the playhead follows; when paused, it waits.

import type { LabStatus } from "../../../shared/lab-api";
import type { TraceActions } from "../store/trace-store";

export async function runLab(actions: TraceActions, call: () => Promise<LabStatus>): Promise<void> {
  try {
    actions.setError(null);
    const status = await call();
    actions.setStatus(status);
    if (status.state === "error" && status.message) actions.setError(status.message);
  } catch (err) {
    actions.setError(err instanceof Error ? err.message : String(err));
  }
}

/** A start or restart of the lab under way, if any (see `runLabStart`). */
let starting: Promise<void> | undefined;

/**
 * Runs a call that starts or restarts the lab: a press of Next step while it runs (Start, then
 * Next step at once, on a lab that takes a moment to come up) waits for it, then runs a step.
 */
export function runLabStart(actions: TraceActions, call: () => Promise<LabStatus>): Promise<void> {
  const run = runLab(actions, call);
  starting = run;
  const over = (): void => {
    if (starting === run) starting = undefined;
  };
  void run.then(over);
  return run;
}

/** The start or restart under way, if any. */
export function labStarting(): Promise<void> | undefined {
  return starting;
}
