// Narration: the scenario step the playhead is in, with the scenario's own text. The lab's
// teardown (a step marker with `teardown: true`) is the phase after the lesson, not a step of it.

import type { TraceState } from "../store/initial-state";
import { memo } from "./memo";

export interface Narration {
  scenarioTitle: string;
  stepIndex: number;
  steps: number;
  /** The playhead is past the lesson: the lab is closing. */
  teardown: boolean;
  title: string;
  text: string;
}

export const selectNarration = memo(
  (s: TraceState) => [s.trace, s.length, s.cursor, s.scenarios, s.header, s.status.scenario],
  (s: TraceState): Narration => {
    const id = s.header?.scenario?.id ?? s.status.scenario;
    const info = s.scenarios.find((x) => x.id === id);
    const scenarioTitle = info?.title ?? s.header?.scenario?.title ?? "";
    let step: { index: number; title: string; narration: string; teardown?: boolean } | null = null;
    for (const i of s.trace.structural) {
      if (i > s.cursor) break;
      const e = s.trace.events[i];
      if (e && e.layer === "lab" && e.kind === "step") step = e;
    }
    const steps = info?.steps.length ?? 0;
    if (!step) {
      return {
        scenarioTitle,
        stepIndex: -1,
        steps,
        teardown: false,
        title: scenarioTitle ? scenarioTitle : "No scenario yet",
        text: info ? info.summary : "Choose a scenario, then press Next step to run its first step.",
      };
    }
    return { scenarioTitle, stepIndex: step.index, steps, teardown: step.teardown === true, title: step.title, text: step.narration };
  },
);
