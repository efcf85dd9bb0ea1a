// Appends a trace to an NDJSON file as it is recorded: the header at open, then events in
// batches written synchronously, so what was flushed survives a crash of the process.
// A write that fails (a full disk, a removed drive) stops the writing for good, not the lab:
// the file is cut back to its last complete line, and `onError` hears why, once.

import { closeSync, ftruncateSync, openSync, writeSync } from "node:fs";
import type { TraceEvent, TraceHeader } from "../../shared/trace/types.js";
import { createTraceLinesWriter, headerLine } from "../../shared/trace/writer.js";

export interface TraceWriter {
  append(events: readonly TraceEvent[]): void;
  close(): void;
  readonly path: string;
  /** Why writing stopped, once it has. */
  readonly failure: Error | undefined;
}

export interface TraceWriterOptions {
  /** Called once, when a write fails and the writer stops. */
  onError?: (err: Error) => void;
  /** The fs calls, for a test that makes them fail; Node's own by default. */
  fs?: { writeSync: typeof writeSync; ftruncateSync: typeof ftruncateSync; closeSync: typeof closeSync };
}

export function createTraceWriter(path: string, header: TraceHeader, options: TraceWriterOptions = {}): TraceWriter {
  const fs = options.fs ?? { writeSync, ftruncateSync, closeSync };
  const fd = openSync(path, "w");
  /** Bytes in the file, all of them complete lines. */
  let size = 0;
  let closed = false;
  let failure: Error | undefined;

  /** Writes `text` whole (writeSync may take less than asked) or stops with the file cut to whole lines. */
  const write = (text: string): void => {
    const bytes = Buffer.from(text);
    let done = 0;
    try {
      while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done);
      size += bytes.length;
    } catch (err) {
      failure = err as Error;
      const keep = done > 0 ? bytes.lastIndexOf(10, done - 1) + 1 : 0;
      try {
        fs.ftruncateSync(fd, size + keep);
      } catch {
        // the file keeps a torn last line, which readers leave out
      }
      options.onError?.(failure);
    }
  };

  write(headerLine(header));
  const lines = createTraceLinesWriter();
  return {
    path,
    get failure() {
      return failure;
    },
    append(events) {
      if (closed || failure || events.length === 0) return;
      write(lines(events));
    },
    close() {
      if (closed) return;
      closed = true;
      try {
        fs.closeSync(fd);
      } catch {
        // a close error after a failed write says nothing new
      }
    },
  };
}
