// What a scenario is: data (id, title, summary, steps with narration) plus a script (each
// step's action on the live lab). Actions end in a settled state: they await real events
// (an ack, an upgrade, a disconnect), never a fixed delay.

import type { Socket as ClientSocket } from "socket.io-client";
import type { KeyView } from "../../../shared/lab-api.js";
import type { NetworkSettings } from "../../../shared/network-settings.js";
import type { Lab, LabOptions } from "../lab.js";
import type { ScaleOutChoices } from "../scale-out/choices.js";

/** What the command line may choose about a scenario's lab beyond its options (`--nodes`, `--balance`, `--adapter`). */
export type LabChoices = ScaleOutChoices;

export interface ScenarioContext {
  lab: Lab;
  seed: number;
  /** How many clients scenarios with several should use (`run --clients N`); each has its default. */
  clients?: number;
  /** State a scenario keeps between its steps. */
  state: Record<string, unknown>;
}

export interface ScenarioStep {
  title: string;
  narration: string;
  run(ctx: ScenarioContext): Promise<void>;
}

export interface Scenario {
  id: string;
  title: string;
  summary: string;
  /** The view the lesson is about: presenter mode gives it the room (Layers when not named). */
  keyView?: KeyView;
  lab?: Partial<LabOptions>;
  /**
   * Builds this scenario's lab in place of `createLab` (a lab of several server nodes, say),
   * from the options the runner would pass it and the command line's choices.
   */
  createLab?(options: LabOptions, choices: LabChoices): Promise<Lab>;
  /** Ports from the lab's port on that its servers listen on (default 2: Socket.IO and the status service). */
  listenPorts?(choices: LabChoices): number;
  /** Settings of the modelled network for the TCP view (recorded as a lab `fault` event). */
  network?: Partial<NetworkSettings>;
  steps: ScenarioStep[];
}

const STEP_TIMEOUT_MS = 15_000;

/** Resolves when `event` fires on `emitter` (rejects after a generous timeout, naming what it waited for). */
export function once<T = unknown>(
  emitter: { once(ev: string, fn: (...a: never[]) => void): unknown },
  event: string,
  what = event,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), STEP_TIMEOUT_MS);
    timer.unref();
    emitter.once(event, ((value: T) => {
      clearTimeout(timer);
      resolve(value);
    }) as never);
  });
}

export function connected(socket: ClientSocket): Promise<void> {
  return socket.connected ? Promise.resolve() : once<void>(socket, "connect", "the socket to connect");
}

/** Resolves once the client's engine runs over WebSocket (the upgrade finished). */
export async function upgraded(socket: ClientSocket): Promise<void> {
  const engine = socket.io.engine as unknown as { transport: { name: string }; once(ev: string, fn: () => void): void };
  if (engine.transport.name === "websocket") return;
  await once(engine, "upgrade", "the upgrade to WebSocket");
}

/** Runs `action` and resolves when it calls `done` (rejects after a generous timeout). */
export function settles(what: string, action: (done: () => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), STEP_TIMEOUT_MS);
    timer.unref();
    action(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** `socket.emit(event, ...args, ack)` as a promise of the ack's arguments. */
export function emitWithAck(socket: ClientSocket, event: string, ...args: unknown[]): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack for "${event}"`)), STEP_TIMEOUT_MS);
    timer.unref();
    socket.emit(event, ...args, (...reply: unknown[]) => {
      clearTimeout(timer);
      resolve(reply);
    });
  });
}

/** Waits until the trace has been quiet for a moment, so a step's last bytes are recorded. */
export async function quiesce(lab: Lab, quietMs = 25, maxMs = 1500): Promise<void> {
  const start = Date.now();
  let last = -1;
  while (Date.now() - start < maxMs) {
    const count = lab.recorder.count;
    if (count === last) return;
    last = count;
    await new Promise((r) => setTimeout(r, quietMs));
  }
}
