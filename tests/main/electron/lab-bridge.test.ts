// @vitest-environment node
// The bridge between the lab and the renderer: calls wait for the lab (which starts after the
// first paint), trace flows through the one batcher, which holds it until the page is ready and
// slices a long replay; main keeps no copy of the trace.

import { describe, expect, it, vi } from "vitest";
import { createLabBridge } from "../../../src/main/electron/lab-bridge.js";
import { createOutbox } from "../../../src/main/electron/outbox.js";
import type { LabApi, LabStatus, TraceBatch } from "../../../src/shared/lab-api.js";
import type { TraceEvent, TraceHeader } from "../../../src/shared/trace/types.js";
import { FakeTimer } from "./fakes.js";

const header: TraceHeader = { format: "socketscope-trace", version: 1, createdAt: "2025-01-01T00:00:00Z", app: { name: "s", version: "0" } };
const apiEvent = (id: number): TraceEvent => ({ id, t: id, host: "client-1", layer: "api", kind: "emit", nsp: "/", socketId: "a", event: "hello", args: [] } as unknown as TraceEvent);

/** A lab that keeps its trace and replays it (as a reset) to every new subscriber. */
function fakeLab() {
  const events: TraceEvent[] = [];
  const traceListeners = new Set<(b: TraceBatch) => void>();
  const statusListeners = new Set<(s: LabStatus) => void>();
  let status: LabStatus = { state: "idle", step: -1, steps: 0 };
  const lab = {
    listScenarios: vi.fn(async () => [{ id: "hello-ack", title: "Hello", summary: "", keyView: "Layers" as const, steps: [] }]),
    startScenario: vi.fn(async (id: string) => (status = { state: "ready", scenario: id, step: -1, steps: 3 })),
    nextStep: vi.fn(async () => status),
    restartScenario: vi.fn(async () => status),
    stop: vi.fn(async () => (status = { state: "idle", step: -1, steps: 0 })),
    command: vi.fn(async () => ({ ok: true, message: "" })),
    attach: vi.fn(async () => ({ ok: true, message: "" })),
    openToPeers: vi.fn(async () => ({ ok: true, message: "" })),
    getStatus: vi.fn(async () => status),
    onTrace(listener: (b: TraceBatch) => void) {
      listener({ reset: true, header, events: [...events] });
      traceListeners.add(listener);
      return () => void traceListeners.delete(listener);
    },
    onStatus(listener: (s: LabStatus) => void) {
      statusListeners.add(listener);
      return () => void statusListeners.delete(listener);
    },
  } satisfies LabApi;
  return {
    lab,
    record(...evs: TraceEvent[]) {
      events.push(...evs);
      for (const l of traceListeners) l({ events: evs });
    },
    setStatus(s: LabStatus) {
      status = s;
      for (const l of statusListeners) l(s);
    },
    traceListeners,
  };
}

function setup() {
  const timer = new FakeTimer();
  const sent: [string, unknown][] = [];
  const outbox = createOutbox(
    (c, p) => sent.push([c, p]),
    () => bridge.pageReady(),
  );
  const bridge = createLabBridge({ outbox, timer, maxEvents: 5000 });
  return { timer, sent, outbox, bridge, traces: () => sent.filter(([c]) => c === "trace:batch").map(([, p]) => p as TraceBatch) };
}

describe("the lab bridge", () => {
  it("holds calls until the lab is attached (after first paint)", async () => {
    const { bridge } = setup();
    const f = fakeLab();
    let answered = false;
    const pending = bridge.handlers.listScenarios().then((r) => {
      answered = true;
      return r;
    });
    await Promise.resolve();
    expect(answered).toBe(false);
    bridge.attach(f.lab);
    await expect(pending).resolves.toEqual([{ id: "hello-ack", title: "Hello", summary: "", keyView: "Layers" as const, steps: [] }]);
  });

  it("forwards the replay and live events in batches once the renderer is ready", async () => {
    const { bridge, outbox, timer, traces } = setup();
    const f = fakeLab();
    f.record(apiEvent(1));
    bridge.attach(f.lab);
    await bridge.handlers.onTrace();
    f.record(apiEvent(2));
    f.record(apiEvent(3));
    timer.advance(16);
    expect(traces()).toEqual([]); // not ready yet
    outbox.markReady();
    expect(traces()).toEqual([{ reset: true, header, events: [apiEvent(1), apiEvent(2), apiEvent(3)] }]);
  });

  it("re-subscribing replays (reset) without leaving the old subscription behind", async () => {
    const { bridge, outbox, timer, traces } = setup();
    const f = fakeLab();
    bridge.attach(f.lab);
    outbox.markReady();
    await bridge.handlers.onTrace();
    await bridge.handlers.onTrace();
    expect(f.traceListeners.size).toBe(1); // the page's only: main keeps no copy
    f.record(apiEvent(1));
    timer.advance(16);
    expect(traces().at(-1)).toEqual({ reset: true, header, events: [apiEvent(1)] });
  });

  it("sends the current status on subscription and every change after", async () => {
    const { bridge, outbox, sent } = setup();
    const f = fakeLab();
    bridge.attach(f.lab);
    outbox.markReady();
    await bridge.handlers.onStatus();
    f.setStatus({ state: "running", step: 0, steps: 3 });
    expect(sent.filter(([c]) => c === "lab:status").map(([, s]) => (s as LabStatus).state)).toEqual(["idle", "running"]);
  });

  it("sends a long replay (a reload) in slices, the first one a reset", async () => {
    const { bridge, outbox, timer, traces } = setup();
    const f = fakeLab();
    f.record(...Array.from({ length: 12_000 }, (_, i) => apiEvent(i + 1)));
    bridge.attach(f.lab);
    outbox.markReady();
    await bridge.handlers.onTrace();
    timer.advance(100);
    expect(traces().map((b) => b.events.length)).toEqual([5000, 5000, 2000]);
    expect(traces().map((b) => b.reset === true)).toEqual([true, false, false]);
    expect(traces().flatMap((b) => b.events.map((e) => e.id))).toEqual(Array.from({ length: 12_000 }, (_, i) => i + 1));
  });

  it("holds the trace again while the page reloads, and sends it when the new page is ready", async () => {
    const { bridge, outbox, timer, traces } = setup();
    const f = fakeLab();
    bridge.attach(f.lab);
    outbox.markReady();
    await bridge.handlers.onTrace();
    timer.advance(16);
    const before = traces().length;
    outbox.markNotReady();
    f.record(apiEvent(7));
    timer.advance(100);
    expect(traces()).toHaveLength(before);
    outbox.markReady();
    expect(traces().at(-1)).toEqual({ events: [apiEvent(7)] });
  });

  it("unsubscribes everything on dispose", async () => {
    const { bridge } = setup();
    const f = fakeLab();
    bridge.attach(f.lab);
    await bridge.handlers.onTrace();
    bridge.dispose();
    expect(f.traceListeners.size).toBe(0);
  });
});
