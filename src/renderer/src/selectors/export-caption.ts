// The caption an exported picture carries, so a slide says where it came from: the scenario and
// its step, the event under the playhead and its time, and the view. Pure.

import type { TraceState, ViewName } from "../store/initial-state";
import { selectNarration } from "./narration";
import { describeEvent, LAYER_LABEL } from "./describe-event";

export interface ExportCaption {
  lines: string[];
  /** A file name that says the same: `socketscope-rooms-step3-event164-layers`. */
  fileName: string;
}

export function exportCaption(s: TraceState, view: ViewName): ExportCaption {
  const n = selectNarration(s);
  const e = s.cursor >= 0 ? s.trace.events[s.cursor] : undefined;
  const scenario = n.scenarioTitle || (s.source === "file" ? "Trace file" : "Free play");
  const step = n.stepIndex >= 0 ? (n.teardown ? "after the lesson (the lab closes)" : `Step ${n.stepIndex + 1}${n.steps > 0 ? ` of ${n.steps}` : ""}: ${n.title}`) : "before the first step";
  const event = e ? `event #${e.id} on ${e.host}: ${LAYER_LABEL[e.layer]} ${describeEvent(e)} · t = ${e.t.toFixed(3)} ms` : "no event yet";
  const id = s.header?.scenario?.id ?? s.status.scenario ?? "trace";
  const slug = (x: string): string => x.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  const parts = ["socketscope", slug(id), n.stepIndex >= 0 && !n.teardown ? `step${n.stepIndex + 1}` : "", e ? `event${e.id}` : "", slug(view)].filter(Boolean);
  return { lines: [`${scenario} — ${step}`, `${view} · ${event}`], fileName: parts.join("-") };
}
