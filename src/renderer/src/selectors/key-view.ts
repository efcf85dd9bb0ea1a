// The view the shown scenario's lesson is about (its own choice, in its data); Layers otherwise.

import type { KeyView } from "../../../shared/lab-api";
import type { TraceState } from "../store/initial-state";

export function selectKeyView(s: TraceState): KeyView {
  const id = s.source === "live" ? (s.status.scenario ?? s.header?.scenario?.id) : s.header?.scenario?.id;
  return s.scenarios.find((x) => x.id === id)?.keyView ?? "Layers";
}
