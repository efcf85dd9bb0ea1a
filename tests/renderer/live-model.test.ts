// The TCP model while a live trace streams in: appends beyond what the model covers change
// neither the model nor the ladder; it catches up when the playhead or the selection gets
// there, at a throttled pace (connect-lab), and a file or a reset is modelled whole at once.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { LabApi, TraceBatch } from "../../src/shared/lab-api";
import { createTraceStore } from "../../src/renderer/src/store/trace-store";
import { selectLadder } from "../../src/renderer/src/selectors/tcp-ladder";
import { selectTraceModel } from "../../src/renderer/src/selectors/tcp-model";
import { selectInspected } from "../../src/renderer/src/selectors/inspector";
import { selectNetwork } from "../../src/renderer/src/selectors/network";
import { connectLab, modelBehind, MODEL_EVERY_MS, type Scheduler } from "../../src/renderer/src/lab/connect-lab";
import { buildHelloAck, HELLO_ACK_HEADER } from "./fixtures/hello-ack";

afterEach(() => vi.useRealTimers());

const firstData = (events: ReturnType<typeof buildHelloAck>): number => events.findIndex((e) => e.layer === "tcp" && e.kind === "data");

describe("TCP model on a live trace", () => {
  it("a reset batch and a loaded file are modelled whole", () => {
    const events = buildHelloAck();
    const { store, actions } = createTraceStore();
    actions.appendBatch({ reset: true, events }, 0);
    expect(store.getState().modelLength).toBe(events.length);
    actions.loadTrace(HELLO_ACK_HEADER, events.slice(0, 10));
    expect(store.getState().modelLength).toBe(10);
  });

  it("appends beyond the model change neither the model, the network nor the ladder; syncModel catches up", () => {
    const events = buildHelloAck();
    const split = firstData(events) + 4;
    const { store, actions } = createTraceStore({ playing: false });
    actions.appendBatch({ reset: true, events: events.slice(0, split) }, 0);
    actions.seek(split - 1, 0);
    const model = selectTraceModel(store.getState());
    const network = selectNetwork(store.getState());
    const ladder = selectLadder(store.getState());
    expect(ladder?.segments.length).toBeGreaterThan(0);
    actions.appendBatch({ events: events.slice(split) }, 0);
    const s = store.getState();
    expect(s.length).toBe(events.length);
    expect(s.modelLength).toBe(split);
    expect(modelBehind(s)).toBe(false);
    expect(selectTraceModel(s)).toBe(model);
    expect(selectNetwork(s)).toBe(network);
    expect(selectLadder(s)).toBe(ladder);
    // The playhead moves past the model: now it is behind, and catching up re-runs it.
    actions.seek(events.length - 1, 0);
    expect(modelBehind(store.getState())).toBe(true);
    actions.syncModel();
    const after = store.getState();
    expect(after.modelLength).toBe(events.length);
    expect(selectTraceModel(after)).not.toBe(model);
    // Caught up, the ladder is the one a file of the whole trace shows.
    const whole = createTraceStore();
    whole.actions.loadTrace(HELLO_ACK_HEADER, events);
    whole.actions.seek(events.length - 1, 0);
    const strip = (l: ReturnType<typeof selectLadder>) => l?.segments.map((g) => [g.index, g.from, g.flags.join(), g.seq, g.ack, g.len, g.sent, g.arrived, g.at]);
    expect(strip(selectLadder(after))).toEqual(strip(selectLadder(whole.store.getState())));
  });

  it("the inspector gives the event under the playhead its model time once the model catches up, the playhead still", () => {
    const events = buildHelloAck();
    const { store, actions } = createTraceStore({ playing: false });
    actions.appendBatch({ reset: true, events: events.slice(0, -1) }, 0);
    actions.appendBatch({ events: events.slice(-1) }, 0);
    actions.seek(events.length - 1, 0);
    expect(selectInspected(store.getState())?.modelTime).toBe("—");
    actions.syncModel();
    expect(selectInspected(store.getState())?.modelTime).toMatch(/^\d+\.\d{3} ms/);
  });

  it("a selected event past the model makes it behind too", () => {
    const events = buildHelloAck();
    const { store, actions } = createTraceStore({ playing: false });
    actions.appendBatch({ reset: true, events: events.slice(0, 10) }, 0);
    actions.appendBatch({ events: events.slice(10) }, 0);
    expect(modelBehind(store.getState())).toBe(false);
    actions.select(events[events.length - 1]!.id);
    expect(modelBehind(store.getState())).toBe(true);
  });

  it("connect-lab lets the model catch up at most every MODEL_EVERY_MS, and only when it is behind", () => {
    vi.useFakeTimers();
    const events = buildHelloAck();
    const bundle = createTraceStore({ playing: false });
    let clock = 0;
    const frames: (() => void)[] = [];
    const scheduler: Scheduler = { frame: (cb) => frames.push(cb), cancel: () => undefined, now: () => clock };
    let emit: (b: TraceBatch) => void = () => undefined;
    const api = {
      onTrace: (l: (b: TraceBatch) => void) => {
        emit = l;
        return () => undefined;
      },
      onStatus: () => () => undefined,
      listScenarios: () => Promise.resolve([]),
      getStatus: () => new Promise(() => undefined),
    } as unknown as LabApi;
    const dispose = connectLab(api, bundle.store, bundle.actions, scheduler);
    const deliver = (b: TraceBatch): void => {
      emit(b);
      for (const f of frames.splice(0)) f();
    };
    deliver({ reset: true, events: events.slice(0, 10) });
    deliver({ events: events.slice(10, 20) });
    // The playhead is at -1: nothing asks for the new events' model.
    expect(bundle.store.getState().modelLength).toBe(10);
    bundle.actions.seek(15, clock);
    clock = 1;
    deliver({ events: events.slice(20, 30) });
    expect(bundle.store.getState().modelLength).toBe(30);
    // Behind again straight away: it waits for the interval, then the timer catches up.
    deliver({ events: events.slice(30) });
    bundle.actions.seek(bundle.store.getState().length - 1, clock);
    vi.advanceTimersByTime(40);
    expect(bundle.store.getState().modelLength).toBe(30);
    clock = 1 + MODEL_EVERY_MS;
    vi.advanceTimersByTime(40);
    expect(bundle.store.getState().modelLength).toBe(events.length);
    dispose();
  });
});
