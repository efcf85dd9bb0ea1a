// The scenario's step markers in the trace (index, step number, title), for the seek bar.

import type { TraceState } from "../store/initial-state";
import { memo } from "./memo";

export interface StepMarker {
  index: number;
  step: number;
  title: string;
  teardown: boolean;
}

export const selectStepMarkers = memo(
  (s: TraceState) => [s.trace, s.length],
  (s: TraceState): StepMarker[] => {
    const out: StepMarker[] = [];
    for (const i of s.trace.structural) {
      if (i >= s.length) break;
      const e = s.trace.events[i];
      if (e && e.layer === "lab" && e.kind === "step") out.push({ index: i, step: e.index, title: e.title, teardown: e.teardown === true });
    }
    return out;
  },
);
