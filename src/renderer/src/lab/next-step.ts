// Next step, one press for the lab and the screen. While a played step is still animating, the
// press finishes it at once (as presentation software does with a slide's animation); otherwise
// the lab runs its next step, and every window's playhead moves to that step's marker when the
// lab says it started (setStatus). A scenario chosen while the lab is idle starts first.

import type { LabApi } from "../../../shared/lab-api";
import type { TraceActions, TraceStore } from "../store/trace-store";
import { stepAnimating } from "../store/trace-store";
import { labStarting, runLab, runLabStart } from "./run-lab";

export type NextStepMove = "finish" | "start" | "run" | "none";

/** What a press of Next step does now. */
export function nextStepMove(store: TraceStore, now: number): NextStepMove {
  const s = store.getState();
  if (s.source !== "live") return "none";
  if (stepAnimating(s, now)) return "finish";
  const chosen = s.scenarioId;
  if (chosen && (s.status.state === "idle" || !s.status.scenario)) return "start";
  if (!s.status.scenario || s.status.state === "idle" || s.status.state === "finished") return "none";
  if (s.status.steps > 0 && s.status.step >= s.status.steps - 1) return "none";
  return "run";
}

/** A press waits for a start under way (see `pressNextStep`); presses meanwhile add nothing. */
let waitingForStart = false;

export async function pressNextStep(api: LabApi, store: TraceStore, actions: TraceActions, now: number): Promise<void> {
  // A start under way goes first: the step is its lab's. Several presses meanwhile are one.
  const start = labStarting();
  if (start) {
    if (waitingForStart) return;
    waitingForStart = true;
    try {
      await start;
    } finally {
      waitingForStart = false;
    }
    now = performance.now();
  }
  const move = nextStepMove(store, now);
  if (move === "finish") return actions.finishStep(now);
  if (move === "start") {
    const id = store.getState().scenarioId;
    if (!id) return;
    await runLabStart(actions, () => api.startScenario(id));
    if (store.getState().status.state !== "ready") return;
  } else if (move !== "run") return;
  await runLab(actions, () => api.nextStep());
}
