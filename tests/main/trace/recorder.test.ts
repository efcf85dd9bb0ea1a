// The recorder: `stamp` (in place, for the capture's hot path) gives the same trace line as
// `record` (a stamped copy), ids in order across both.
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRecorder } from "../../../src/main/trace/recorder.js";
import type { TraceEvent, TraceHeader } from "../../../src/shared/trace/types.js";

const header: TraceHeader = { format: "socketscope-trace", version: 1, createdAt: "2026-11-27T12:00:00.000Z", app: { name: "SocketScope", version: "0.1.0" } };

describe("createRecorder", () => {
  it("stamps in place with the same line record writes", () => {
    const file = join(mkdtempSync(join(tmpdir(), "ss-rec-")), "t.ndjson");
    let now = 0;
    const recorder = createRecorder({ header, file, clock: () => (now += 1.5) });
    const batches: TraceEvent[][] = [];
    recorder.subscribe((b) => batches.push(b));
    const fields = { layer: "tcp", kind: "data", host: "server", conn: "server/tcp1", dir: "in", offset: 0, length: 2, bytes: "NDA=", parents: [1] } as const;
    expect(recorder.record({ ...fields, parents: [...fields.parents] })).toBe(1);
    const built: TraceEvent = { id: 0, t: 0, ...fields, parents: [...fields.parents] };
    expect(recorder.stamp(built)).toBe(2);
    recorder.close();
    const events = batches.flat();
    expect(events[1]).toBe(built);
    const lines = readFileSync(file, "utf8").trim().split("\n").slice(1);
    expect(lines).toEqual([
      '{"id":1,"t":1.5,"layer":"tcp","kind":"data","host":"server","conn":"server/tcp1","dir":"in","offset":0,"length":2,"bytes":"NDA=","parents":[1]}',
      '{"id":2,"t":3,"layer":"tcp","kind":"data","host":"server","conn":"server/tcp1","dir":"in","offset":0,"length":2,"bytes":"NDA=","parents":[1]}',
    ]);
    expect(recorder.recent().map((e) => e.id)).toEqual([1, 2]);
  });
});

describe("the recorder's clock", () => {
  it("never goes back: an event given an earlier time than one already stamped gets that one's time", () => {
    let now = 0;
    const recorder = createRecorder({ header, clock: () => (now += 1) });
    // A capture in a worker stamps its own event with its clock, then applies a record from a moment before.
    recorder.record({ layer: "lab", kind: "log", host: "server", text: "a sweep, worker's clock" }, 410.376);
    recorder.record({ layer: "lab", kind: "log", host: "server", text: "a record from a moment before" }, 409.877);
    const built: TraceEvent = { id: 0, t: 0, layer: "lab", kind: "log", host: "server", text: "stamped" };
    recorder.stamp(built, 400);
    recorder.record({ layer: "lab", kind: "log", host: "server", text: "later" }, 411);
    expect(recorder.recent().map((e) => e.t)).toEqual([410.376, 410.376, 410.376, 411]);
    recorder.close();
  });
});

describe("the recorder's window", () => {
  it("recent() keeps the newest `windowSize`; since(id) gives what came after an event, the pending events included", () => {
    let now = 0;
    const recorder = createRecorder({ header, clock: () => (now += 1), windowSize: 5 });
    for (let i = 1; i <= 8; i++) recorder.record({ layer: "lab", kind: "log", host: "server", text: `line ${i}` });
    recorder.flush();
    recorder.record({ layer: "lab", kind: "log", host: "server", text: "pending" });
    expect(recorder.recent().map((e) => e.id)).toEqual([5, 6, 7, 8, 9]);
    expect(recorder.since(7).map((e) => (e as { text?: string }).text)).toEqual(["line 8", "pending"]);
    expect(recorder.since(8).map((e) => e.id)).toEqual([9]);
    expect(recorder.since(9)).toEqual([]);
    expect(recorder.since(0).map((e) => e.id)).toEqual([5, 6, 7, 8, 9]);
    expect(recorder.since(3)).toEqual(recorder.recent());
    recorder.close();
  });
});
