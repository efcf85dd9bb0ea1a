// The one reader of trace files, line by line, for Node (src/main/trace/trace-reader.ts) and
// the page (src/renderer/src/files/*), so both take and refuse exactly the same files. Pure:
// the callers cut text into lines (line-splitter.ts) and say how they report a refusal.
//
// What it accepts beyond the strict format: a UTF-8 BOM before the header, "\r\n" and lone
// "\r" line breaks, blank lines (skipped, but counted in line numbers), and a last line cut
// short without its line break (a lab that stopped mid-write): it is dropped and `torn` says so.

import type { TraceEvent, TraceHeader } from "./types.js";
import { createLongTextReader } from "./long-texts.js";
import { createEventValidator, validateHeader } from "./validate.js";

/** Why the reader refused a file: the line at fault (0 for the file as a whole) and the reason. */
export class TraceLineError extends Error {
  constructor(
    readonly line: number,
    readonly kind: "json" | "header" | "event" | "empty",
    readonly reason: string,
  ) {
    super(line > 0 ? `line ${line}: ${reason}` : reason);
    this.name = "TraceLineError";
  }
}

export interface TornLine {
  line: number;
  /** Characters of the cut line, which was not read. */
  length: number;
}

export interface TraceReader {
  /** One line of the file (without its break); returns its event, or null for the header and blank lines. */
  line(text: string, terminated: boolean): TraceEvent | null;
  /** Throws if the file held no header. */
  end(): void;
  readonly header: TraceHeader | null;
  /** The last line, when it was cut short and left out. */
  readonly torn: TornLine | null;
  /** Lines seen so far. */
  readonly lines: number;
}

/** True for a line with nothing but whitespace (cheap for the usual line, which starts with "{"). */
const blank = (line: string): boolean => line.length === 0 || (line.charCodeAt(0) !== 123 && line.trim() === "");

/**
 * `check: false` skips validation, for a second read of bytes already read with checks (the
 * trace worker's copy for the model): it still finds the same header, events and torn line.
 */
export function createTraceReader(options: { check?: boolean } = {}): TraceReader {
  const check = options.check ?? true;
  const validator = createEventValidator();
  const longTexts = createLongTextReader();
  let header: TraceHeader | null = null;
  let torn: TornLine | null = null;
  let lineNo = 0;

  const parse = (text: string, terminated: boolean): unknown => {
    try {
      return JSON.parse(text);
    } catch (err) {
      if (!terminated && header !== null) {
        torn = { line: lineNo, length: text.length };
        return undefined;
      }
      throw new TraceLineError(lineNo, "json", `not JSON (${(err as Error).message})`);
    }
  };

  return {
    line(raw, terminated) {
      lineNo++;
      const text = lineNo === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
      if (blank(text)) return null;
      const value = parse(text, terminated);
      if (value === undefined) return null;
      if (header === null) {
        const reason = check ? validateHeader(value) : null;
        if (reason) throw new TraceLineError(lineNo, "header", reason);
        header = value as TraceHeader;
        return null;
      }
      // Long texts written once go back in place first: the rest of the app never sees `dup`.
      const whole = typeof value === "object" && value !== null && !Array.isArray(value) ? longTexts(value as Record<string, unknown>, text.length) : null;
      if (whole) throw new TraceLineError(lineNo, "event", whole);
      const reason = check ? validator.check(value) : null;
      if (reason) throw new TraceLineError(lineNo, "event", reason);
      return value as TraceEvent;
    },
    end() {
      if (header === null) throw new TraceLineError(0, "empty", "the file is empty (no header line)");
    },
    get header() {
      return header;
    },
    get torn() {
      return torn;
    },
    get lines() {
      return lineNo;
    },
  };
}
