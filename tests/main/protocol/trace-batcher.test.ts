// @vitest-environment node
// The one trace batcher (IPC and web mode): batches are coalesced to at most one message per
// 16 ms, a reset drops what waited, long backlogs go out in slices, nothing goes out while the
// receiver is busy; driven here by a hand-moved clock. Also Electron's ready queue.

import { describe, expect, it } from "vitest";
import { createOutbox } from "../../../src/main/electron/outbox.js";
import { createTraceBatcher } from "../../../src/main/protocol/trace-batcher.js";
import type { LabStatus, TraceBatch } from "../../../src/shared/lab-api.js";
import type { TraceEvent, TraceHeader } from "../../../src/shared/trace/types.js";
import { FakeTimer } from "../electron/fakes.js";

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
    box.post("shell:request", { type: "toggle-presenter" });
    box.post("shell:request", { type: "save-trace" });
    expect(sent).toEqual([]);
    expect(box.queued).toBe(2);
    box.markReady();
    expect(sent).toEqual([
      ["shell:request", { type: "toggle-presenter" }],
      ["shell:request", { type: "save-trace" }],
    ]);
    box.post("shell:request", { type: "next-step" });
    expect(sent).toHaveLength(3);
  });

  it("keeps only the newest status while waiting", () => {
    const { box, sent } = outbox();
    box.post("lab:status", status(0));
    box.post("shell:request", { type: "next-step" });
    box.post("lab:status", status(1));
    expect(box.queued).toBe(2);
    box.markReady();
    expect(sent).toEqual([
      ["shell:request", { type: "next-step" }],
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

describe("the trace batcher", () => {
  function batcher(intervalMs = 16, more: { maxEvents?: number; busy?: () => boolean } = {}) {
    const timer = new FakeTimer();
    const sent: TraceBatch[] = [];
    return { b: createTraceBatcher({ send: (x) => sent.push(x), timer, intervalMs, ...more }), timer, sent };
  }

  it("a reset drops what was pending, and a huge backlog goes out in slices, the reset first", () => {
    const { b, timer, sent } = batcher(16, { maxEvents: 100 });
    b.push({ events: [ev(1)] });
    b.push({ reset: true, header, events: Array.from({ length: 250 }, (_, i) => ev(i + 10)) });
    timer.advance(100);
    expect(sent.map((x) => x.events.length)).toEqual([100, 100, 50]);
    expect(sent.map((x) => x.reset === true)).toEqual([true, false, false]);
    expect(sent[0]?.header).toEqual(header);
    expect(sent.flatMap((x) => x.events.map((e) => e.id))).toEqual(Array.from({ length: 250 }, (_, i) => i + 10));
  });

  it("sends nothing while the receiver is busy, then all of it, merged", () => {
    let busy = true;
    const { b, timer, sent } = batcher(16, { busy: () => busy });
    b.push({ events: [ev(1)] });
    timer.advance(50);
    b.push({ events: [ev(2)] });
    timer.advance(50);
    expect(sent).toEqual([]);
    expect(b.pending).toBe(2);
    busy = false;
    timer.advance(16);
    expect(sent).toEqual([{ events: [ev(1), ev(2)] }]);
    expect(b.pending).toBe(0);
  });

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
    const b = createTraceBatcher({ send: (x) => {
        sent.push(x);
        sentAt.push(timer.now());
      }, timer, intervalMs: 16 });
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
