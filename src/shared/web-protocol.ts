// The web-mode protocol between the renderer's web client and the Node web server, over
// one loopback WebSocket at /lab: JSON requests with ids → responses; server-pushed
// `trace` (at most one per animation frame) and `status` messages. Pure validation here.
// The server writes its messages as ASCII-only JSON (non-ASCII characters as \u escapes).

import type { LabStatus, TraceBatch } from "./lab-api.js";

export const LAB_PATH = "/lab";
/** Largest client message accepted, in bytes. */
export const MAX_CLIENT_MESSAGE = 64 * 1024;

export const LAB_METHODS = ["listScenarios", "startScenario", "nextStep", "restartScenario", "stop", "command", "attach", "openToPeers", "getStatus"] as const;
export type LabMethod = (typeof LAB_METHODS)[number];

export interface RequestMessage {
  type: "request";
  id: number;
  method: LabMethod;
  params: unknown[];
}
export type ClientMessage = RequestMessage;

export type ResponseMessage = { type: "response"; id: number; ok: true; result: unknown } | { type: "response"; id: number | null; ok: false; error: string };
export type ServerMessage = ResponseMessage | { type: "trace"; batch: TraceBatch } | { type: "status"; status: LabStatus };

export type Parsed<T> = { ok: true; message: T } | { ok: false; id: number | null; error: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === "string";
const optional = (check: (v: unknown) => boolean) => (v: unknown) => v === undefined || check(v);

/** Checks each method's parameters; returns a reason or null. */
function checkParams(method: LabMethod, p: unknown[]): string | null {
  const arity = (min: number, max: number): string | null => (p.length < min || p.length > max ? `${method} takes ${min === max ? min : `${min} to ${max}`} parameter(s)` : null);
  switch (method) {
    case "listScenarios":
    case "nextStep":
    case "restartScenario":
    case "stop":
    case "getStatus":
      return arity(0, 0);
    case "startScenario":
      return (
        arity(1, 2) ??
        (isStr(p[0]) && p[0].length <= 100 ? null : "scenario id must be a short string") ??
        (optional((o) => isObj(o) && optional((s) => Number.isSafeInteger(s))(o.seed))(p[1]) ? null : "options must be { seed?: integer }")
      );
    case "command":
      // the command itself is checked by the server's schema, the same one as Electron's IPC
      return arity(1, 1);
    case "attach":
      return (
        arity(1, 2) ??
        (isStr(p[0]) && p[0].length <= 2000 ? null : "url must be a string") ??
        (optional((o) => isObj(o) && optional((t) => t === "polling-upgrade" || t === "websocket" || t === "polling")(o.transports))(p[1]) ? null : "options must be { transports? }")
      );
    case "openToPeers":
      return arity(1, 1) ?? (isObj(p[0]) && isStr(p[0].host) ? null : "options must be { host: string }");
  }
}

export function parseClientMessage(text: string): Parsed<ClientMessage> {
  if (text.length > MAX_CLIENT_MESSAGE) return { ok: false, id: null, error: "message too large" };
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { ok: false, id: null, error: "message is not JSON" };
  }
  if (!isObj(v)) return { ok: false, id: null, error: "message must be a JSON object" };
  const id = Number.isSafeInteger(v.id) ? (v.id as number) : null;
  if (v.type !== "request") return { ok: false, id, error: 'unknown message type (expected "request")' };
  if (id === null) return { ok: false, id: null, error: "request needs an integer id" };
  if (!isStr(v.method) || !(LAB_METHODS as readonly string[]).includes(v.method)) return { ok: false, id, error: `unknown method ${JSON.stringify(v.method)}` };
  const params = v.params === undefined ? [] : v.params;
  if (!Array.isArray(params)) return { ok: false, id, error: "params must be an array" };
  const method = v.method as LabMethod;
  const err = checkParams(method, params);
  if (err) return { ok: false, id, error: err };
  return { ok: true, message: { type: "request", id, method, params } };
}

export function parseServerMessage(text: string): Parsed<ServerMessage> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { ok: false, id: null, error: "message is not JSON" };
  }
  if (!isObj(v)) return { ok: false, id: null, error: "message must be an object" };
  switch (v.type) {
    case "response":
      if (typeof v.ok !== "boolean") return { ok: false, id: null, error: "response without ok" };
      if (v.ok === false && !isStr(v.error)) return { ok: false, id: null, error: "error response without error text" };
      if (v.ok === true && !Number.isSafeInteger(v.id)) return { ok: false, id: null, error: "response without id" };
      return { ok: true, message: v as unknown as ResponseMessage };
    case "trace":
      return isObj(v.batch) && Array.isArray(v.batch.events) ? { ok: true, message: v as unknown as ServerMessage } : { ok: false, id: null, error: "trace without batch" };
    case "status":
      return isObj(v.status) && isStr(v.status.state) ? { ok: true, message: v as unknown as ServerMessage } : { ok: false, id: null, error: "status without state" };
    default:
      return { ok: false, id: null, error: "unknown message type" };
  }
}
