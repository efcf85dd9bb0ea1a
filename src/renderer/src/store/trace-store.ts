// The one zustand store (made by a factory) and its actions. The trace is append-only;
// everything derivable lives in selectors. Actions take `now` so tests control the clock.

import { createStore, type StoreApi } from "zustand/vanilla";
import type { LabStatus, ScenarioInfo, TraceBatch } from "../../../shared/lab-api";
import type { TraceEvent, TraceHeader } from "../../../shared/trace/types";
import type { NetworkSettings } from "../../../shared/network-settings";
import { appendEvents, createTraceBuffer } from "./trace-buffer";
import { initialState, type FileState, type Theme, type TimelineFilters, type TraceState, type ViewName } from "./initial-state";
import { isStop, type StepBy } from "./step-by";

/** Presentation time of one step at 1× speed. */
export const FLIGHT_MS = 900;
/** Pause after a flight before the next step starts while playing. */
export const DWELL = 0.35;

export type TraceStore = StoreApi<TraceState>;

export interface TraceActions {
  appendBatch(batch: TraceBatch, now: number): void;
  loadTrace(header: TraceHeader | null, events: TraceEvent[]): void;
  stepForward(now: number): void;
  stepBack(now: number): void;
  /** Moves the playhead to an event index and pauses (a seek from the timeline). */
  seek(index: number, now: number): void;
  /** Presentation clock: while playing, starts the next step once the last one landed. */
  tick(now: number): void;
  setPlaying(playing: boolean): void;
  togglePlaying(): void;
  setSpeed(speed: number): void;
  setStepBy(by: StepBy): void;
  setFilters(patch: Partial<TimelineFilters>): void;
  select(id: number | null): void;
  selectConn(conn: string | null): void;
  togglePresenter(): void;
  setTheme(theme: Theme): void;
  setFocusedView(view: ViewName): void;
  setNetwork(patch: Partial<NetworkSettings>): void;
  setStatus(status: LabStatus): void;
  setScenarios(list: ScenarioInfo[]): void;
  setScenarioId(id: string | null): void;
  setFile(file: FileState): void;
  setError(message: string | null): void;
}

export function nextStopIndex(s: TraceState, from: number): number {
  const { events } = s.trace;
  for (let i = from + 1; i < s.length; i++) {
    const e = events[i];
    if (e && isStop(e.layer, s.stepBy)) return i;
  }
  return -1;
}

export function prevStopIndex(s: TraceState, from: number): number {
  for (let i = from - 1; i >= 0; i--) {
    const e = s.trace.events[i];
    if (e && isStop(e.layer, s.stepBy)) return i;
  }
  return -1;
}

export function createTraceStore(init?: Partial<TraceState>): { store: TraceStore; actions: TraceActions; dispose(): void } {
  const store = createStore<TraceState>()(() => ({ ...initialState(), ...init }));
  const set = store.setState;
  const get = store.getState;

  const moveTo = (to: number, now: number, playing?: boolean): void => {
    const s = get();
    const duration = FLIGHT_MS / s.speed;
    set({
      cursor: to,
      flight: to > s.cursor ? { from: s.cursor, to, startedAt: now, duration } : { from: to, to, startedAt: now, duration },
      ...(playing === undefined ? {} : { playing }),
    });
  };

  const actions: TraceActions = {
    appendBatch(batch, now) {
      const s = get();
      if (batch.reset) {
        const trace = createTraceBuffer();
        appendEvents(trace, batch.events);
        set({
          trace,
          length: trace.events.length,
          generation: s.generation + 1,
          header: batch.header ?? null,
          source: "live",
          cursor: -1,
          flight: null,
          selection: null,
          selectedConn: null,
          file: { kind: "idle" },
        });
        actions.tick(now);
        return;
      }
      if (s.source !== "live") return;
      const added = appendEvents(s.trace, batch.events);
      if (added > 0 || batch.header) set({ length: s.trace.events.length, ...(batch.header ? { header: batch.header } : {}) });
      actions.tick(now);
    },
    loadTrace(header, events) {
      const trace = createTraceBuffer();
      appendEvents(trace, events);
      set({
        trace,
        length: trace.events.length,
        generation: get().generation + 1,
        header,
        source: "file",
        cursor: -1,
        flight: null,
        selection: null,
        selectedConn: null,
        playing: false,
      });
    },
    stepForward(now) {
      const s = get();
      const to = nextStopIndex(s, s.cursor);
      if (to >= 0) moveTo(to, now, false);
      else set({ playing: false });
    },
    stepBack(now) {
      const s = get();
      if (s.cursor < 0) return set({ playing: false });
      moveTo(prevStopIndex(s, s.cursor), now, false);
    },
    seek(index, now) {
      const s = get();
      moveTo(Math.max(-1, Math.min(index, s.length - 1)), now, false);
    },
    tick(now) {
      const s = get();
      if (!s.playing) return;
      if (s.flight && now < s.flight.startedAt + s.flight.duration * (1 + DWELL)) return;
      const to = nextStopIndex(s, s.cursor);
      if (to >= 0) moveTo(to, now);
      else if (s.cursor < s.length - 1) moveTo(s.length - 1, now);
    },
    setPlaying: (playing) => set({ playing }),
    togglePlaying: () => set({ playing: !get().playing }),
    setSpeed: (speed) => set({ speed: Math.min(4, Math.max(0.1, Number.isFinite(speed) ? speed : 1)) }),
    setStepBy: (stepBy) => set({ stepBy }),
    setFilters: (patch) => set({ filters: { ...get().filters, ...patch } }),
    select: (selection) => set({ selection }),
    selectConn: (selectedConn) => set({ selectedConn }),
    togglePresenter: () => set({ presenter: !get().presenter }),
    setTheme: (theme) => set({ theme }),
    setFocusedView: (focusedView) => set({ focusedView }),
    setNetwork: (patch) => set({ network: { ...get().network, ...patch } }),
    setStatus: (status) => set({ status }),
    setScenarios: (scenarios) => set({ scenarios }),
    setScenarioId: (scenarioId) => set({ scenarioId }),
    setFile: (file) => set({ file }),
    setError: (error) => set({ error }),
  };

  return { store, actions, dispose: () => undefined };
}
