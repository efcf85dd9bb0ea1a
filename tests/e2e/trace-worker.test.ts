// The trace worker's module run in this process behind a stand-in for the Worker object (messages
// go through structuredClone, as postMessage would): a real lossy-tcp trace opened through it
// shows the same events, and its TCP model, pending first, equals the model computed on the main
// thread, event times and connections alike; a corrupt file is refused with line and reason.
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { fileURLToPath } from "node:url";
import { runScenarioToFile } from "../../src/main/cli/run-scenario.js";
import type { TraceEvent, TraceHeader } from "../../src/shared/trace/types.js";
import { createTraceStore, type TraceActions } from "../../src/renderer/src/store/trace-store.js";
import { serializeTrace } from "../../src/renderer/src/files/trace-file.js";
import { modelOfConn, selectTraceModel } from "../../src/renderer/src/selectors/tcp-model.js";
import { selectModelling } from "../../src/renderer/src/selectors/tcp-ladder.js";
import type { FromWorker, ToWorker } from "../../src/renderer/src/files/trace-worker-protocol.js";

const HEADER: TraceHeader = { format: "socketscope-trace", version: 1, createdAt: "2026-01-01T00:00:00.000Z", app: { name: "socketscope", version: "0" }, scenario: { id: "lossy-tcp", title: "TCP over a lossy link", seed: 1 } };
let events: TraceEvent[] = [];

// Loaded by path at run time: these modules use DOM types (Worker, JSX), which this Node project
// does not type-check; what the test uses of them is typed here.
const modulePath = (rel: string): string => fileURLToPath(new URL(rel, import.meta.url));
type OpenTraceFile = (file: File, actions: TraceActions, worker: unknown) => Promise<void>;
const openTraceFile: OpenTraceFile = async (...args) => {
  const m = (await import(modulePath("../../src/renderer/src/controls/file-controls.tsx"))) as { openTraceFile: OpenTraceFile };
  return m.openTraceFile(...args);
};

beforeAll(async () => {
  const run = await runScenarioToFile("lossy-tcp", undefined, { port: 0 });
  expect(run.error).toBeUndefined();
  events = run.events;
}, 60_000);

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
});

/** A Worker stand-in running the worker module in this process; counts the model requests. */
interface FakeWorker {
  onmessage: ((e: { data: FromWorker }) => void) | null;
  onerror: null;
  postMessage(m: ToWorker): void;
  terminate(): void;
}

async function fakeWorker(): Promise<{ worker: FakeWorker; asked: ToWorker[] }> {
  const asked: ToWorker[] = [];
  const scope: { onmessage: ((e: { data: ToWorker }) => void) | null; postMessage(m: FromWorker): void } = {
    onmessage: null,
    postMessage: (m) => setTimeout(() => worker.onmessage?.({ data: structuredClone(m) })),
  };
  const worker: FakeWorker = {
    onmessage: null,
    onerror: null,
    postMessage: (m) => {
      asked.push(structuredClone(m));
      setTimeout(() => scope.onmessage?.({ data: m }));
    },
    terminate: () => undefined,
  };
  vi.stubGlobal("self", scope);
  // A fresh module for each worker, bound to this scope.
  vi.resetModules();
  await import(modulePath("../../src/renderer/src/files/trace-worker.ts"));
  return { worker, asked };
}

const fileOf = (text: string): File => new File([text], "trace.ndjson");
const until = async (ok: () => boolean): Promise<void> => {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(ok()).toBe(true);
};

describe("the trace worker", () => {
  it("opens a real trace, and its TCP model (pending first) equals the main thread's", async () => {
    const { worker, asked } = await fakeWorker();
    const viaWorker = createTraceStore({ playing: false });
    await openTraceFile(fileOf(serializeTrace(HEADER, events)), viaWorker.actions, worker);
    expect(viaWorker.store.getState().file).toMatchObject({ kind: "loaded", events: events.length });
    expect(viaWorker.store.getState().trace.events).toEqual(events);
    // Opening runs no model; the first question does, in the worker.
    expect(asked.filter((m) => m.type === "model")).toHaveLength(0);
    viaWorker.actions.seek(events.length - 1, 0);
    expect(selectTraceModel(viaWorker.store.getState()).pending).toBe(true);
    expect(selectModelling(viaWorker.store.getState())).toBe(true);
    await until(() => !selectModelling(viaWorker.store.getState()));

    const here = createTraceStore({ playing: false });
    here.actions.loadTrace(HEADER, events);
    const expected = selectTraceModel(here.store.getState());
    expect(expected.error).toBeNull();
    const got = selectTraceModel(viaWorker.store.getState());
    expect(got.error).toBeNull();
    for (const e of events) expect(got.times.get(e.id)).toBe(expected.times.get(e.id));

    const conns = [...new Set(events.flatMap((e) => (e.conn === undefined ? [] : [e.conn])))];
    for (const c of conns) selectTraceModel(viaWorker.store.getState()).connection(c);
    await until(() => conns.every((c) => selectTraceModel(viaWorker.store.getState()).connection(c) !== "pending"));
    const final = selectTraceModel(viaWorker.store.getState());
    for (const c of conns) expect(modelOfConn(final, c)).toEqual(modelOfConn(expected, c));
    expect(conns.some((c) => modelOfConn(final, c) !== undefined)).toBe(true);
    expect(asked.filter((m) => m.type === "model")).toHaveLength(1);
  });

  // The kinds of corruption of the Node reader's tests (tests/main/trace) and more: a file read
  // through the worker is refused with the message of the main thread's own reading.
  const header = JSON.stringify(HEADER);
  const host = (id: number, extra: object = {}): string => JSON.stringify({ id, t: id, host: "server", layer: "lab", kind: "host", role: "server", label: "s", ips: ["127.0.0.1"], ...extra });
  const corrupt: [string, string, string | null][] = [
    ["not JSON", [header, host(1), "{not json", ""].join("\n"), "Line 3 is not valid JSON."],
    ["a header that is not JSON", ["{pcap", host(1)].join("\n"), "Line 1 is not JSON: this does not look like a SocketScope trace (NDJSON)."],
    // Not refused (one reader for Node and the page): blank lines are skipped, a cut last line left out.
    ["a blank line 1 before content", ["", header, host(1)].join("\n"), null],
    ["a wrong format", JSON.stringify({ format: "pcap", version: 1 }), 'Line 1 (header): not a SocketScope trace (format is "pcap", expected "socketscope-trace").'],
    ["a wrong version", header.replace('"version":1', '"version":2'), "Line 1 (header): unsupported trace version 2 (this app reads version 1)."],
    ["a header without createdAt", JSON.stringify({ ...HEADER, createdAt: undefined }), 'Line 1 (header): missing field "createdAt".'],
    ["a missing field", [header, JSON.stringify({ id: 1, t: 0, layer: "lab", kind: "host" })].join("\n"), 'Line 2: missing field "host".'],
    ["a mistyped field", [header, host(1, { t: "soon" })].join("\n"), 'Line 2: field "t" must be a number.'],
    ["ids not increasing", [header, host(2), host(2)].join("\n"), "Line 3: ids must increase (id 2 follows 2)."],
    ["a missing parent", [header, host(1), host(2, { parents: [7] })].join("\n"), "Line 3: parent id 7 does not exist earlier in the trace."],
    ["an unknown layer", [header, host(1, { layer: "ip" })].join("\n"), null],
    ["an unknown kind", [header, host(1, { kind: "teleport" })].join("\n"), 'Line 2: unknown kind "teleport" for layer "lab".'],
    ["an Object.prototype kind", [header, host(1, { kind: "constructor" })].join("\n"), 'Line 2: unknown kind "constructor" for layer "lab".'],
    ["bad tcp data", [header, JSON.stringify({ id: 1, t: 0, host: "c", layer: "tcp", kind: "data", conn: "c/tcp1", dir: "out", offset: 0, length: 2 })].join("\n"), 'Line 2: missing field "bytes".'],
    ["a __proto__ key", [header, '{"__proto__":{"polluted":true},"id":1,"t":0,"host":"s","layer":"lab","kind":"error","message":"x"}'].join("\n"), 'Line 2: field "__proto__" is not allowed.'],
    ["an array for an event", [header, "[1]"].join("\n"), "Line 2: an event must be a JSON object."],
    ["an empty file", "", "The file is empty: a trace starts with a header line."],
    ["only blank lines", "\n \n", "The file is empty: a trace starts with a header line."],
    ["a bad last line without a newline", [header, host(1), '{"id":'].join("\n"), null],
    // Not refused by the renderer (blank lines are skipped): the same either way.
    ["an empty line", [header, "", host(1), ""].join("\n"), null],
  ];
  it.each(corrupt)("refuses a file with %s as the main thread does", async (name, text, message) => {
    const open = async (worker: boolean) => {
      const { store, actions } = createTraceStore({ playing: false });
      await openTraceFile(fileOf(text), actions, worker ? (await fakeWorker()).worker : null);
      return store.getState();
    };
    const viaWorker = await open(true);
    const onThread = await open(false);
    expect(viaWorker.file).toEqual(onThread.file);
    expect(viaWorker.trace.events).toEqual(onThread.trace.events);
    if (message !== null) expect(viaWorker.file).toEqual({ kind: "error", name: "trace.ndjson", message });
    else if (name === "an empty line" || name === "a blank line 1 before content") expect(viaWorker.file).toMatchObject({ kind: "loaded", events: 1 });
    else if (name === "a bad last line without a newline") expect(viaWorker.file).toEqual({ kind: "loaded", name: "trace.ndjson", events: 1, torn: 3 });
    else expect(viaWorker.file).toMatchObject({ kind: "error", message: expect.stringMatching(/^Line 2: field "layer" must be one of /) as unknown });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses a bad line cut by the worker's 8 MB reads, and one just after the cut, with the main thread's line number", async () => {
    const lines = [header];
    let size = header.length + 1;
    for (let id = 1; size < (8 << 20) + 200_000; id++) {
      const l = host(id, { label: `host ${id}` });
      lines.push(l);
      size += l.length + 1;
    }
    // The line holding byte 8 MB, and the first line that starts after it.
    let at = 0;
    let cut = 0;
    while (at + lines[cut]!.length + 1 <= 8 << 20) at += lines[cut++]!.length + 1;
    const open = async (text: string, worker: boolean) => {
      const { store, actions } = createTraceStore({ playing: false });
      await openTraceFile(fileOf(text), actions, worker ? (await fakeWorker()).worker : null);
      return store.getState().file;
    };
    for (const [i, bad, message] of [
      [cut, host(cut - 1), `Line ${cut + 1}: ids must increase (id ${cut - 1} follows ${cut - 1}).`],
      [cut + 1, host(cut + 1, { parents: [1e9] }), `Line ${cut + 2}: parent id 1000000000 does not exist earlier in the trace.`],
    ] as const) {
      const copy = [...lines];
      copy[i] = bad;
      const refused = { kind: "error", name: "trace.ndjson", message };
      expect(await open(copy.join("\n"), true)).toEqual(refused);
      expect(await open(copy.join("\n"), false)).toEqual(refused);
    }
    expect(await open(lines.join("\n"), true)).toMatchObject({ kind: "loaded", events: lines.length - 1 });
  }, 60_000);

  it("refuses a corrupt file with the line and the reason, as on the main thread", async () => {
    const { worker } = await fakeWorker();
    const lines = serializeTrace(HEADER, events).split("\n");
    lines[5] = lines[5]!.slice(0, 20);
    const { store, actions } = createTraceStore({ playing: false });
    await openTraceFile(fileOf(lines.join("\n")), actions, worker);
    expect(store.getState().file).toEqual({ kind: "error", name: "trace.ndjson", message: "Line 6 is not valid JSON." });
    const onThread = createTraceStore({ playing: false });
    await openTraceFile(fileOf(lines.join("\n")), onThread.actions, null);
    expect(onThread.store.getState().file).toEqual(store.getState().file);
  });

  it("reads non-ASCII text and invalid UTF-8 to the same events as the main thread, and errors on the same lines", async () => {
    // "…", "é", an astral emoji, then a truncated sequence and a 0xFF byte (U+FFFD each when decoded).
    const step = events.findIndex((e) => e.layer === "lab" && e.kind === "step");
    expect(step).toBeGreaterThanOrEqual(0);
    const marked = events.map((e, i) => (i === step ? { ...e, narration: "wait… café · 🌍 @@ and @@" } : e)) as TraceEvent[];
    const text = serializeTrace(HEADER, marked);
    const [before, ...after] = text.split("@@");
    const enc = new TextEncoder();
    const bytes = (t: string): Uint8Array[] => [enc.encode(before!), Uint8Array.from([0xe2, 0x80]), enc.encode(after[0]!), Uint8Array.from([0xff]), enc.encode(t)];
    const open = async (parts: Uint8Array[], worker: boolean) => {
      const { store, actions } = createTraceStore({ playing: false });
      await openTraceFile(new File(parts, "trace.ndjson"), actions, worker ? (await fakeWorker()).worker : null);
      return store.getState();
    };
    const good = bytes(after[1]!);
    const viaWorker = await open(good, true);
    const onThread = await open(good, false);
    expect(viaWorker.file).toMatchObject({ kind: "loaded", events: events.length });
    expect(viaWorker.trace.events).toEqual(onThread.trace.events);
    const narrations = viaWorker.trace.events.flatMap((e) => (e.layer === "lab" && e.kind === "step" ? [e.narration] : []));
    expect(narrations).toContain("wait… café · 🌍 \uFFFD and \uFFFD");

    // "…" outside a string literal, after those lines: not JSON, on the same line either way.
    const lines = after[1]!.split("\n");
    lines[3] = `${lines[3]}…`;
    const bad = bytes(lines.join("\n"));
    const line = text.slice(0, text.indexOf(after[1]!)).split("\n").length + 3;
    const refused = { kind: "error", name: "trace.ndjson", message: `Line ${line} is not valid JSON.` };
    expect((await open(bad, true)).file).toEqual(refused);
    expect((await open(bad, false)).file).toEqual(refused);
  });

  it("a file opened while another is still loading wins: the earlier one stops and shows nothing", async () => {
    const { store, actions } = createTraceStore({ playing: false });
    const big = serializeTrace(HEADER, Array.from({ length: 40 }, (_, r) => events.map((e) => ({ ...e, id: e.id + r * 100_000, parents: e.parents?.map((p) => p + r * 100_000) }))).flat());
    const small = serializeTrace(HEADER, events.slice(0, 10));
    // One part per line: the stream reads them one at a time, so the small file ends first.
    const first = openTraceFile(new File(big.split(/(?<=\n)/), "big.ndjson"), actions, null);
    const second = openTraceFile(new File([small], "small.ndjson"), actions, null);
    await Promise.all([first, second]);
    expect(store.getState().file).toMatchObject({ kind: "loaded", name: "small.ndjson", events: 10 });
    expect(store.getState().trace.events).toHaveLength(10);
  });

  it("a model worker that fails leaves an error, never 'Modelling…', also after the settings change", async () => {
    const { worker } = await fakeWorker();
    const { store, actions } = createTraceStore({ playing: false });
    await openTraceFile(fileOf(serializeTrace(HEADER, events)), actions, worker);
    actions.seek(events.length - 1, 0);
    expect(selectModelling(store.getState())).toBe(true);
    (worker as unknown as { onerror: (e: { message: string; preventDefault(): void }) => void }).onerror({ message: "out of memory", preventDefault: () => undefined });
    expect(selectModelling(store.getState())).toBe(false);
    expect(selectTraceModel(store.getState()).error).toMatch(/worker failed: out of memory/);
    actions.setNetwork({ loss: 0.3 });
    expect(selectModelling(store.getState())).toBe(false);
    expect(selectTraceModel(store.getState()).error).toMatch(/worker failed/);
  });
});
