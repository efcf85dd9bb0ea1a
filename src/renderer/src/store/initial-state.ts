// The store's initial state: the empty trace and small playback settings.

import type { LabStatus, ScenarioInfo } from "../../../shared/lab-api";
import type { TraceHeader } from "../../../shared/trace/types";
import type { Layer } from "../../../shared/trace/types";
import type { NetworkSettings } from "../../../shared/network-settings";
import { createTraceBuffer, type TraceBuffer } from "./trace-buffer";
import type { StepBy } from "./step-by";
import type { TraceModeller } from "../files/trace-worker-protocol";

export type Theme = "light" | "dark" | "contrast";
export type ViewName = "Addressing" | "TCP" | "Layers" | "Namespaces" | "Timeline" | "Inspector" | "Narration";

export interface TimelineFilters {
  layers: Record<Layer, boolean>;
  host: string | null;
  nsp: string | null;
  conn: string | null;
  hideHeartbeats: boolean;
}

/**
 * A step's visible flight on the presentation clock: events (from, to] animate in, and in
 * the TCP view the segments between the playheads (from, fromSub) and (to, toSub).
 */
export interface Flight {
  from: number;
  to: number;
  fromSub: number | null;
  toSub: number | null;
  startedAt: number;
  duration: number;
}

export type FileState =
  | { kind: "idle" }
  | { kind: "loading"; name: string; progress: number }
  | { kind: "loaded"; name: string; events: number; /** The cut last line that was left out. */ torn?: number }
  | { kind: "error"; name: string; message: string };

/** The link to the lab in web mode: fine, lost (retrying at `retryAt`, page clock ms), or back. */
export type LabLink = { state: "ok" } | { state: "lost"; attempt: number; retryAt: number } | { state: "back" };

export interface TraceState {
  /** Mutated in place by appends only; `length` and `generation` say when it changed. */
  trace: TraceBuffer;
  length: number;
  /**
   * How many events the TCP model covers (≤ length). Equal to `length` for a file; while live,
   * it follows `length` at a throttled pace (see connect-lab), so the model is not re-run over
   * the whole trace for every batch.
   */
  modelLength: number;
  /** The trace worker's model of a file it read (null: the model runs on this thread). */
  modeller: TraceModeller | null;
  /** Counts the worker's answers, so selectors of the model recompute when one arrives. */
  modelVersion: number;
  generation: number;
  header: TraceHeader | null;
  source: "live" | "file";
  /** Index of the last event shown; -1 before the first. */
  cursor: number;
  /**
   * Sub-steps of the playhead inside the TCP model: how many of the segments that become
   * visible at `cursor` are shown (stepping by TCP walks them one by one); null: all.
   */
  tcpSub: number | null;
  playing: boolean;
  /**
   * Id of the event where playback rests: the last event of the step the lab played. Later
   * events (heartbeats) wait behind it, counted, until the viewer asks for them. null: playback
   * follows what arrives (before the first step, in free play, after "Jump to live").
   */
  restId: number | null;
  /** Id of a step's marker the playhead moves to as soon as it arrives (the lab said a step started). */
  pendingStart: number | null;
  /** The lab's step this window last followed (`scenario:step:marker id`); null after a reset. */
  lessonKey: string | null;
  /** The viewer asked for less motion: packets land without travelling. */
  reducedMotion: boolean;
  speed: number;
  stepBy: StepBy;
  flight: Flight | null;
  filters: TimelineFilters;
  /** Event id picked in the timeline or inspector; null follows the playhead. */
  selection: number | null;
  selectedConn: string | null;
  /** Event id whose envelope card is open (a clicked packet or Layers row); null: closed. */
  envelope: number | null;
  /** Connection id shown in Follow connection (its whole byte conversation); null: closed. */
  follow: string | null;
  presenter: boolean;
  theme: Theme;
  focusedView: ViewName;
  /** The teacher's changes to the network the trace recorded (see selectors/network). */
  networkPatch: Partial<NetworkSettings>;
  status: LabStatus;
  scenarios: ScenarioInfo[];
  /** The scenario chosen in this window's menu and not started yet; null: the menu shows the lab's. */
  scenarioId: string | null;
  file: FileState;
  error: string | null;
  labLink: LabLink;
}

export const ALL_LAYERS: Record<Layer, boolean> = { lab: true, tcp: true, wire: true, engine: true, socketio: true, api: true };

export function initialState(): TraceState {
  return {
    trace: createTraceBuffer(),
    length: 0,
    modelLength: 0,
    modeller: null,
    modelVersion: 0,
    generation: 0,
    header: null,
    source: "live",
    cursor: -1,
    tcpSub: null,
    playing: true,
    restId: null,
    pendingStart: null,
    lessonKey: null,
    reducedMotion: false,
    speed: 1,
    stepBy: "API",
    flight: null,
    filters: { layers: { ...ALL_LAYERS }, host: null, nsp: null, conn: null, hideHeartbeats: false },
    selection: null,
    selectedConn: null,
    envelope: null,
    follow: null,
    presenter: false,
    theme: "light",
    focusedView: "Layers",
    networkPatch: {},
    status: { state: "idle", step: -1, steps: 0 },
    scenarios: [],
    scenarioId: null,
    file: { kind: "idle" },
    error: null,
    labLink: { state: "ok" },
  };
}
