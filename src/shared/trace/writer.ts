// The one writer of trace text (NDJSON, format v1), for main's file writer, the command line and
// the page's Save: the header line, then one event per line, each line ending in "\n", each long
// text written once (see long-texts.ts). Pure.

import { createLineWriter } from "./long-texts.js";
import type { TraceEvent, TraceHeader } from "./types.js";

/** Writes the event lines of one file, batch by batch, in id order (a later line may name an earlier one's text). */
export function createTraceLinesWriter(): (events: readonly TraceEvent[]) => string {
  const line = createLineWriter();
  return (events) => {
    let text = "";
    for (const e of events) text += line(e) + "\n";
    return text;
  };
}

export function headerLine(header: TraceHeader): string {
  return JSON.stringify(header) + "\n";
}

/** A whole trace as text. */
export function traceText(header: TraceHeader, events: readonly TraceEvent[]): string {
  return headerLine(header) + createTraceLinesWriter()(events);
}
