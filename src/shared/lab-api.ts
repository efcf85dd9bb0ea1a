// LabApi: the one interface the renderer talks to. Electron's preload implements it over
// IPC; web mode implements it over a loopback WebSocket. Plain data in and out.

import type { TraceEvent, TraceHeader, Transport } from "./trace/types.js";
import type { NetworkSettings } from "./network-settings.js";
import type { ClassCommand, ClassStatus } from "./class-mode.js";

/** The views a scenario can name as the one its lesson is about (presenter mode gives it the room). */
export const VIEW_NAMES = ["Addressing", "TCP", "Layers", "Namespaces", "Timeline", "Inspector"] as const;
export type KeyView = (typeof VIEW_NAMES)[number];

export interface ScenarioInfo {
  id: string;
  title: string;
  summary: string;
  /** The view the lesson is about. */
  keyView: KeyView;
  steps: { title: string; narration: string }[];
}

export interface LabStatus {
  /** "idle": no lab; "running": a step's action is under way; "ready": settled, waiting for next. */
  state: "idle" | "running" | "ready" | "finished" | "error";
  scenario?: string;
  /** Index of the step last run (-1 before the first). */
  step: number;
  steps: number;
  /** Id of the trace's marker of the step last run: every window shows the step from there. */
  stepStart?: number;
  /** Id of the last event the step last run recorded before it settled: where its playback rests. */
  stepEnd?: number;
  serverUrl?: string;
  /** The namespaces the lab's server serves (the page offers these, it keeps no list of its own). */
  namespaces?: string[];
  openToPeers?: { url: string; host: string };
  /** Class mode, while the teacher has it on (students join the lab from the local network). */
  classMode?: ClassStatus;
  /** This machine's IPv4 addresses, the choices class mode offers (other machines reach the non-loopback ones). */
  classAddresses?: string[];
  message?: string;
}

/** A slice of the trace. `reset` means: drop what you have, a new trace starts with `header`. */
export interface TraceBatch {
  reset?: boolean;
  header?: TraceHeader;
  events: TraceEvent[];
}

/** Longest arguments text a free-play emit takes (characters); the form says so before sending. */
export const FREE_PLAY_ARGS_MAX = 64 * 1024;

export type ClientTransports = "polling-upgrade" | "websocket" | "polling";

export type FreePlayCommand =
  | {
      type: "add-client";
      transports?: ClientTransports;
      ip?: string;
      namespaces?: string[];
      /** `auth` of the client's sockets (`io(url, { auth: { token } })`), for a middleware to check. */
      token?: string;
      /** Delivery with retries: each emit with an ack is tried `retries` more times, `ackTimeout` ms apart. */
      retries?: number;
      ackTimeout?: number;
      /** Offer permessage-deflate (WebSocket compression); default true, as socket.io-client. */
      compression?: boolean;
    }
  | { type: "remove-client"; client: string }
  | {
      type: "emit";
      /** A client id (`client-2`) or `server`. */
      from: string;
      nsp?: string;
      /** For `from: "server"`: the socket id to emit to; omitted means every socket of `nsp`. */
      to?: string;
      event: string;
      /** JSON text of an array of arguments. */
      args: string;
      ack?: boolean;
      /** How long to wait for the ack, in ms (`socket.timeout(ms)`); default 5000. */
      timeoutMs?: number;
      /** `socket.volatile.emit(…)`: dropped, never written, if the transport is not writable. */
      volatile?: boolean;
      /** `socket.compress(false).emit(…)`: this frame is not deflated. */
      compress?: boolean;
    }
  | { type: "join" | "leave"; client: string; nsp?: string; room: string }
  /** The lab cuts a client's TCP connections (its network fails), as connection state recovery is tried with. */
  | { type: "cut"; client: string }
  /** In a lab of several server nodes: one node stops, and its clients come back through the balancer. */
  | { type: "node-stop"; node: string }
  | { type: "broadcast"; nsp?: string; room?: string; exceptClient?: string; event: string; args: string }
  | { type: "disconnect"; client: string; nsp?: string }
  | { type: "server-stop" }
  | { type: "server-start" }
  | { type: "network"; settings: Partial<NetworkSettings> }
  | ClassCommand;

export interface CommandResult {
  ok: boolean;
  message: string;
}

export interface LabApi {
  listScenarios(): Promise<ScenarioInfo[]>;
  startScenario(id: string, options?: { seed?: number }): Promise<LabStatus>;
  nextStep(): Promise<LabStatus>;
  restartScenario(): Promise<LabStatus>;
  stop(): Promise<LabStatus>;
  command(command: FreePlayCommand): Promise<CommandResult>;
  attach(url: string, options?: { transports?: ClientTransports }): Promise<CommandResult>;
  openToPeers(options: { host: string }): Promise<CommandResult>;
  getStatus(): Promise<LabStatus>;
  /** Subscribe to trace batches; the first batch replays what is already recorded. */
  onTrace(listener: (batch: TraceBatch) => void): () => void;
  onStatus(listener: (status: LabStatus) => void): () => void;
}

/** The calls of LabApi (request → answer), in one list both transports derive their names from. */
export const LAB_CALLS = ["listScenarios", "startScenario", "nextStep", "restartScenario", "stop", "command", "attach", "openToPeers", "getStatus"] as const;
/** The subscriptions of LabApi: the page asks to (re)subscribe; what follows is pushed. */
export const LAB_SUBSCRIPTIONS = ["onTrace", "onStatus"] as const;
export const LAB_METHODS = [...LAB_CALLS, ...LAB_SUBSCRIPTIONS] as const;
export type LabCall = (typeof LAB_CALLS)[number];
export type LabMethod = (typeof LAB_METHODS)[number];
// Every LabApi member is in the list, and nothing else: a method added to one and not the other fails to compile.
type SameKeys = [Exclude<keyof LabApi, LabMethod>, Exclude<LabMethod, keyof LabApi>] extends [never, never] ? true : false;
export const LAB_METHODS_COMPLETE: SameKeys = true;

export type { Transport };
