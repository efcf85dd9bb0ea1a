// Reads a trace file: streams it line by line, validates every line, and either returns the
// whole trace or refuses it with the line number and the reason. It never half-loads.

import { isAscii } from "node:buffer";
import { createReadStream } from "node:fs";
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

/** True for a line with nothing but whitespace (cheap for the usual line, which starts with "{"). */
const blank = (line: string): boolean => line.length === 0 || (line.charCodeAt(0) !== 123 && line.trim() === "");

/**
 * Streams the events of a valid trace to `onEvent`; throws TraceFileError at the first bad line.
 * Lines end with "\n" or "\r\n" (a lone "\r" too, as readline would have it). They are cut
 * from each chunk in one synchronous loop rather than through readline's async iterator.
 */
export async function scanTraceFile(
  path: string,
  onHeader: (header: TraceHeader) => void,
  onEvent: (event: TraceEvent) => void,
): Promise<number> {
  const stream = createReadStream(path);
  const validator = createEventValidator();
  let lineNo = 0;
  let sawHeader = false;
  const take = (line: string): void => {
    lineNo++;
    if (blank(line)) throw new TraceFileError(path, lineNo, "empty line (every line must hold one JSON object)");
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
      return;
    }
    const reason = validator.check(value);
    if (reason) throw new TraceFileError(path, lineNo, reason);
    onEvent(value as TraceEvent);
  };
  /** Takes each line of `text`, which ends with a line break. */
  const cut = (text: string): void => {
    let start = 0;
    for (;;) {
      const nl = text.indexOf("\n", start);
      if (nl < 0) break;
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      const line = text.slice(start, end);
      // JSON text holds no raw CR, so a CR inside a line can only be an old-style line break.
      if (line.includes("\r")) for (const part of line.split("\r")) take(part);
      else take(line);
      start = nl + 1;
    }
  };
  try {
    // Bytes up to a chunk's last "\n" are whole lines (no UTF-8 sequence contains that byte):
    // they are decoded at once, as Latin-1 when they are ASCII (one-byte strings, the fastest
    // for V8 to make and to JSON.parse), and what follows waits for the next chunk.
    // A line longer than a chunk gathers its pieces until its end arrives (joined once).
    let rest: Buffer[] = [];
    for await (const read of stream as AsyncIterable<Buffer>) {
      const last = read.lastIndexOf(10);
      if (last < 0) {
        rest.push(read);
        continue;
      }
      const head = read.subarray(0, last + 1);
      const whole = rest.length ? Buffer.concat([...rest, head]) : head;
      cut(whole.toString(isAscii(whole) ? "latin1" : "utf8"));
      rest = last + 1 < read.length ? [read.subarray(last + 1)] : [];
    }
    if (rest.length) {
      let text = Buffer.concat(rest).toString("utf8");
      if (text.endsWith("\r")) text = text.slice(0, -1);
      if (text.length > 0) cut(text + "\n");
    }
  } catch (err) {
    if (err instanceof TraceFileError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new TraceFileError(path, 0, code === "ENOENT" ? "no such file" : (err as Error).message);
  } finally {
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
