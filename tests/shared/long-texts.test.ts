// Long texts written once: a file holds each long payload once, and reading it gives back exactly
// the events that were written (same values, same key order). A copy that names nothing it may
// name is refused with its line and reason.
import { describe, expect, it } from "vitest";
import { DUP_WINDOW, LONG_TEXT } from "../../src/shared/trace/long-texts.js";
import { createTraceReader, TraceLineError } from "../../src/shared/trace/reader.js";
import type { TraceEvent, TraceHeader } from "../../src/shared/trace/types.js";
import { createTraceLinesWriter, traceText } from "../../src/shared/trace/writer.js";

const header: TraceHeader = { format: "socketscope-trace", version: 1, createdAt: "2026-12-04T12:00:00.000Z", app: { name: "SocketScope", version: "0.1.0" } };
const TEXT = "The quick brown fox jumps over the lazy dog. ".repeat(120);
const OTHER = "Pack my box with five dozen liquor jugs. ".repeat(60);

/** The four layers of one emit of a long text, on the sender, then on the receiver. */
function oneEmit(first: number, text: string): TraceEvent[] {
  const encoded = `42${JSON.stringify(["echo", text])}`;
  const ev = (id: number, e: object) => ({ id, t: id, ...e }) as TraceEvent;
  return [
    ev(first, { host: "client-1", layer: "api", kind: "emit", nsp: "/", event: "echo", args: [text] }),
    ev(first + 1, { host: "client-1", layer: "socketio", kind: "packet", dir: "out", type: "EVENT", nsp: "/", data: ["echo", text], encoded, parents: [first] }),
    ev(first + 2, { host: "client-1", layer: "engine", kind: "packet", dir: "out", type: "message", data: encoded, parents: [first + 1] }),
    ev(first + 3, { host: "server", layer: "engine", kind: "packet", dir: "in", type: "message", data: encoded }),
    ev(first + 4, { host: "server", layer: "socketio", kind: "packet", dir: "in", type: "EVENT", nsp: "/", data: ["echo", text], encoded, parents: [first + 3] }),
    ev(first + 5, { host: "server", layer: "api", kind: "receive", nsp: "/", event: "echo", args: [text], parents: [first + 4] }),
  ];
}

function read(text: string): TraceEvent[] {
  const reader = createTraceReader();
  const events: TraceEvent[] = [];
  for (const line of text.split("\n")) {
    const e = reader.line(line, true);
    if (e) events.push(e);
  }
  reader.end();
  return events;
}

function refusal(lines: string[]): { line: number; reason: string } {
  try {
    read(lines.join("\n"));
  } catch (err) {
    expect(err).toBeInstanceOf(TraceLineError);
    return { line: (err as TraceLineError).line, reason: (err as TraceLineError).message };
  }
  throw new Error("the file was accepted");
}

describe("long texts written once", () => {
  it("writes each long text once per emit and reads back exactly the events written", () => {
    const events = [...oneEmit(1, TEXT), ...oneEmit(7, TEXT), ...oneEmit(13, OTHER)];
    const text = traceText(header, events);
    // Each text twice: in the first args and inside the first encoded string (without this, 7 times per emit).
    expect(text.split(TEXT).length - 1).toBe(2);
    expect(text.split(OTHER).length - 1).toBe(2);
    const back = read(text);
    expect(JSON.stringify(back)).toBe(JSON.stringify(events));
    expect(back.some((e) => "dup" in e)).toBe(false);
  });

  it("leaves short texts, and long ones in other fields, as they are", () => {
    const short = "x".repeat(LONG_TEXT - 1);
    const events = [
      { id: 1, t: 1, host: "server", layer: "lab", kind: "log", text: TEXT },
      { id: 2, t: 2, host: "server", layer: "lab", kind: "log", text: TEXT },
      { id: 3, t: 3, host: "server", layer: "engine", kind: "packet", dir: "in", type: "message", data: short },
      { id: 4, t: 4, host: "server", layer: "engine", kind: "packet", dir: "in", type: "message", data: short },
    ] as TraceEvent[];
    const text = traceText(header, events);
    expect(text).not.toContain('"dup"');
    expect(JSON.stringify(read(text))).toBe(JSON.stringify(events));
  });

  it("writes a text again in full once its last copy is more than the window behind, and across batches of one file", () => {
    const events = [...oneEmit(1, TEXT), ...oneEmit(DUP_WINDOW + 10, TEXT)];
    const lines = createTraceLinesWriter();
    const text = `${JSON.stringify(header)}\n${lines(events.slice(0, 6))}${lines(events.slice(6))}`;
    expect(text.split(TEXT).length - 1).toBe(4);
    expect(JSON.stringify(read(text))).toBe(JSON.stringify(events));
  });

  it("keeps every prefix of a file readable: a copy only names earlier lines", () => {
    const events = [...oneEmit(1, TEXT), ...oneEmit(7, TEXT)];
    const lines = traceText(header, events).split("\n");
    for (let n = 2; n <= lines.length; n++) expect(read(lines.slice(0, n).join("\n"))).toEqual(events.slice(0, n - 1));
  });

  it.each([
    ["names a later event", { data: [9, "data"] }, /names event 9/],
    ["names an event it does not hold", { data: [1, "data"] }, /names data of event 1, which holds no long text/],
    ["names a field with no long text", { data: [2, "nsp"] }, /holds no long text/],
    ["is not an object", 5, /"dup" must be an object/],
    ["has a malformed place", { data: "2" }, /must be \[event id, field\]/],
    ["fills a field that is not a payload", { nsp: [2, "encoded"] }, /the field must be null|only args, bytes, data, encoded/],
  ])("refuses a copy that %s, at its line", (_what, dup, reason) => {
    const events = oneEmit(1, TEXT);
    const lines = traceText(header, events.slice(0, 3)).trimEnd().split("\n");
    lines[3] = JSON.stringify({ ...events[2], data: null, dup });
    const r = refusal(lines);
    expect(r.line).toBe(4);
    expect(r.reason).toMatch(reason);
  });

  it("refuses a copy of a copy, an index that is not a plain whole number, and a file that would restore far more text than it holds", () => {
    const events = oneEmit(1, TEXT);
    const lines = traceText(header, events).trimEnd().split("\n");
    // Event 3 (the client's engine packet) is written as a copy of event 2's encoded string.
    expect(JSON.parse(lines[3]!).dup).toEqual({ data: [2, "encoded"] });
    const chained = [...lines.slice(0, 4), JSON.stringify({ ...events[3], data: null, dup: { data: [3, "data"] } })];
    expect(refusal(chained)).toMatchObject({ line: 5, reason: expect.stringMatching(/itself a copy/) });
    const odd = [...lines.slice(0, 6), JSON.stringify({ ...events[5], args: [null], dup: { "args.0x0": [1, "args.0"] } })];
    expect(refusal(odd)).toMatchObject({ line: 7, reason: expect.stringMatching(/only args, bytes, data, encoded/) });
    // One long text, then thousands of short lines that each restore it: refused once the restored text outgrows the file.
    const big = "A".repeat(2 * 1024 * 1024);
    const flood = [JSON.stringify(header), JSON.stringify({ id: 1, t: 1, host: "server", layer: "engine", kind: "packet", dir: "in", type: "message", data: big })];
    for (let id = 2; id <= 120; id++) flood.push(JSON.stringify({ id, t: id, host: "server", layer: "engine", kind: "packet", dir: "in", type: "message", data: null, dup: { data: [1, "data"] } }));
    const r = refusal(flood);
    expect(r.reason).toMatch(/more than any trace holds/);
    expect(r.line).toBeGreaterThan(40);
    expect(r.line).toBeLessThan(120);
  });

  it("refuses a copy whose place in the file is not empty", () => {
    const events = oneEmit(1, TEXT);
    const lines = traceText(header, events.slice(0, 2)).trimEnd().split("\n");
    lines.push(JSON.stringify({ ...events[2], data: "something else", dup: { data: [2, "encoded"] } }));
    expect(refusal(lines)).toMatchObject({ line: 4, reason: expect.stringMatching(/must be null in the file/) });
  });
});
