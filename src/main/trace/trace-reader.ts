// Reads a trace file: streams it line by line, validates every line, and either returns the
// whole trace or refuses it with the line number and the reason. It never half-loads.

import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { TraceEvent, TraceHeader } from "../../shared/trace/types.js";
import { createEventValidator, validateHeader } from "../../shared/trace/validate.js";

export class TraceFileError extends Error {
  constructor(
    readonly path: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(line > 0 ? `${path}: line ${line}: ${reason}` : `${path}: ${reason}`);
    this.name = "TraceFileError";
  }
}

export interface Trace {
  header: TraceHeader;
  events: TraceEvent[];
}

/** Streams the events of a valid trace to `onEvent`; throws TraceFileError at the first bad line. */
export async function scanTraceFile(
  path: string,
  onHeader: (header: TraceHeader) => void,
  onEvent: (event: TraceEvent) => void,
): Promise<number> {
  const stream = createReadStream(path, { encoding: "utf8" });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  const validator = createEventValidator();
  let lineNo = 0;
  let sawHeader = false;
  try {
    for await (const line of lines) {
      lineNo++;
      if (line.trim() === "") {
        throw new TraceFileError(path, lineNo, "empty line (every line must hold one JSON object)");
      }
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (err) {
        throw new TraceFileError(path, lineNo, `not JSON (${(err as Error).message})`);
      }
      if (!sawHeader) {
        const reason = validateHeader(value);
        if (reason) throw new TraceFileError(path, lineNo, reason);
        sawHeader = true;
        onHeader(value as TraceHeader);
        continue;
      }
      const reason = validator.check(value);
      if (reason) throw new TraceFileError(path, lineNo, reason);
      onEvent(value as TraceEvent);
    }
  } catch (err) {
    if (err instanceof TraceFileError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new TraceFileError(path, 0, code === "ENOENT" ? "no such file" : (err as Error).message);
  } finally {
    lines.close();
    stream.destroy();
  }
  if (!sawHeader) throw new TraceFileError(path, 0, "the file is empty (no header line)");
  return lineNo - 1;
}

export async function readTraceFile(path: string): Promise<Trace> {
  let header: TraceHeader | undefined;
  const events: TraceEvent[] = [];
  await scanTraceFile(
    path,
    (h) => (header = h),
    (e) => events.push(e),
  );
  return { header: header!, events };
}
