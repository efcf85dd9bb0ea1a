// Validation of trace format v1: one header, then events. Pure; used by the file reader in
// Node and by the renderer when a user opens a file. Returns a reason, or null when valid.

import {
  API_KINDS,
  ENGINE_PACKET_TYPES,
  LAYERS,
  SOCKETIO_PACKET_TYPES,
  TRACE_FORMAT,
  TRACE_VERSION,
  type HostRole,
  type TraceEvent,
  type TraceHeader,
} from "./types.js";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isInt = (v: unknown): v is number => Number.isSafeInteger(v);
const isStr = (v: unknown): v is string => typeof v === "string";

type Spec = readonly [name: string, check: (v: unknown) => boolean, type: string, optional?: boolean];

function field(o: Obj, name: string, check: (v: unknown) => boolean, type: string, optional = false): string | null {
  if (!(name in o) || o[name] === undefined) return optional ? null : `missing field "${name}"`;
  return check(o[name]) ? null : `field "${name}" must be ${type}`;
}

function fields(o: Obj, specs: readonly Spec[]): string | null {
  for (const [name, check, type, optional] of specs) {
    const err = field(o, name, check, type, optional ?? false);
    if (err) return err;
  }
  return null;
}

const HOST_ROLES = ["server", "client", "external", "balancer", "redis"] as const satisfies readonly HostRole[];
const isCount = (v: unknown): boolean => isInt(v) && (v as number) >= 0;
const isEndpoint = (v: unknown): boolean => isObj(v) && isStr(v.ip) && isInt(v.port) && (v.port as number) >= 0 && (v.port as number) <= 65535;
const inRange = (min: number, max: number) => (v: unknown): boolean => isInt(v) && (v as number) >= min && (v as number) <= max;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** Bytes that base64 text decodes to, or -1 when it is not canonical base64. */
function base64Length(text: string): number {
  if (text.length % 4 !== 0 || !BASE64.test(text)) return -1;
  const pad = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  return (text.length / 4) * 3 - pad;
}
const isStrArray = (v: unknown): boolean => Array.isArray(v) && v.every(isStr);
const isStrRecord = (v: unknown): boolean => isObj(v) && Object.values(v).every(isStr);
const isBool = (v: unknown): boolean => typeof v === "boolean";
const oneOf =
  (values: readonly string[]) =>
  (v: unknown): boolean =>
    isStr(v) && values.includes(v);

export function validateHeader(value: unknown): string | null {
  if (!isObj(value)) return "the header must be a JSON object";
  if (value.format !== TRACE_FORMAT) return `not a SocketScope trace (format is ${JSON.stringify(value.format)}, expected "${TRACE_FORMAT}")`;
  if (value.version !== TRACE_VERSION) return `unsupported trace version ${JSON.stringify(value.version)} (this app reads version ${TRACE_VERSION})`;
  const err = fields(value, [
    ["createdAt", (v) => isStr(v) && !Number.isNaN(Date.parse(v)), "an ISO-8601 date"],
    ["app", (v) => isObj(v) && isStr(v.name) && isStr(v.version), "an object with name and version"],
    ["scenario", (v) => isObj(v) && isStr(v.id) && isStr(v.title) && (v.seed === undefined || isNum(v.seed)), "an object with id and title", true],
  ]);
  return err;
}

// Every spec is built once: validating a million-event file calls these a million times.
const WIRE_UNIT: readonly Spec[] = [
  ["offset", isCount, "an integer, 0 or more"],
  ["length", isCount, "an integer, 0 or more"],
  ["headerLength", isCount, "an integer, 0 or more"],
  ["preview", isStr, "a string"],
  ["sid", isStr, "a string", true],
];
const HEADERS: Spec = ["headers", isStrRecord, "an object of strings", true];
const CONN: Spec = ["conn", isStr, "a string"];

const BODY: Readonly<Record<string, Readonly<Record<string, readonly Spec[]>>>> = {
  lab: {
    host: [["role", oneOf(HOST_ROLES), HOST_ROLES.join(", ")], ["label", isStr, "a string"], ["ips", isStrArray, "an array of strings"]],
    listen: [["ip", isStr, "a string"], ["port", isInt, "an integer"], ["service", isStr, "a string"]],
    step: [["index", isInt, "an integer"], ["title", isStr, "a string"], ["narration", isStr, "a string"]],
    fault: [["fault", isStr, "a string"]],
    error: [["message", isStr, "a string"], ["raw", isStr, "a string", true]],
    log: [["text", isStr, "a string"]],
    bus: [["message", isStr, "a string"], ["nsp", isStr, "a string"], ["uid", isStr, "a string"], ["to", isStr, "a string", true], ["dir", oneOf(["in", "out"]), "in or out"]],
  },
  tcp: {
    open: [["local", isEndpoint, "an {ip, port} object"], ["remote", isEndpoint, "an {ip, port} object"], CONN],
    data: [["offset", isCount, "an integer, 0 or more"], ["length", isCount, "an integer, 0 or more"], ["bytes", isStr, "a base64 string"], CONN, ["dir", oneOf(["in", "out"]), "in or out"]],
    unsent: [["offset", isCount, "an integer, 0 or more"], ["length", isCount, "an integer, 0 or more"], ["bytes", isStr, "a base64 string"], ["reason", isStr, "a string"], CONN],
    refused: [["remote", isEndpoint, "an {ip, port} object"], ["code", isStr, "a string"], CONN],
    close: [["reason", isStr, "a string"], CONN],
  },
  wire: {
    "http-request": [...WIRE_UNIT, ["method", isStr, "a string"], ["path", isStr, "a string"], HEADERS],
    "http-response": [...WIRE_UNIT, ["status", inRange(100, 999), "an HTTP status (100 to 999)"], HEADERS],
    "ws-upgrade": [...WIRE_UNIT, ["status", inRange(100, 999), "an HTTP status (100 to 999)"], HEADERS],
    "ws-frame": [...WIRE_UNIT, ["opcode", inRange(0, 15), "an opcode (0 to 15)"], ["fin", isBool, "a boolean"], ["masked", isBool, "a boolean"]],
    resp: [...WIRE_UNIT, ["type", isStr, "a string"], ["command", isStr, "a string", true], ["items", isCount, "an integer, 0 or more", true]],
  },
  engine: {
    packet: [["type", oneOf(ENGINE_PACKET_TYPES), `one of ${ENGINE_PACKET_TYPES.join(", ")}`], ["data", isStr, "a string", true], ["sid", isStr, "a string", true]],
  },
  socketio: {
    packet: [["type", oneOf(SOCKETIO_PACKET_TYPES), `one of ${SOCKETIO_PACKET_TYPES.join(", ")}`], ["nsp", isStr, "a string"], ["encoded", isStr, "a string"], ["ackId", isInt, "an integer", true], ["attachments", isInt, "an integer", true]],
  },
  api: Object.fromEntries(
    API_KINDS.map((k) => [k, [["nsp", isStr, "a string", true], ["socketId", isStr, "a string", true], ["event", isStr, "a string", true], ["args", Array.isArray, "an array", true], ["reason", isStr, "a string", true], ["room", isStr, "a string", true]] as const satisfies readonly Spec[]]),
  ),
};

function validateBody(e: Obj): string | null {
  const kind = e.kind;
  const byKind = Object.hasOwn(BODY, e.layer as string) ? BODY[e.layer as string] : undefined;
  const specs = byKind && typeof kind === "string" && Object.hasOwn(byKind, kind) ? byKind[kind] : undefined;
  if (specs) return fields(e, specs);
  return `unknown kind ${JSON.stringify(kind)} for layer "${String(e.layer)}"`;
}

const EVENT: readonly Spec[] = [
  ["id", isInt, "an integer"],
  ["t", isNum, "a number"],
  ["host", isStr, "a string"],
  ["layer", oneOf(LAYERS), `one of ${LAYERS.join(", ")}`],
  ["kind", isStr, "a string"],
  ["conn", isStr, "a string", true],
  ["dir", oneOf(["in", "out"]), "in or out", true],
  ["parents", (v) => Array.isArray(v) && v.every(isInt), "an array of integer ids", true],
];

/** Checks ids, parents and per-layer fields across a whole trace, one event at a time. */
export interface EventValidator {
  check(value: unknown): string | null;
}

export function createEventValidator(): EventValidator {
  /** Where each connection's direction has got to: the next `data` must start there. */
  const streamEnds = new Map<string, number>();
  /** A tcp chunk's bytes: canonical base64 of `length` bytes; `data` continues its stream. */
  const checkBytes = (e: Obj): string | null => {
    if (e.layer !== "tcp" || (e.kind !== "data" && e.kind !== "unsent")) return null;
    const decoded = base64Length(e.bytes as string);
    if (decoded < 0) return 'field "bytes" is not valid base64';
    if (decoded !== e.length) return `field "bytes" holds ${decoded} bytes, but "length" says ${e.length as number}`;
    if (e.kind === "unsent") return null;
    const key = `${e.conn as string} ${e.dir as string}`;
    const expected = streamEnds.get(key) ?? 0;
    if (e.offset !== expected) return `bytes of ${e.conn as string} (${e.dir as string}) must be contiguous: offset ${e.offset as number}, expected ${expected}`;
    streamEnds.set(key, expected + decoded);
    return null;
  };
  // Ids increase, so the ids seen form a sorted list: parents are found by binary search.
  let ids = new Float64Array(1024);
  let count = 0;
  let lastT = -Infinity;
  const has = (id: number): boolean => {
    let lo = 0;
    let hi = count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = ids[mid]!;
      if (v === id) return true;
      if (v < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  };
  return {
    check(value) {
      if (!isObj(value)) return "an event must be a JSON object";
      if (Object.hasOwn(value, "__proto__")) return 'field "__proto__" is not allowed';
      const err = fields(value, EVENT);
      if (err) return err;
      const id = value.id as number;
      if (count > 0 && id <= ids[count - 1]!) return `ids must increase (id ${id} follows ${ids[count - 1]})`;
      // one monotonic clock stamps ids and times together: a time never goes back
      if ((value.t as number) < lastT) return `times must not go back (t ${value.t as number} follows ${lastT})`;
      for (const p of (value.parents as number[] | undefined) ?? []) {
        if (!has(p)) return `parent id ${p} does not exist earlier in the trace`;
      }
      const bodyErr = validateBody(value) ?? checkBytes(value);
      if (bodyErr) return bodyErr;
      if (count === ids.length) {
        const grown = new Float64Array(ids.length * 2);
        grown.set(ids);
        ids = grown;
      }
      ids[count++] = id;
      lastT = value.t as number;
      return null;
    },
  };
}

export type { TraceEvent, TraceHeader };
