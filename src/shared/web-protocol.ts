// The web-mode protocol between the renderer's web client and the Node web server, over
// one loopback WebSocket at /lab: JSON requests with ids → responses; server-pushed
// `trace` (at most one per animation frame), `status` and `shell` (the server's requests to the
// page, as Electron's menu sends them over IPC) messages. Pure envelope checks here.
// The server writes its messages as ASCII-only JSON (non-ASCII characters as \u escapes).

import { LAB_CALLS, type LabCall, type LabStatus, type TraceBatch } from "./lab-api.js";
import { SHELL_REQUEST_TYPES, type ShellRequest } from "./page-api.js";

export const LAB_PATH = "/lab";
/**
 * Largest client message accepted, in bytes: well above the largest command the lab takes
 * (arguments up to 64 KiB), so a command that is too large is answered "too large" by the
 * lab's schema; only a message past this closes the page's link.
 */
export const MAX_CLIENT_MESSAGE = 256 * 1024;

export interface RequestMessage {
  type: "request";
  id: number;
  method: LabCall;
  params: unknown[];
}
export type ClientMessage = RequestMessage;

export type ResponseMessage = { type: "response"; id: number; ok: true; result: unknown } | { type: "response"; id: number | null; ok: false; error: string };
export type ServerMessage = ResponseMessage | { type: "trace"; batch: TraceBatch } | { type: "status"; status: LabStatus } | { type: "shell"; request: ShellRequest };

export type Parsed<T> = { ok: true; message: T } | { ok: false; id: number | null; error: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === "string";

/**
 * The envelope of a client message: a request with an integer id, a LabApi call and an array of
 * parameters. The parameters are checked by the server with the one schema of LabApi calls
 * (src/main/protocol/lab-args.ts), the same one Electron's IPC gateway applies.
 */
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
  if (!isStr(v.method) || !(LAB_CALLS as readonly string[]).includes(v.method)) return { ok: false, id, error: `unknown method ${JSON.stringify(v.method)}` };
  const params = v.params === undefined ? [] : v.params;
  if (!Array.isArray(params)) return { ok: false, id, error: "params must be an array" };
  return { ok: true, message: { type: "request", id, method: v.method as LabCall, params } };
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
    case "shell":
      return isObj(v.request) && (SHELL_REQUEST_TYPES as readonly unknown[]).includes(v.request.type)
        ? { ok: true, message: v as unknown as ServerMessage }
        : { ok: false, id: null, error: "shell message without a known request" };
    default:
      return { ok: false, id: null, error: "unknown message type" };
  }
}
