// The view the shown scenario's lesson is about (its own choice, in its data); Layers otherwise.

import { VIEW_NAMES, type KeyView } from "../../../shared/lab-api";
import type { TraceState } from "../store/initial-state";

export function selectKeyView(s: TraceState): KeyView {
  const id = s.source === "live" ? (s.status.scenario ?? s.header?.scenario?.id) : s.header?.scenario?.id;
  const fromLab = s.scenarios.find((x) => x.id === id)?.keyView;
  if (fromLab) return fromLab;
  // A file (or a page with no lab) knows its lesson's key view from its header.
  const fromFile = s.header?.scenario?.id === id ? s.header?.scenario?.keyView : undefined;
  return (VIEW_NAMES as readonly string[]).includes(fromFile ?? "") ? (fromFile as KeyView) : "Layers";
}
