// The one zustand store (made by a factory) and its actions. The trace is append-only;
// everything derivable lives in selectors. Actions take `now` so tests control the clock.

import { createStore, type StoreApi } from "zustand/vanilla";
import type { LabStatus, ScenarioInfo, TraceBatch } from "../../../shared/lab-api";
import type { TraceEvent, TraceHeader } from "../../../shared/trace/types";
import type { NetworkSettings } from "../../../shared/network-settings";
import { appendEvents, createTraceBuffer, type TraceBuffer } from "./trace-buffer";
import { initialState, type FileState, type LabLink, type Theme, type TimelineFilters, type TraceState, type ViewName } from "./initial-state";
import { isStop, type StepBy } from "./step-by";
import { segmentsAt } from "../selectors/tcp-ladder";
import { passes } from "../selectors/timeline";
import type { TraceModeller } from "../files/trace-worker-protocol";

/** Presentation time of one step at 1× speed. */
export const FLIGHT_MS = 900;
/** Pause after a flight before the next step starts while playing. */
export const DWELL = 0.35;

export type TraceStore = StoreApi<TraceState>;

export interface TraceActions {
  appendBatch(batch: TraceBatch, now: number): void;
  loadTrace(header: TraceHeader | null, events: TraceEvent[]): void;
  /**
   * Shows a trace already built into a buffer (a file streamed in batches): one store update.
   * `modeller` is the worker that read the file, which then runs its TCP model.
   */
  loadBuffer(header: TraceHeader | null, trace: TraceBuffer, modeller?: TraceModeller): void;
  /** Lets the TCP model cover every event received so far (live traces; see `modelLength`). */
  syncModel(): void;
  stepForward(now: number): void;
  stepBack(now: number): void;
  /** Moves the playhead to an event index and pauses (a seek from the timeline). */
  seek(index: number, now: number): void;
  /** Presentation clock: while playing, starts the next step once the last one landed. */
  tick(now: number): void;
  /** Ends the flight under way and puts the playhead where the played step rests, at once. */
  finishStep(now: number): void;
  /** Plays what arrived after the rest point (heartbeats) and rests on the newest event. */
  showNew(now: number): void;
  /** The playhead on the newest event, following what arrives from now on. */
  jumpToLive(now: number): void;
  setReducedMotion(reduced: boolean): void;
  setPlaying(playing: boolean): void;
  togglePlaying(): void;
  setSpeed(speed: number): void;
  setStepBy(by: StepBy): void;
  setFilters(patch: Partial<TimelineFilters>): void;
  select(id: number | null): void;
  selectConn(conn: string | null): void;
  /** Opens the envelope card of an event (null closes it). */
  openEnvelope(id: number | null): void;
  /** Opens Follow connection on a connection id (null closes it). */
  followConn(conn: string | null): void;
  togglePresenter(): void;
  setTheme(theme: Theme): void;
  setFocusedView(view: ViewName): void;
  /** Changes the modelled network over what the trace recorded; the model re-runs. */
  setNetwork(patch: Partial<NetworkSettings>): void;
  /** Back to the network the trace recorded (keeps relative/absolute numbers). */
  resetNetwork(): void;
  /**
   * The lab's status. When it names a step this window has not followed yet, the playhead moves
   * to that step's marker (skipping what came before it) and plays; when it says where the step
   * ended, playback rests there.
   */
  setStatus(status: LabStatus, now?: number): void;
  setScenarios(list: ScenarioInfo[]): void;
  setScenarioId(id: string | null): void;
  setFile(file: FileState): void;
  setError(message: string | null): void;
  setLabLink(link: LabLink): void;
}

/** True when stepping stops at event `i`: its layer is a stop at the granularity and the timeline's filters show it. */
export function isStopAt(s: TraceState, i: number): boolean {
  const e = s.trace.events[i];
  return e !== undefined && isStop(e.layer, s.stepBy) && passes(s.trace, e, s.filters);
}

export function nextStopIndex(s: TraceState, from: number, limit = s.length - 1): number {
  for (let i = from + 1; i <= limit; i++) if (isStopAt(s, i)) return i;
  return -1;
}

export function prevStopIndex(s: TraceState, from: number): number {
  for (let i = from - 1; i >= 0; i--) if (isStopAt(s, i)) return i;
  return -1;
}

/** Index of the last event whose id is at most `id` (ids grow with the index); -1 if none. */
export function indexAtOrBefore(s: TraceState, id: number): number {
  const exact = s.trace.indexById.get(id);
  if (exact !== undefined && exact < s.length) return exact;
  let lo = 0;
  let hi = s.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((s.trace.events[mid]?.id ?? Infinity) <= id) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** How far playback may go: the rest point of the played step, or the newest event when following. */
export function playLimit(s: TraceState): number {
  return s.restId === null ? s.length - 1 : indexAtOrBefore(s, s.restId);
}

/** True while a played step is still on its way to its rest point (or the lab is still running it). */
export function stepAnimating(s: TraceState, now: number): boolean {
  if (s.source !== "live") return false;
  if (s.pendingStart !== null || s.status.state === "running") return true;
  if (!s.playing || s.restId === null) return false;
  return s.cursor < playLimit(s) || (s.flight !== null && now < s.flight.startedAt + s.flight.duration);
}

/** A playhead position: a trace index, and how many of the segments due there are shown. */
export interface Position {
  cursor: number;
  sub: number | null;
}

/** The next position: stepping by TCP also stops at each modelled segment. */
export function nextPosition(s: TraceState, limit = s.length - 1): Position | null {
  if (s.stepBy === "TCP" && s.cursor >= 0 && s.tcpSub !== null) {
    const n = segmentsAt(s, s.cursor);
    if (s.tcpSub < n) return { cursor: s.cursor, sub: s.tcpSub + 1 >= n ? null : s.tcpSub + 1 };
  }
  const to = nextStopIndex(s, s.cursor, limit);
  if (to < 0) return null;
  return { cursor: to, sub: s.stepBy === "TCP" && segmentsAt(s, to) > 0 ? 0 : null };
}

export function prevPosition(s: TraceState): Position {
  if (s.stepBy === "TCP" && s.cursor >= 0) {
    const shown = s.tcpSub ?? segmentsAt(s, s.cursor);
    if (shown > 0) return { cursor: s.cursor, sub: shown - 1 };
  }
  return { cursor: prevStopIndex(s, s.cursor), sub: null };
}

const subRank = (sub: number | null): number => (sub === null ? Infinity : sub);

/** Keeps the reader's choice of relative or absolute numbers across traces. */
const keepRelative = (patch: Partial<NetworkSettings>): Partial<NetworkSettings> => (patch.relative === undefined ? {} : { relative: patch.relative });

export function createTraceStore(init?: Partial<TraceState>): { store: TraceStore; actions: TraceActions; dispose(): void } {
  const store = createStore<TraceState>()(() => ({ ...initialState(), ...init }));
  const set = store.setState;
  const get = store.getState;

  const moveTo = (to: number, now: number, playing?: boolean, sub: number | null = null): void => {
    const s = get();
    const duration = FLIGHT_MS / s.speed;
    const forward = to > s.cursor || (to === s.cursor && subRank(sub) > subRank(s.tcpSub));
    set({
      cursor: to,
      tcpSub: sub,
      flight: forward
        ? { from: s.cursor, fromSub: s.tcpSub, to, toSub: sub, startedAt: now, duration }
        : { from: to, fromSub: sub, to, toSub: sub, startedAt: now, duration },
      ...(playing === undefined ? {} : { playing }),
    });
  };

  /** A move without travel: the playhead is simply there (a jump, a finished step). */
  const land = (to: number, now: number, patch: Partial<TraceState> = {}): void => {
    set({ cursor: to, tcpSub: null, flight: { from: to, fromSub: null, to, toSub: null, startedAt: now, duration: 0 }, ...patch });
  };

  /** Moves to the marker of the step the lab started, once it is in the trace. */
  const followPendingStart = (now: number): void => {
    const s = get();
    if (s.pendingStart === null || s.source !== "live") return;
    const index = s.trace.indexById.get(s.pendingStart);
    if (index === undefined || index >= s.length) return;
    land(index, now, { pendingStart: null, playing: true, selection: null });
  };

  /** Hands the model over to `next` (or to this thread), ending the previous file's worker. */
  const withModeller = (next: TraceModeller | null): { modeller: TraceModeller | null; modelVersion: number } => {
    const s = get();
    if (s.modeller && s.modeller !== next) s.modeller.dispose();
    if (next) next.onChange = () => set({ modelVersion: get().modelVersion + 1 });
    return { modeller: next, modelVersion: s.modelVersion + 1 };
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
          modelLength: trace.events.length,
          ...withModeller(null),
          generation: s.generation + 1,
          header: batch.header ?? null,
          source: "live",
          cursor: -1,
          tcpSub: null,
          flight: null,
          selection: null,
          selectedConn: null,
          envelope: null,
          follow: null,
          networkPatch: keepRelative(s.networkPatch),
          file: { kind: "idle" },
          restId: null,
          pendingStart: null,
          lessonKey: null,
        });
        actions.tick(now);
        return;
      }
      if (s.source !== "live") return;
      const added = appendEvents(s.trace, batch.events);
      if (added > 0 || batch.header) set({ length: s.trace.events.length, ...(batch.header ? { header: batch.header } : {}) });
      followPendingStart(now);
      actions.tick(now);
    },
    loadTrace(header, events) {
      const trace = createTraceBuffer();
      appendEvents(trace, events);
      actions.loadBuffer(header, trace);
    },
    loadBuffer(header, trace, modeller) {
      set({
        trace,
        length: trace.events.length,
        modelLength: trace.events.length,
        ...withModeller(modeller ?? null),
        generation: get().generation + 1,
        header,
        source: "file",
        // The file's own scenario (from its header) names what is shown, not the lab's last choice.
        scenarioId: null,
        cursor: -1,
        tcpSub: null,
        networkPatch: keepRelative(get().networkPatch),
        flight: null,
        selection: null,
        selectedConn: null,
        envelope: null,
        follow: null,
        playing: false,
        restId: null,
        pendingStart: null,
        lessonKey: null,
      });
    },
    syncModel() {
      const s = get();
      if (s.modelLength !== s.length) set({ modelLength: s.length });
    },
    stepForward(now) {
      // Stepping by TCP walks the modelled segments: the model must cover what the step reaches.
      if (get().stepBy === "TCP") actions.syncModel();
      const next = nextPosition(get());
      if (next) moveTo(next.cursor, now, false, next.sub);
      else set({ playing: false });
    },
    stepBack(now) {
      const s = get();
      if (s.cursor < 0) return set({ playing: false });
      const prev = prevPosition(s);
      moveTo(prev.cursor, now, false, prev.sub);
    },
    seek(index, now) {
      const s = get();
      moveTo(Math.max(-1, Math.min(index, s.length - 1)), now, false);
    },
    tick(now) {
      const s = get();
      if (!s.playing) return;
      if (s.flight && now < s.flight.startedAt + s.flight.duration * (1 + DWELL)) return;
      const limit = playLimit(s);
      const next = nextPosition(s, limit);
      if (next) moveTo(next.cursor, now, undefined, next.sub);
      else if (s.cursor < limit) moveTo(limit, now);
    },
    finishStep(now) {
      const s = get();
      const limit = playLimit(s);
      land(Math.max(s.cursor, limit), now, { playing: true });
    },
    showNew(now) {
      const s = get();
      const last = s.trace.events[s.length - 1];
      if (!last) return;
      set({ restId: last.id, playing: true });
      actions.tick(now);
    },
    jumpToLive(now) {
      const s = get();
      land(s.length - 1, now, { restId: null, pendingStart: null, playing: true, selection: null });
    },
    setReducedMotion: (reducedMotion) => set({ reducedMotion }),
    setPlaying: (playing) => set({ playing }),
    togglePlaying: () => set({ playing: !get().playing }),
    setSpeed: (speed) => set({ speed: Math.min(4, Math.max(0.1, Number.isFinite(speed) ? speed : 1)) }),
    setStepBy: (stepBy) => set({ stepBy }),
    setFilters: (patch) => set({ filters: { ...get().filters, ...patch } }),
    select: (selection) => set({ selection }),
    selectConn: (selectedConn) => set({ selectedConn }),
    openEnvelope: (envelope) => set({ envelope }),
    followConn: (follow) => set({ follow }),
    togglePresenter: () => set({ presenter: !get().presenter }),
    setTheme: (theme) => set({ theme }),
    setFocusedView: (focusedView) => set({ focusedView }),
    setNetwork: (patch) => set({ networkPatch: { ...get().networkPatch, ...patch } }),
    resetNetwork: () => set({ networkPatch: keepRelative(get().networkPatch) }),
    setStatus(status, now = performance.now()) {
      const s = get();
      const key = status.stepStart === undefined ? null : `${status.scenario ?? ""}:${status.step}:${status.stepStart}`;
      // The lab moved to another scenario (from this window or another): the menu follows it again.
      const chosen = status.scenario !== s.status.scenario ? { scenarioId: null } : {};
      if (s.source !== "live" || key === null) return set({ status, ...chosen });
      if (key !== s.lessonKey) {
        // A step this window has not followed: show it from its marker, whatever came before.
        set({ status, ...chosen, lessonKey: key, pendingStart: status.stepStart ?? null, restId: status.stepEnd ?? null });
        followPendingStart(now);
        return;
      }
      set({ status, ...chosen, ...(status.stepEnd !== undefined && s.restId !== status.stepEnd ? { restId: status.stepEnd } : {}) });
    },
    setScenarios: (scenarios) => set({ scenarios }),
    setScenarioId: (scenarioId) => set({ scenarioId }),
    setFile: (file) => set({ file }),
    setError: (error) => set({ error }),
    setLabLink: (labLink) => set({ labLink }),
  };

  return { store, actions, dispose: () => get().modeller?.dispose() };
}
