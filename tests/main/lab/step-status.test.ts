// @vitest-environment node
// The lab's status names where each step starts and ends in the trace, and is published to every
// listener as a step starts and as it settles; lessons other than the heartbeat ping rarely.
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
});
