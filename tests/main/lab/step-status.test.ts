// @vitest-environment node
// The lab's status names where each step starts and ends in the trace, and is published to every
// listener as a step starts and as it settles; lessons other than the heartbeat ping rarely.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { LabStatus, TraceBatch } from "../../../src/shared/lab-api.js";
import type { TraceEvent } from "../../../src/shared/trace/types.js";
import { createLabService, type LabService } from "../../../src/main/lab/lab-service.js";
import { LESSON_PING } from "../../../src/main/lab/scenarios/runner.js";

describe("step status", () => {
  let service: LabService | undefined;
  afterEach(async () => {
    await service?.dispose();
    service = undefined;
  });

  it("publishes the step's marker id when it starts and its last event id when it settles, to every listener", async () => {
    service = createLabService({ port: 0 });
    const events: TraceEvent[] = [];
    service.onTrace((b: TraceBatch) => events.push(...b.events));
    const seen: [LabStatus[], LabStatus[]] = [[], []];
    service.onStatus((s) => seen[0].push(s));
    service.onStatus((s) => seen[1].push(s));
    await service.startScenario("hello-ack");
    const settled = await service.nextStep();

    for (const list of seen) {
      const running = list.find((s) => s.state === "running");
      expect(running, "a status while the step runs").toBeDefined();
      expect(running!.step).toBe(0);
      expect(running!.stepStart).toBeTypeOf("number");
      expect(running!.stepEnd).toBeUndefined();
      expect(list.at(-1)).toEqual(settled);
    }
    const marker = events.find((e) => e.id === settled.stepStart);
    expect(marker).toMatchObject({ layer: "lab", kind: "step", index: 0 });
    expect(settled.stepEnd).toBeGreaterThan(settled.stepStart!);
    // The step's own events are all in: the client's upgrade to WebSocket happened before it settled.
    const upgrade = events.find((e) => e.layer === "wire" && e.kind === "ws-upgrade");
    expect(upgrade!.id).toBeLessThanOrEqual(settled.stepEnd!);
    // And the open packet carries the lesson's long ping interval.
    const open = events.find((e) => e.layer === "engine" && e.kind === "packet" && e.type === "open");
    expect(open && open.layer === "engine" ? open.data : "").toContain(`"pingInterval":${LESSON_PING.pingInterval}`);

    const second = await service.nextStep();
    expect(second.step).toBe(1);
    expect(second.stepStart).toBeGreaterThan(settled.stepEnd!);
  }, 30_000);

  it("keeps the heartbeat lesson's own short interval", async () => {
    service = createLabService({ port: 0 });
    const events: TraceEvent[] = [];
    service.onTrace((b) => events.push(...b.events));
    await service.startScenario("heartbeat");
    await service.nextStep();
    const open = events.find((e) => e.layer === "engine" && e.kind === "packet" && e.type === "open");
    expect(open && open.layer === "engine" ? open.data : "").toContain('"pingInterval":1000');
  }, 30_000);

  it("streams the trace the lab's capture worker writes: the reset's header is the file's, every event once, in order; a step asked for while the lab starts runs once it is up", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ss-service-"));
    try {
      let runs = 0;
      service = createLabService({ port: 0, traceFile: (id) => join(dir, `${id}-${++runs}.ndjson`) });
      const batches: TraceBatch[] = [];
      service.onTrace((b) => batches.push(b));
      const started = service.startScenario("hello-ack");
      // Asked at once, as a page does when Next step is pressed right after Start.
      const [ready, stepped] = await Promise.all([started, service.nextStep()]);
      expect(ready.state).toBe("ready");
      expect(stepped.step).toBe(0);
      expect(await service.startScenario("hello-ack")).toMatchObject({ step: -1 });
      const second = batches.findIndex((b, i) => i > 0 && b.reset);
      const firstRun = batches.slice(0, second);
      expect(firstRun[0]).toMatchObject({ reset: true, events: [] });
      const live = firstRun.flatMap((b) => b.events);
      // The first run's lab is gone: its file is whole.
      const lines = readFileSync(join(dir, "hello-ack-1.ndjson"), "utf8").trim().split("\n");
      expect(JSON.parse(lines[0]!)).toEqual(firstRun[0]!.header);
      const written = lines.slice(1).map((l) => JSON.parse(l) as TraceEvent);
      expect(live.map((e) => e.id)).toEqual(written.map((e) => e.id));
      expect(live.map((e) => e.id)).toEqual(live.map((_, i) => i + 1));
      expect(live.some((e) => e.layer === "lab" && e.kind === "step" && e.index === 0)).toBe(true);
    } finally {
      await service?.dispose();
      service = undefined;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it("starts what was asked last (Start, Stop, Start runs; a start for another scenario is not joined), and a page that joins during a start begins the new trace", async () => {
    service = createLabService({ port: 0 });
    await service.startScenario("hello-ack");
    // A window opened while the next start is under way.
    const first = service.startScenario("rooms");
    const joined: TraceBatch[] = [];
    service.onTrace((b) => joined.push(b));
    const stopped = service.stop();
    const again = service.startScenario("rooms");
    await Promise.all([first, stopped]);
    const last = await again;
    expect(last).toMatchObject({ scenario: "rooms", state: "ready" });
    expect((await service.getStatus()).state).toBe("ready");
    // The joining window: each trace begins with its reset, ids once each, the old trace's events never in the new one.
    expect(joined[0]).toMatchObject({ reset: true });
    const traces: { scenario: string | undefined; events: TraceEvent[] }[] = [];
    for (const b of joined) {
      if (b.reset) traces.push({ scenario: b.header?.scenario?.id, events: [] });
      traces[traces.length - 1]!.events.push(...b.events);
    }
    for (const t of traces) expect(new Set(t.events.map((e) => e.id)).size).toBe(t.events.length);
    const current = traces[traces.length - 1]!;
    expect(current.scenario).toBe("rooms");
    expect(current.events.map((e) => e.id)).toEqual(current.events.map((_, i) => i + 1));
    // A window opened once the start has begun (the status names the new scenario) begins the new trace, not the old one.
    const third = service.startScenario("hello-ack", { seed: 2 });
    while ((await service.getStatus()).scenario !== "hello-ack") await new Promise((r) => setTimeout(r, 5));
    const late: TraceBatch[] = [];
    service.onTrace((b) => late.push(b));
    await third;
    expect(late[0]).toMatchObject({ reset: true });
    expect(late[0]!.header?.scenario).toMatchObject({ id: "hello-ack", seed: 2 });
    const other = service.startScenario("hello-ack");
    const mixed = service.startScenario("rooms");
    await other;
    expect(await mixed).toMatchObject({ scenario: "rooms" });
  }, 60_000);
});
