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

/**
 * The markers a seek bar `slots` markers wide can show apart: in trace order, a marker is kept
 * when it stands at least one marker's width after the last one kept, and the last marker (the
 * end of the run) is always kept, dropping kept neighbours too close before it. That set does
 * not depend on the playhead, so markers do not jump as it plays; the step the playhead is in is
 * added when it is not among them (drawn over its neighbour: see `currentMarker`). A long trace
 * (a class's hour of runs: tens of thousands of steps) would otherwise draw a button per step,
 * on top of each other, each a tab stop and a restyle on every seek.
 */
export function fitMarkers(markers: StepMarker[], length: number, slots: number, cursor: number): StepMarker[] {
  const n = Math.max(1, Math.floor(slots));
  if (markers.length <= n) return markers;
  const kept = thinMarkers(markers, length, n);
  const current = currentMarker(markers, cursor);
  if (current === undefined || kept.includes(current)) return kept;
  const at = kept.findIndex((m) => m.index > current.index);
  return at < 0 ? [...kept, current] : [...kept.slice(0, at), current, ...kept.slice(at)];
}

/** The playhead-independent part of `fitMarkers` (memoised on its arguments). */
const thinMarkers = memo(
  (markers: StepMarker[], length: number, n: number) => [markers, length, n],
  (markers: StepMarker[], length: number, n: number): StepMarker[] => {
    // A marker's place on the bar, in marker widths.
    const at = (m: StepMarker): number => ((m.index + 1) / Math.max(1, length)) * n;
    const end = markers[markers.length - 1];
    const kept: StepMarker[] = [];
    for (const m of markers) {
      const x = at(m);
      const prev = kept[kept.length - 1];
      if (m === end) {
        while (kept.length > 0 && x - at(kept[kept.length - 1]!) < 1) kept.pop();
        kept.push(m);
      } else if (prev === undefined || x - at(prev) >= 1) kept.push(m);
    }
    return kept;
  },
);

/** The last marker at or before the playhead (the step it is in), if any. */
export function currentMarker(markers: StepMarker[], cursor: number): StepMarker | undefined {
  let lo = 0;
  let hi = markers.length - 1;
  let found: StepMarker | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (markers[mid]!.index <= cursor) {
      found = markers[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
