// The arguments of every LabApi call the page may make, checked the same way whether they came
// over Electron IPC or web mode's WebSocket. The map is typed against LabApi, so a validator
// that accepts the wrong shape fails to compile.

import { isIP } from "node:net";
import type { FreePlayCommand, LabApi, LabMethod } from "../../shared/lab-api.js";
import { isLoopbackIPv4 } from "../../shared/loopback.js";
import { CLASS_LIMITS } from "../../shared/class-mode.js";
import { parseBoundedJson } from "./bounded-json.js";
import { DROP_LIMITS, NETWORK_LIMITS } from "../../shared/network-limits.js";
import type { NetworkSettings } from "../../shared/network-settings.js";
import { args, array, bool, literal, num, object, optional, str, tagged, type Validator } from "./validate.js";

const scenarioId = str({ min: 1, max: 64, pattern: /^[a-z0-9][a-z0-9-]*$/ });
const hostId = str({ min: 1, max: 64, pattern: /^[A-Za-z0-9._-]+$/ });
const nsp = str({ min: 1, max: 128, pattern: /^\/[A-Za-z0-9_./-]*$/ });
const room = str({ min: 1, max: 128 });
const eventName = str({ min: 1, max: 128 });
const socketId = str({ min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/ });
const transports = literal(["polling-upgrade", "websocket", "polling"] as const);
const seed = num({ min: NETWORK_LIMITS.seed.min, max: NETWORK_LIMITS.seed.max, integer: true });

/** A loopback IPv4 address (127.0.0.0/8), which is all a lab client may bind. */
const loopbackIp: Validator<string> = (v, path = "") => {
  const r = str({ max: 15 })(v, path);
  if (!r.ok) return r;
  return isLoopbackIPv4(r.value) ? r : { ok: false, error: `${path}: not a loopback IPv4 address (127.x.y.z)` };
};

/** JSON text of an array of arguments (what the free-play form sends), bounded in size and nesting. */
export const jsonArgs: Validator<string> = (v, path = "") => {
  if (typeof v !== "string") return { ok: false, error: `${path}: must be a string` };
  const parsed = parseBoundedJson(v);
  if (!parsed.ok) return { ok: false, error: `${path}: ${parsed.error}` };
  return Array.isArray(parsed.value) ? { ok: true, value: v } : { ok: false, error: `${path}: must be the JSON text of an array` };
};

const webUrl: Validator<string> = (v, path = "") => {
  const r = str({ min: 1, max: 2048 })(v, path);
  if (!r.ok) return r;
  let url: URL;
  try {
    url = new URL(r.value);
  } catch {
    return { ok: false, error: `${path}: not a URL` };
  }
  return ["http:", "https:", "ws:", "wss:"].includes(url.protocol) && url.hostname !== ""
    ? r
    : { ok: false, error: `${path}: must be an http(s) or ws(s) URL` };
};

const bindHost: Validator<string> = (v, path = "") => {
  const r = str({ min: 2, max: 45 })(v, path);
  if (!r.ok) return r;
  return isIP(r.value) !== 0 ? r : { ok: false, error: `${path}: must be an IP address` };
};

/** A poll's choices: 2 to 6 short texts. */
const pollChoices: Validator<string[]> = (v, path = "") => {
  const r = array(str({ min: 1, max: CLASS_LIMITS.choice.max }), CLASS_LIMITS.choices.max)(v, path);
  if (!r.ok) return r;
  return r.value.length >= CLASS_LIMITS.choices.min ? r : { ok: false, error: `${path}: must have at least ${CLASS_LIMITS.choices.min} items` };
};

/** A number in the documented range of that network setting (shared/network-limits.ts). */
const setting = (key: keyof typeof NETWORK_LIMITS): Validator<number> => {
  const r: { min: number; max: number; integer?: boolean } = NETWORK_LIMITS[key];
  return num({ min: r.min, max: r.max, integer: r.integer ?? false });
};

const networkSettings: Validator<Partial<NetworkSettings>> = object({
  latency: optional(setting("latency")),
  loss: optional(setting("loss")),
  duplication: optional(setting("duplication")),
  reordering: optional(setting("reordering")),
  mss: optional(setting("mss")),
  seed: optional(seed),
  drop: optional(array(num({ min: 0, max: DROP_LIMITS.max, integer: true }), DROP_LIMITS.count)),
  relative: optional(bool),
});

export const freePlayCommand: Validator<FreePlayCommand> = tagged<FreePlayCommand>({
  "add-client": object({
    type: literal(["add-client"] as const),
    transports: optional(transports),
    ip: optional(loopbackIp),
    namespaces: optional(array(nsp, 32)),
    token: optional(str({ min: 0, max: 256 })),
    retries: optional(num({ min: 0, max: 10, integer: true })),
    ackTimeout: optional(num({ min: 50, max: 60_000, integer: true })),
    compression: optional(bool),
  }),
  "remove-client": object({ type: literal(["remove-client"] as const), client: hostId }),
  emit: object({
    type: literal(["emit"] as const),
    from: hostId,
    nsp: optional(nsp),
    to: optional(socketId),
    event: eventName,
    args: jsonArgs,
    ack: optional(bool),
    timeoutMs: optional(num({ min: 50, max: 60_000, integer: true })),
    volatile: optional(bool),
    compress: optional(bool),
  }),
  join: object({ type: literal(["join"] as const), client: hostId, nsp: optional(nsp), room }),
  leave: object({ type: literal(["leave"] as const), client: hostId, nsp: optional(nsp), room }),
  broadcast: object({
    type: literal(["broadcast"] as const),
    nsp: optional(nsp),
    room: optional(room),
    exceptClient: optional(hostId),
    event: eventName,
    args: jsonArgs,
  }),
  disconnect: object({ type: literal(["disconnect"] as const), client: hostId, nsp: optional(nsp) }),
  cut: object({ type: literal(["cut"] as const), client: hostId }),
  "node-stop": object({ type: literal(["node-stop"] as const), node: hostId }),
  "server-stop": object({ type: literal(["server-stop"] as const) }),
  "server-start": object({ type: literal(["server-start"] as const) }),
  network: object({ type: literal(["network"] as const), settings: networkSettings }),
  "class-open": object({
    type: literal(["class-open"] as const),
    host: bindHost,
    cap: optional(num({ min: CLASS_LIMITS.cap.min, max: CLASS_LIMITS.cap.max, integer: true })),
  }),
  "class-close": object({ type: literal(["class-close"] as const) }),
  "class-student": object({
    type: literal(["class-student"] as const),
    action: literal(["mute", "unmute", "remove", "reset"] as const),
    student: hostId,
  }),
  "class-poll": object({
    type: literal(["class-poll"] as const),
    question: str({ min: 1, max: CLASS_LIMITS.text.max }),
    choices: pollChoices,
    answer: num({ min: 0, max: CLASS_LIMITS.choices.max - 1, integer: true }),
    timeoutMs: optional(num({ min: CLASS_LIMITS.pollTimeout.min, max: CLASS_LIMITS.pollTimeout.max, integer: true })),
  }),
  "class-reveal": object({ type: literal(["class-reveal"] as const) }),
});

/** What crosses IPC or the web socket for each LabApi method: its arguments, minus the listeners of onX. */
export type IpcArgs<M extends LabMethod> = M extends "onTrace" | "onStatus" ? [] : Parameters<LabApi[M]>;

export const LAB_ARG_SCHEMAS: { [M in LabMethod]: Validator<IpcArgs<M>> } = {
  listScenarios: args([]),
  startScenario: args([scenarioId, optional(object({ seed: optional(seed) }))]),
  nextStep: args([]),
  restartScenario: args([]),
  stop: args([]),
  command: args([freePlayCommand]),
  attach: args([webUrl, optional(object({ transports: optional(transports) }))]),
  openToPeers: args([object({ host: bindHost })]),
  getStatus: args([]),
  onTrace: args([]),
  onStatus: args([]),
};


/** The one check of a LabApi call's arguments, on receipt, in both servers (IPC gateway, web server). */
export function checkLabCall<M extends LabMethod>(method: M, raw: unknown, path: string): ReturnType<Validator<IpcArgs<M>>> {
  return (LAB_ARG_SCHEMAS[method] as Validator<IpcArgs<M>>)(raw, path);
}

/** `lab:ready` (IPC) carries nothing. */
export const READY_SCHEMA = args([]);
