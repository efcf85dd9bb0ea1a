// Reading and writing trace files (NDJSON, format v1), validated with the shared pure
// validator. Files are read as a stream and parsed line by line as text arrives, so the whole
// text and all its lines are never held at once; events come out in large batches.

import { createLineSplitter } from "../../../shared/trace/line-splitter";
import { createTraceReader, TraceLineError, type TornLine } from "../../../shared/trace/reader";
import type { TraceEvent, TraceHeader } from "../../../shared/trace/types";
import { traceText } from "../../../shared/trace/writer";

export interface ParsedTrace {
  header: TraceHeader;
  events: TraceEvent[];
}

/** Turns text, pushed in pieces of any size, into the header and validated events. */
export interface TraceParser {
  /** Parses every complete line of `text` (after what was pushed before); returns their events. */
  push(text: string): TraceEvent[];
  /** The last line, if it had no newline; throws if the file held no header at all. */
  end(): TraceEvent[];
  /** The header, once line 1 has been parsed. */
  readonly header: TraceHeader | null;
  /** The last line, when it was cut short and left out. */
  readonly torn: TornLine | null;
}

/** The reader's refusal in the page's words. */
function pageMessage(err: TraceLineError): string {
  switch (err.kind) {
    case "empty":
      return "The file is empty: a trace starts with a header line.";
    case "json":
      return err.line === 1 ? "Line 1 is not JSON: this does not look like a SocketScope trace (NDJSON)." : `Line ${err.line} is not valid JSON.`;
    case "header":
      return `Line ${err.line} (header): ${err.reason}.`;
    case "event":
      return `Line ${err.line}: ${err.reason}.`;
  }
}

/** The same reader as Node's (src/shared/trace/reader.ts), reporting in the page's words. */
export function createTraceParser(): TraceParser {
  const reader = createTraceReader();
  let out: TraceEvent[] = [];
  const lines = createLineSplitter((text, terminated) => {
    const event = reader.line(text, terminated);
    if (event) out.push(event);
  });
  const guard = <T>(run: () => T): T => {
    try {
      return run();
    } catch (err) {
      throw err instanceof TraceLineError ? new Error(pageMessage(err)) : err;
    }
  };
  return {
    push(text) {
      out = [];
      guard(() => lines.push(text));
      return out;
    },
    end() {
      out = [];
      guard(() => {
        lines.end();
        reader.end();
      });
      return out;
    },
    get header() {
      return reader.header;
    },
    get torn() {
      return reader.torn;
    },
  };
}

/** Text of a file, piece by piece, decoded as UTF-8 across piece boundaries. */
async function* textPieces(file: Blob): AsyncGenerator<string> {
  if (typeof file.stream !== "function") {
    yield await file.text();
    return;
  }
  const reader = file.stream().getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      yield decoder.decode(value, { stream: true });
    }
    const tail = decoder.decode();
    if (tail) yield tail;
  } finally {
    // Stops reading when parsing failed part-way.
    void reader.cancel().catch(() => undefined);
  }
}

const BATCH = 50_000;
/** Longest stretch of parsing between two chances for the page to paint progress. */
const SLICE_MS = 100;

const nextTask = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/**
 * Streams a trace file: `onBatch` gets the events in batches of about 50,000, in order, and
 * `onProgress` the fraction of bytes read. Returns the header, and the last line if it was cut
 * short (left out); throws an Error whose message
 * names the line at fault. `pieces` is the file's text (read by the trace worker, say).
 */
export async function readTraceFile(
  file: Blob,
  onBatch: (events: TraceEvent[]) => void,
  onProgress?: (fraction: number) => void,
  yieldToUi: () => Promise<void> = nextTask,
  pieces: AsyncIterable<string> = textPieces(file),
): Promise<{ header: TraceHeader; torn: TornLine | null }> {
  const parser = createTraceParser();
  let batch: TraceEvent[] = [];
  let read = 0;
  let sliceStart = performance.now();
  for await (const text of pieces) {
    const events = parser.push(text);
    for (const e of events) batch.push(e);
    read += text.length;
    if (batch.length >= BATCH) {
      onBatch(batch);
      batch = [];
    }
    if (performance.now() - sliceStart > SLICE_MS) {
      // Characters read over bytes in the file: exact for ASCII, close enough for progress.
      onProgress?.(Math.min(1, read / Math.max(1, file.size)));
      await yieldToUi();
      sliceStart = performance.now();
    }
  }
  for (const e of parser.end()) batch.push(e);
  if (batch.length > 0) onBatch(batch);
  onProgress?.(1);
  return { header: parser.header as TraceHeader, torn: parser.torn };
}

/** Parses a whole file's text; throws an Error whose message names the line at fault. */
export async function parseTraceText(text: string, onProgress?: (fraction: number) => void, yieldToUi: () => Promise<void> = nextTask): Promise<ParsedTrace> {
  const events: TraceEvent[] = [];
  const { header } = await readTraceFile(new Blob([text]), (batch) => {
    for (const e of batch) events.push(e);
  }, onProgress, yieldToUi);
  return { header, events };
}

/** The trace as NDJSON text (the shared writer's): the header line, then one event per line. */
export function serializeTrace(header: TraceHeader | null, events: readonly TraceEvent[], now = new Date()): string {
  const h: TraceHeader = header ?? { format: "socketscope-trace", version: 1, createdAt: now.toISOString(), app: { name: "socketscope", version: "0.1.0" } };
  return traceText(h, events);
}

export function traceFileName(header: TraceHeader | null, now = new Date()): string {
  const id = header?.scenario?.id ?? "trace";
  return `socketscope-${id}-${now.toISOString().replace(/[:.]/g, "-").slice(0, 19)}.ndjson`;
}
