// Trace files: each kind of malformed file is refused with its line and reason, never half-loaded.
import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readTraceFile, TraceFileError } from "../../../src/main/trace/trace-reader.js";
import { createRecorder } from "../../../src/main/trace/recorder.js";

const dir = mkdtempSync(join(tmpdir(), "ss-trace-"));
const header = JSON.stringify({ format: "socketscope-trace", version: 1, createdAt: "2026-11-27T12:00:00.000Z", app: { name: "SocketScope", version: "0.1.0" } });
const host = (id: number, extra: object = {}) => JSON.stringify({ id, t: id, host: "server", layer: "lab", kind: "host", role: "server", label: "s", ips: ["127.0.0.1"], ...extra });

function file(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}

async function refusal(path: string): Promise<{ line: number; reason: string }> {
  try {
    await readTraceFile(path);
  } catch (err) {
    expect(err).toBeInstanceOf(TraceFileError);
    return { line: (err as TraceFileError).line, reason: (err as TraceFileError).reason };
  }
  throw new Error("the file was accepted");
}

describe("trace reader", () => {
  it("reads a valid file", async () => {
    const trace = await readTraceFile(file("ok.ndjson", [header, host(1), host(2, { parents: [1] })]));
    expect(trace.events.map((e) => e.id)).toEqual([1, 2]);
  });

  it.each([
    ["not JSON", [header, host(1), "{not json"], 3, /not JSON/],
    ["wrong format", [JSON.stringify({ format: "pcap", version: 1 })], 1, /not a SocketScope trace/],
    ["wrong version", [header.replace('"version":1', '"version":2')], 1, /unsupported trace version 2/],
    ["missing field", [header, JSON.stringify({ id: 1, t: 0, layer: "lab", kind: "host" })], 2, /missing field "host"/],
    ["mistyped field", [header, host(1, { t: "soon" })], 2, /field "t" must be a number/],
    ["ids not increasing", [header, host(2), host(2)], 3, /ids must increase/],
    ["missing parent", [header, host(1), host(2, { parents: [7] })], 3, /parent id 7 does not exist/],
    ["unknown layer", [header, host(1, { layer: "ip" })], 2, /field "layer" must be one of/],
    ["unknown kind", [header, host(1, { kind: "teleport" })], 2, /unknown kind "teleport"/],
    ["bad tcp data", [header, JSON.stringify({ id: 1, t: 0, host: "c", layer: "tcp", kind: "data", conn: "c/tcp1", dir: "out", offset: 0, length: 2 })], 2, /missing field "bytes"/],
    ["__proto__ key", [header, '{"__proto__":{"polluted":true},"id":1,"t":0,"host":"s","layer":"lab","kind":"error","message":"x"}'], 2, /__proto__/],
    ["tcp bytes not base64", [header, JSON.stringify({ id: 1, t: 0, host: "c", layer: "tcp", kind: "data", conn: "c/tcp1", dir: "out", offset: 0, length: 2, bytes: "a*==" })], 2, /not valid base64/],
    ["tcp length not the bytes'", [header, JSON.stringify({ id: 1, t: 0, host: "c", layer: "tcp", kind: "data", conn: "c/tcp1", dir: "out", offset: 0, length: 3, bytes: "aGk=" })], 2, /holds 2 bytes, but "length" says 3/],
    [
      "tcp bytes with a gap",
      [header, JSON.stringify({ id: 1, t: 0, host: "c", layer: "tcp", kind: "data", conn: "c/tcp1", dir: "out", offset: 0, length: 2, bytes: "aGk=" }), JSON.stringify({ id: 2, t: 0, host: "c", layer: "tcp", kind: "data", conn: "c/tcp1", dir: "out", offset: 3, length: 2, bytes: "aGk=" })],
      3,
      /must be contiguous: offset 3, expected 2/,
    ],
    ["a port out of range", [header, JSON.stringify({ id: 1, t: 0, host: "c", layer: "tcp", kind: "open", conn: "c/tcp1", local: { ip: "127.0.0.1", port: 70000 }, remote: { ip: "127.0.0.1", port: 1 } })], 2, /field "local"/],
  ])("refuses a file with %s, naming the line and the reason", async (_name, lines, line, reason) => {
    const r = await refusal(file(`${_name}.ndjson`.replace(/\W+/g, "-"), lines as string[]));
    expect(r.line).toBe(line);
    expect(r.reason).toMatch(reason as RegExp);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses a kind that is only an Object.prototype name", async () => {
    const r = await refusal(file("proto-kind.ndjson", [header, host(1, { kind: "constructor" })]));
    expect(r).toEqual({ line: 2, reason: 'unknown kind "constructor" for layer "lab"' });
  });

  it("reads CRLF, old-style CR and a last line without a line break", async () => {
    const path = join(dir, "line-ends.ndjson");
    writeFileSync(path, `${header}\r\n${host(1)}\r\n${host(2)}\r${host(3)}\n${host(4)}`);
    expect((await readTraceFile(path)).events.map((e) => e.id)).toEqual([1, 2, 3, 4]);
  });

  it("keeps multi-byte text whole across read chunks, and counts lines across them", async () => {
    // About 600 KB: several 64 KB reads, each boundary somewhere inside a line.
    const labels = Array.from({ length: 4000 }, (_, i) => `host ${i} … é ✓ 🧪 ${"x".repeat(i % 97)}`);
    const lines = [header, ...labels.map((label, i) => host(i + 1, { label }))];
    const trace = await readTraceFile(file("utf8.ndjson", lines));
    expect(trace.events.map((e) => (e as { label: string }).label)).toEqual(labels);
    // ASCII-only chunks are decoded another way: the same file without the symbols reads the same.
    const ascii = labels.map((l) => l.replace(/[^\x00-\x7f]/g, "-"));
    const plain = await readTraceFile(file("ascii.ndjson", [header, ...ascii.map((label, i) => host(i + 1, { label }))]));
    expect(plain.events.map((e) => (e as { label: string }).label)).toEqual(ascii);
    const bad = [...lines.slice(0, 3001), host(3000), ...lines.slice(3002)];
    expect(await refusal(file("late-error.ndjson", bad))).toEqual({ line: 3002, reason: "ids must increase (id 3000 follows 3000)" });
  });

  it("reads a file cut in its last line up to its last complete line, and says it was cut", async () => {
    const path = join(dir, "torn.ndjson");
    writeFileSync(path, `${header}\n${host(1)}\n${host(2)}\n${host(3).slice(0, 20)}`);
    const trace = await readTraceFile(path);
    expect(trace.events.map((e) => e.id)).toEqual([1, 2]);
    expect(trace.torn).toEqual({ line: 4, length: 20 });
    // a complete last line without its break is read, and is not torn
    writeFileSync(path, `${header}\n${host(1)}`);
    expect(await readTraceFile(path)).toEqual({ header: JSON.parse(header), events: [JSON.parse(host(1))] });
  });

  it("refuses an empty file and a missing one", async () => {
    writeFileSync(join(dir, "empty.ndjson"), "");
    expect((await refusal(join(dir, "empty.ndjson"))).reason).toMatch(/empty/);
    expect((await refusal(join(dir, "nope.ndjson"))).reason).toMatch(/no such file/);
  });

  it("appends as it records, so what was flushed is on disk before the recorder closes", async () => {
    const path = join(dir, "live.ndjson");
    const rec = createRecorder({ header: JSON.parse(header), file: path });
    rec.record({ layer: "lab", kind: "host", host: "server", role: "server", label: "s", ips: ["127.0.0.1"] });
    rec.flush();
    const live = await readTraceFile(path);
    expect(live.events).toHaveLength(1);
    rec.close();
  });
});

describe("recorder and a crash", () => {
  it("keeps every recorded event when the process dies of an uncaught exception", async () => {
    const { spawnSync } = await import("node:child_process");
    const path = join(dir, "crash.ndjson");
    const script = `
      import { createRecorder } from "./src/main/trace/recorder.ts";
      const rec = createRecorder({ header: ${header}, file: ${JSON.stringify(path)} });
      for (let i = 0; i < 100; i++) rec.record({ layer: "lab", kind: "error", host: "server", message: "event " + i });
      throw new Error("boom");`;
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8" });
    expect(r.status).not.toBe(0);
    const trace = await readTraceFile(path);
    expect(trace.events).toHaveLength(100);
  });
});
