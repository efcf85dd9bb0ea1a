// Appends a trace to an NDJSON file as it is recorded: the header at open, then events in
// batches written synchronously, so what was flushed survives a crash of the process.

import { closeSync, openSync, writeSync } from "node:fs";
import type { TraceEvent, TraceHeader } from "../../shared/trace/types.js";

export interface TraceWriter {
  append(events: readonly TraceEvent[]): void;
  close(): void;
  readonly path: string;
}

export function createTraceWriter(path: string, header: TraceHeader): TraceWriter {
  const fd = openSync(path, "w");
  writeSync(fd, JSON.stringify(header) + "\n");
  let closed = false;
  return {
    path,
    append(events) {
      if (closed || events.length === 0) return;
      let text = "";
      for (const ev of events) text += JSON.stringify(ev) + "\n";
      writeSync(fd, text);
    },
    close() {
      if (closed) return;
      closed = true;
      closeSync(fd);
    },
  };
}
