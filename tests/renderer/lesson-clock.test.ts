// One clock for lab and screen: the lab's status moves the playhead to a new step's marker
// (never through the backlog before it), playback rests on the step's last event while later
// events are only counted, Next step during an animation finishes it, and the timeline's
// filters govern stepping and playback.
import { describe, expect, it } from "vitest";
import type { LabStatus } from "../../src/shared/lab-api";
import type { TraceEvent } from "../../src/shared/trace/types";
import { createTraceStore, FLIGHT_MS, DWELL, playLimit, stepAnimating } from "../../src/renderer/src/store/trace-store";
import { nextStepMove, pressNextStep } from "../../src/renderer/src/lab/next-step";
import { runLabStart } from "../../src/renderer/src/lab/run-lab";
import type { LabApi } from "../../src/shared/lab-api";

let nextId = 1;
const marker = (index: number): TraceEvent => ({ id: nextId++, t: nextId, host: "server", layer: "lab", kind: "step", index, title: `step ${index + 1}`, narration: "…", scenario: "heartbeat" });
const emit = (): TraceEvent => ({ id: nextId++, t: nextId, host: "client-1", layer: "api", kind: "emit", nsp: "/", event: "hello", args: [] });
const ping = (): TraceEvent => ({ id: nextId++, t: nextId, host: "server", layer: "engine", kind: "packet", conn: "server/tcp1", dir: "out", type: "ping", transport: "websocket" });

const status = (step: number, stepStart: number, stepEnd?: number): LabStatus => ({
  state: stepEnd === undefined ? "running" : "ready",
  scenario: "heartbeat",
  step,
  steps: 3,
  stepStart,
  ...(stepEnd === undefined ? {} : { stepEnd }),
});

/** Runs the presentation clock long enough for every due flight to land. */
function play(actions: ReturnType<typeof createTraceStore>["actions"], from: number, flights: number): number {
  let now = from;
  for (let i = 0; i < flights; i++) {
    now += FLIGHT_MS * (1 + DWELL) + 1;
    actions.tick(now);
  }
  return now;
}

function lesson() {
  nextId = 1;
  const bundle = createTraceStore();
  bundle.actions.setStepBy("Engine.IO");
  bundle.actions.appendBatch({ reset: true, events: [] }, 0);
  return bundle;
}

describe("one clock for lab and screen", () => {
  it("moves to a started step's marker, plays it, and rests on its last event while heartbeats arrive", () => {
    const { store, actions } = lesson();
    const m1 = marker(0);
    const step1 = [m1, emit(), emit(), ping()];
    actions.appendBatch({ events: step1 }, 0);
    actions.setStatus(status(0, m1.id), 0);
    expect(store.getState().cursor).toBe(0);
    expect(store.getState().playing).toBe(true);
    actions.setStatus(status(0, m1.id, step1.at(-1)!.id), 1);
    // Heartbeats after the step ended: 60 s of them, one per second.
    const later = Array.from({ length: 60 }, ping);
    actions.appendBatch({ events: later }, 2);
    play(actions, 2, 200);
    const s = store.getState();
    expect(s.trace.events[s.cursor]?.id).toBe(step1.at(-1)!.id);
    expect(playLimit(s)).toBe(3);
    expect(stepAnimating(s, 1e9)).toBe(false);
    expect(nextStepMove(store, 1e9)).toBe("run");
  });

  it("never plays an earlier step's backlog: the next step starts at its marker", () => {
    const { store, actions } = lesson();
    const m1 = marker(0);
    const step1 = [m1, emit()];
    actions.appendBatch({ events: step1 }, 0);
    actions.setStatus(status(0, m1.id, step1.at(-1)!.id), 0);
    play(actions, 0, 10);
    actions.appendBatch({ events: Array.from({ length: 50 }, ping) }, 10);
    // The lab says step 2 started before its marker reached this window.
    const m2 = marker(1);
    actions.setStatus(status(1, m2.id), 20);
    expect(store.getState().pendingStart).toBe(m2.id);
    const before = store.getState().cursor;
    actions.appendBatch({ events: [m2, emit()] }, 21);
    const s = store.getState();
    // The playhead landed on the marker without travelling and plays on from there.
    const markerIndex = s.trace.indexById.get(m2.id)!;
    expect(markerIndex).toBeGreaterThan(before + 50);
    expect(s.cursor).toBeGreaterThanOrEqual(markerIndex);
    expect(s.flight?.from).toBeGreaterThanOrEqual(markerIndex);
    // The backlog is still there, just before the marker.
    actions.seek(markerIndex, 22);
    actions.stepBack(23);
    expect(store.getState().trace.events[store.getState().cursor]?.layer).toBe("engine");
  });

  it("Next step during an animation finishes it at once", () => {
    const { store, actions } = lesson();
    const m1 = marker(0);
    const step1 = [m1, emit(), emit(), emit(), emit()];
    actions.appendBatch({ events: step1 }, 0);
    actions.setStatus(status(0, m1.id, step1.at(-1)!.id), 0);
    actions.tick(FLIGHT_MS * 2);
    expect(store.getState().cursor).toBeLessThan(4);
    expect(nextStepMove(store, FLIGHT_MS * 2)).toBe("finish");
    actions.finishStep(FLIGHT_MS * 2);
    expect(store.getState().cursor).toBe(4);
    expect(nextStepMove(store, FLIGHT_MS * 2 + 1)).toBe("run");
  });

  it("counts what arrived after the rest point and shows it on request; Jump to live follows", () => {
    const { store, actions } = lesson();
    const m1 = marker(0);
    actions.appendBatch({ events: [m1, emit()] }, 0);
    actions.setStatus(status(0, m1.id, m1.id + 1), 0);
    actions.appendBatch({ events: [ping(), ping(), ping()] }, 1);
    let now = play(actions, 1, 10);
    expect(store.getState().cursor).toBe(1);
    actions.showNew(now);
    now = play(actions, now, 10);
    expect(store.getState().cursor).toBe(4);
    actions.appendBatch({ events: [ping()] }, now);
    now = play(actions, now, 5);
    expect(store.getState().cursor).toBe(4);
    actions.jumpToLive(now);
    expect(store.getState().cursor).toBe(5);
    actions.appendBatch({ events: [ping()] }, now);
    play(actions, now, 3);
    expect(store.getState().cursor).toBe(6);
  });

  it("stepping and playback skip what the timeline's filters hide", () => {
    const { store, actions } = lesson();
    const m1 = marker(0);
    const events = [m1, ping(), ping(), emit(), ping(), emit()];
    actions.appendBatch({ events }, 0);
    actions.setPlaying(false);
    actions.seek(0, 0);
    actions.setFilters({ hideHeartbeats: true });
    actions.stepForward(1);
    expect(store.getState().cursor).toBe(3);
    actions.stepForward(2);
    expect(store.getState().cursor).toBe(5);
    actions.stepBack(3);
    expect(store.getState().cursor).toBe(3);
    actions.setFilters({ hideHeartbeats: false, layers: { lab: true, tcp: true, wire: true, engine: true, socketio: true, api: false } });
    actions.stepForward(4);
    expect(store.getState().cursor).toBe(4);
  });

  it("a window that joins mid-lesson shows the lab's current step from its marker", () => {
    const { store, actions } = lesson();
    actions.setPlaying(false);
    const m1 = marker(0);
    const e1 = emit();
    const backlog = [ping(), ping()];
    const m2 = marker(1);
    const e2 = emit();
    actions.appendBatch({ events: [m1, e1, ...backlog, m2, e2, ping()] }, 0);
    actions.setStatus(status(1, m2.id, e2.id), 0);
    expect(store.getState().trace.events[store.getState().cursor]?.id).toBe(m2.id);
    play(actions, 0, 10);
    expect(store.getState().trace.events[store.getState().cursor]?.id).toBe(e2.id);
  });

  it("Next step pressed (even twice) while Start is under way waits for the lab, then runs its first step once", async () => {
    const { store, actions } = lesson();
    let up: (s: LabStatus) => void = () => {};
    const calls: string[] = [];
    const api = {
      startScenario: () => {
        calls.push("start");
        return new Promise<LabStatus>((resolve) => {
          up = resolve;
        });
      },
      nextStep: async () => {
        calls.push("next");
        return { state: "ready", scenario: "heartbeat", step: 0, steps: 3 } satisfies LabStatus;
      },
    } as unknown as LabApi;
    const started = runLabStart(actions, () => api.startScenario("heartbeat"));
    const pressed = pressNextStep(api, store, actions, 0);
    // A double click while the lab comes up is one press.
    const again = pressNextStep(api, store, actions, 0);
    await Promise.resolve();
    expect(calls).toEqual(["start"]);
    up({ state: "ready", scenario: "heartbeat", step: -1, steps: 3 });
    await Promise.all([started, pressed, again]);
    expect(calls).toEqual(["start", "next"]);
    expect(store.getState().status.step).toBe(0);
  });
});
