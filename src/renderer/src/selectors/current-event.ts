// The event under the playhead, and the event the inspector and Layers focus on.

import type { TraceEvent } from "../../../shared/trace/types";
import type { TraceState } from "../store/initial-state";
import { eventById } from "../store/trace-buffer";

export function selectCurrentEvent(s: TraceState): TraceEvent | undefined {
  return s.cursor >= 0 ? s.trace.events[s.cursor] : undefined;
}

/** The selected event if any, else the event under the playhead. */
export function selectFocusEvent(s: TraceState): TraceEvent | undefined {
  if (s.selection !== null) {
    const e = eventById(s.trace, s.selection);
    if (e) return e;
  }
  return selectCurrentEvent(s);
}
