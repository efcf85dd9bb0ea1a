// The one writer of trace text (NDJSON, format v1), for main's file writer, the command line and
// the page's Save: the header line, then one event per line, each line ending in "\n". Pure.

import type { TraceEvent, TraceHeader } from "./types.js";

/** Lines for `events`, each ending in a line break. */
export function traceLines(events: readonly TraceEvent[]): string {
  let text = "";
  for (const e of events) text += JSON.stringify(e) + "\n";
  return text;
}

export function headerLine(header: TraceHeader): string {
  return JSON.stringify(header) + "\n";
}

/** A whole trace as text. */
export function traceText(header: TraceHeader, events: readonly TraceEvent[]): string {
  return headerLine(header) + traceLines(events);
}
