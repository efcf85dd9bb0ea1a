// Reads a trace file: streams it line by line through the shared reader (the page's too), and
// either returns the whole trace or refuses it with the line number and the reason. It never
// half-loads; a last line cut short (a lab that stopped mid-write) is left out and reported.

import { isAscii } from "node:buffer";
import { createReadStream } from "node:fs";
import { createLineSplitter } from "../../shared/trace/line-splitter.js";
import { createTraceReader, TraceLineError, type TornLine } from "../../shared/trace/reader.js";
import type { TraceEvent, TraceHeader } from "../../shared/trace/types.js";

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
  /** The last line, when the file was cut in the middle of it. */
  torn?: TornLine;
}

/** What a scan found besides the events. */
export interface ScanResult {
  events: number;
  torn: TornLine | null;
}

/** Streams the events of a valid trace to `onEvent`; throws TraceFileError at the first bad line. */
export async function scanTraceFile(
  path: string,
  onHeader: (header: TraceHeader) => void,
  onEvent: (event: TraceEvent) => void,
): Promise<ScanResult> {
  const stream = createReadStream(path);
  const reader = createTraceReader();
  let events = 0;
  let sawHeader = false;
  const lines = createLineSplitter((text, terminated) => {
    const event = reader.line(text, terminated);
    if (event) {
      events++;
      onEvent(event);
    } else if (!sawHeader && reader.header) {
      sawHeader = true;
      onHeader(reader.header);
    }
  });
  try {
    // Bytes up to a chunk's last "\n" are whole lines (no UTF-8 sequence contains that byte):
    // they are decoded at once, as Latin-1 when they are ASCII (one-byte strings, the fastest
    // for V8 to make and to JSON.parse), and what follows waits for the next chunk.
    let rest: Buffer[] = [];
    for await (const read of stream as AsyncIterable<Buffer>) {
      const last = read.lastIndexOf(10);
      if (last < 0) {
        rest.push(read);
        continue;
      }
      const head = read.subarray(0, last + 1);
      const whole = rest.length ? Buffer.concat([...rest, head]) : head;
      lines.push(whole.toString(isAscii(whole) ? "latin1" : "utf8"));
      rest = last + 1 < read.length ? [read.subarray(last + 1)] : [];
    }
    if (rest.length) lines.push(Buffer.concat(rest).toString("utf8"));
    lines.end();
    reader.end();
  } catch (err) {
    if (err instanceof TraceLineError) throw new TraceFileError(path, err.line, err.reason);
    const code = (err as NodeJS.ErrnoException).code;
    throw new TraceFileError(path, 0, code === "ENOENT" ? "no such file" : (err as Error).message);
  } finally {
    stream.destroy();
  }
  return { events, torn: reader.torn };
}

export async function readTraceFile(path: string): Promise<Trace> {
  let header: TraceHeader | undefined;
  const events: TraceEvent[] = [];
  const { torn } = await scanTraceFile(
    path,
    (h) => (header = h),
    (e) => events.push(e),
  );
  return torn ? { header: header!, events, torn } : { header: header!, events };
}
