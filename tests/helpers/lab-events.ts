// Every event a lab records from now on, gathered as its recorder hands them out.
import type { Lab } from "../../src/main/lab/lab.js";
import type { TraceEvent } from "../../src/shared/trace/types.js";

export function collectEvents(lab: Lab): TraceEvent[] {
  const events: TraceEvent[] = [];
  lab.recorder.subscribe((b) => events.push(...b));
  return events;
}
