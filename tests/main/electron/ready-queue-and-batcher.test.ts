// @vitest-environment node
// Messages to the renderer wait for `lab:ready` (and again after a reload); trace batches are
// coalesced to at most one message per 16 ms, driven here by a hand-moved clock.

import { describe, expect, it } from "vitest";
import { createOutbox } from "../../../src/main/electron/outbox.js";
import { createTraceBatcher, mergeTraceBatches } from "../../../src/main/electron/trace-batcher.js";
import type { LabStatus, TraceBatch } from "../../../src/shared/lab-api.js";
import type { TraceEvent, TraceHeader } from "../../../src/shared/trace/types.js";
import { FakeTimer } from "./fakes.js";

const ev = (id: number): TraceEvent => ({ id, t: id, host: "server", layer: "lab", kind: "fault", fault: "x" });
const header: TraceHeader = { format: "socketscope-trace", version: 1, createdAt: "2025-01-01T00:00:00Z", app: { name: "s", version: "0" } };
const status = (step: number): LabStatus => ({ state: "ready", step, steps: 5 });

describe("the ready queue", () => {
  function outbox() {
    const sent: [string, unknown][] = [];
    return { box: createOutbox((c, p) => sent.push([c, p])), sent };
  }

  it("sends nothing before lab:ready, then everything in order", () => {
    const { box, sent } = outbox();
    box.post("app:menu", { type: "presenter", on: true });
    box.post("trace:batch", { events: [ev(1)] });
    expect(sent).toEqual([]);
    expect(box.queued).toBe(2);
    box.markReady();
    expect(sent).toEqual([
      ["app:menu", { type: "presenter", on: true }],
      ["trace:batch", { events: [ev(1)] }],
    ]);
    box.post("trace:batch", { events: [ev(2)] });
    expect(sent).toHaveLength(3);
  });

  it("merges waiting trace batches and keeps only the newest status", () => {
    const { box, sent } = outbox();
    box.post("lab:status", status(0));
    box.post("trace:batch", { events: [ev(1)] });
    box.post("trace:batch", { events: [ev(2)] });
    box.post("lab:status", status(1));
    expect(box.queued).toBe(2);
    box.markReady();
    expect(sent).toEqual([
      ["trace:batch", { events: [ev(1), ev(2)] }],
      ["lab:status", status(1)],
    ]);
  });

  it("holds messages again after a reload until the new page is ready", () => {
    const { box, sent } = outbox();
    box.markReady();
    box.markNotReady();
    box.post("lab:status", status(2));
    expect(sent).toEqual([]);
    box.markReady();
    expect(sent).toEqual([["lab:status", status(2)]]);
  });
});

describe("merging trace batches", () => {
  it("concatenates events in order", () => {
    expect(mergeTraceBatches([{ events: [ev(1)] }, { events: [ev(2), ev(3)] }])).toEqual({ events: [ev(1), ev(2), ev(3)] });
  });

  it("drops what came before a reset, as the receiver would", () => {
    const merged = mergeTraceBatches([{ events: [ev(1)] }, { reset: true, header, events: [ev(5)] }, { events: [ev(6)] }]);
    expect(merged).toEqual({ reset: true, header, events: [ev(5), ev(6)] });
  });
});

describe("the trace batcher", () => {
  function batcher(intervalMs = 16) {
    const timer = new FakeTimer();
    const sent: TraceBatch[] = [];
    return { b: createTraceBatcher({ send: (x) => sent.push(x), timer, intervalMs }), timer, sent };
  }

  it("sends a burst pushed in one tick as one message", () => {
    const { b, timer, sent } = batcher();
    for (let i = 1; i <= 100; i++) b.push({ events: [ev(i)] });
    expect(sent).toHaveLength(0);
    timer.advance(0);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.events.map((e) => e.id)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it("never sends two messages less than 16 ms apart, and loses nothing", () => {
    const timer = new FakeTimer();
    const sentAt: number[] = [];
    const sent: TraceBatch[] = [];
    const b = createTraceBatcher({ send: (x) => (sent.push(x), sentAt.push(timer.now())), timer, intervalMs: 16 });
    let count = 0;
    // one event every 2 ms for a second
    for (let t = 0; t < 1000; t += 2) {
      b.push({ events: [ev(t)] });
      count++;
      timer.advance(2);
    }
    timer.advance(100);
    const gaps = sentAt.slice(1).map((t, i) => t - sentAt[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(16);
    expect(sent.length).toBeLessThanOrEqual(Math.ceil(1000 / 16) + 1);
    expect(sent.flatMap((s) => s.events).length).toBe(count);
  });

  it("sends a lone event promptly when the line has been quiet", () => {
    const { b, timer, sent } = batcher();
    timer.advance(1000);
    b.push({ events: [ev(1)] });
    timer.advance(0);
    expect(sent).toHaveLength(1);
  });

  it("flush sends now, dispose drops what waits", () => {
    const { b, timer, sent } = batcher();
    b.push({ events: [ev(1)] });
    b.flush();
    expect(sent).toHaveLength(1);
    b.push({ events: [ev(2)] });
    b.dispose();
    timer.advance(100);
    expect(sent).toHaveLength(1);
  });
});
