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
