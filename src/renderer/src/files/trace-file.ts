// Reading and writing trace files (NDJSON, format v1), validated with the shared pure
// validator. Parsing yields to the UI every few thousand lines so progress can show.

import { validateHeader, createEventValidator } from "../../../shared/trace/validate";
import type { TraceEvent, TraceHeader } from "../../../shared/trace/types";

export interface ParsedTrace {
  header: TraceHeader;
  events: TraceEvent[];
}

const CHUNK = 20_000;

/** Parses a whole file's text; throws an Error whose message names the line at fault. */
export async function parseTraceText(text: string, onProgress?: (fraction: number) => void, yieldToUi: () => Promise<void> = () => new Promise((r) => setTimeout(r, 0))): Promise<ParsedTrace> {
  const lines = text.split("\n");
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === "") lines.pop();
  if (lines.length === 0) throw new Error("The file is empty: a trace starts with a header line.");
  let header: unknown;
  try {
    header = JSON.parse(lines[0] as string);
  } catch {
    throw new Error("Line 1 is not JSON: this does not look like a SocketScope trace (NDJSON).");
  }
  const headerError = validateHeader(header);
  if (headerError) throw new Error(`Line 1 (header): ${headerError}.`);
  const validator = createEventValidator();
  const events: TraceEvent[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`Line ${i + 1} is not valid JSON.`);
    }
    const err = validator.check(value);
    if (err) throw new Error(`Line ${i + 1}: ${err}.`);
    events.push(value as TraceEvent);
    if (i % CHUNK === 0) {
      onProgress?.(i / lines.length);
      await yieldToUi();
    }
  }
  onProgress?.(1);
  return { header: header as TraceHeader, events };
}

/** The trace as NDJSON text: the header line, then one event per line. */
export function serializeTrace(header: TraceHeader | null, events: readonly TraceEvent[], now = new Date()): string {
  const h: TraceHeader = header ?? { format: "socketscope-trace", version: 1, createdAt: now.toISOString(), app: { name: "socketscope", version: "0.1.0" } };
  const out: string[] = [JSON.stringify(h)];
  for (const e of events) out.push(JSON.stringify(e));
  return `${out.join("\n")}\n`;
}

export function traceFileName(header: TraceHeader | null, now = new Date()): string {
  const id = header?.scenario?.id ?? "trace";
  return `socketscope-${id}-${now.toISOString().replace(/[:.]/g, "-").slice(0, 19)}.ndjson`;
}
