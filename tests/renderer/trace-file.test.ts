// Streaming trace files: the parser gets text in pieces cut anywhere (mid-line, mid-character)
// and yields the same events, in batches, with the same line numbers in its errors.
import { describe, expect, it } from "vitest";
import { createTraceParser, readTraceFile, serializeTrace } from "../../src/renderer/src/files/trace-file";
import type { TraceEvent } from "../../src/shared/trace/types";
import { buildHelloAck, HELLO_ACK_HEADER } from "./fixtures/hello-ack";

function parseInPieces(text: string, size: number): TraceEvent[] {
  const parser = createTraceParser();
  const out: TraceEvent[] = [];
  for (let i = 0; i < text.length; i += size) out.push(...parser.push(text.slice(i, i + size)));
  out.push(...parser.end());
  return out;
}

const noYield = async (): Promise<void> => undefined;

describe("streaming trace files", () => {
  it("gives the same events whatever the pieces, with or without a last newline", () => {
    const events = buildHelloAck();
    const text = serializeTrace(HELLO_ACK_HEADER, events);
    for (const size of [1, 7, 100, 4096, text.length]) {
      expect(parseInPieces(text, size)).toEqual(events);
      expect(parseInPieces(text.trimEnd(), size)).toEqual(events);
    }
    expect(parseInPieces(`${text}\n\n  \n`, 13)).toEqual(events);
  });

  it("decodes UTF-8 cut between bytes of one character", async () => {
    const events = buildHelloAck();
    const text = serializeTrace(HELLO_ACK_HEADER, events).replace('"world"', '"wörld ✓ 🌍"');
    const bytes = new TextEncoder().encode(text);
    const parts: BlobPart[] = [];
    for (let i = 0; i < bytes.length; i += 5) parts.push(bytes.slice(i, i + 5));
    const got: TraceEvent[] = [];
    const { header } = await readTraceFile(new Blob(parts), (b) => got.push(...b), undefined, noYield);
    expect(header).toEqual(HELLO_ACK_HEADER);
    expect(JSON.stringify(got)).toContain("wörld ✓ 🌍");
    expect(got).toHaveLength(events.length);
  });

  it("names the line at fault, as the whole-text parser did", () => {
    const events = buildHelloAck();
    const lines = serializeTrace(HELLO_ACK_HEADER, events).split("\n");
    lines[5] = "{not json";
    expect(() => parseInPieces(lines.join("\n"), 9)).toThrow(/^Line 6 is not valid JSON\.$/);
    lines[5] = '{"id": 3, "t": "soon"}';
    expect(() => parseInPieces(lines.join("\n"), 9)).toThrow(/^Line 6: /);
    expect(() => parseInPieces("", 9)).toThrow(/empty/);
    expect(() => parseInPieces("\n \n", 1)).toThrow(/empty/);
    // blank lines are skipped but counted: the header is on line 2, the bad event on line 7
    expect(() => parseInPieces(`\n${lines.join("\n")}`, 9)).toThrow(/^Line 7: /);
    expect(() => parseInPieces("hello\n", 9)).toThrow(/^Line 1 is not JSON/);
    expect(() => parseInPieces('{"format":"nope"}\n', 9)).toThrow(/^Line 1 \(header\): /);
  });

  it("hands events over in batches and reports progress up to 1", async () => {
    const events = buildHelloAck();
    const batches: number[] = [];
    const progress: number[] = [];
    await readTraceFile(new Blob([serializeTrace(HELLO_ACK_HEADER, events)]), (b) => batches.push(b.length), (p) => progress.push(p), noYield);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(events.length);
    expect(progress[progress.length - 1]).toBe(1);
  });
});
