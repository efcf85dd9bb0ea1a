// The recorder's window of recent events, kept as JSON text: what it gives back is what was
// recorded (as the trace file has it), bounded by events and by bytes, and `since` reads back
// only what it must.
import { describe, expect, it } from "vitest";
import { createTextWindow } from "../../../src/main/trace/text-window.js";
import { createRecorder } from "../../../src/main/trace/recorder.js";
import type { TraceEvent, TraceHeader } from "../../../src/shared/trace/types.js";

const header: TraceHeader = { format: "socketscope-trace", version: 1, createdAt: "2026-12-04T12:00:00.000Z", app: { name: "SocketScope", version: "0.1.0" } };

function data(id: number, bytes = "NDA="): TraceEvent {
  return { id, t: id / 10, layer: "tcp", kind: "data", host: "server", conn: "server/tcp1", dir: "in", offset: id * 2, length: 2, bytes, parents: [id - 1] };
}

/** Ids `from`..`to` in batches of `per`. */
function batches(from: number, to: number, per: number): TraceEvent[][] {
  const out: TraceEvent[][] = [];
  for (let id = from; id <= to; id += per) out.push(Array.from({ length: Math.min(per, to - id + 1) }, (_, i) => data(id + i)));
  return out;
}

describe("createTextWindow", () => {
  it("gives back the events it was given, equal field for field and in order, as copies", () => {
    const w = createTextWindow(100, 1 << 20);
    const all = batches(1, 30, 7);
    for (const b of all) w.add(b);
    const back = w.events();
    expect(back).toEqual(all.flat());
    expect(back[0]).not.toBe(all[0]![0]);
    expect(w.count).toBe(30);
    expect(w.bytes).toBe(all.reduce((n, b) => n + JSON.stringify(b).length, 0));
  });

  it("keeps the newest `size` events: whole batches go once the newer ones hold `size` without them", () => {
    const w = createTextWindow(10, 1 << 20);
    for (const b of batches(1, 40, 4)) w.add(b);
    expect(w.events().map((e) => e.id)).toEqual([31, 32, 33, 34, 35, 36, 37, 38, 39, 40]);
    // Batches 29–32 and 33–36 and 37–40 are kept (12 events); the window reads back 10.
    expect(w.count).toBe(12);
  });

  it("keeps at most `maxBytes` of JSON, dropping the oldest batches first", () => {
    const max = [8, 9, 10].reduce((n, id) => n + JSON.stringify([data(id)]).length, 0);
    const w = createTextWindow(1000, max);
    for (const b of batches(1, 10, 1)) w.add(b);
    expect(w.events().map((e) => e.id)).toEqual([8, 9, 10]);
    expect(w.bytes).toBe(max);
  });

  it("since(id): the events after `id` only, from the batch that holds it on", () => {
    const w = createTextWindow(1000, 1 << 20);
    for (const b of batches(1, 50, 6)) w.add(b);
    expect(w.since(44).map((e) => e.id)).toEqual([45, 46, 47, 48, 49, 50]);
    expect(w.since(0).length).toBe(50);
    expect(w.since(50)).toEqual([]);
    expect(w.since(1000)).toEqual([]);
  });

  it("leaves out an event JSON cannot hold, not its batch", () => {
    const w = createTextWindow(100, 1 << 20);
    const bad = data(2);
    (bad as unknown as { args: unknown }).args = [10n];
    w.add([data(1), bad, data(3)]);
    expect(w.events().map((e) => e.id)).toEqual([1, 3]);
  });
});

describe("the recorder's window", () => {
  it("recent() and since() read what was recorded, the pending events included", () => {
    let now = 0;
    const recorder = createRecorder({ header, clock: () => (now += 1), windowSize: 5 });
    for (let i = 1; i <= 8; i++) recorder.record({ layer: "lab", kind: "log", host: "server", text: `line ${i}` });
    recorder.flush();
    recorder.record({ layer: "lab", kind: "log", host: "server", text: "pending" });
    expect(recorder.recent().map((e) => e.id)).toEqual([5, 6, 7, 8, 9]);
    expect(recorder.since(7).map((e) => (e as { text?: string }).text)).toEqual(["line 8", "pending"]);
    expect(recorder.since(9)).toEqual([]);
    expect(recorder.recent()[4]).toMatchObject({ id: 9, layer: "lab", kind: "log", text: "pending" });
    recorder.close();
  });
});
