// The trace format v1: the contract between the lab (writer), the renderer (reader) and
// saved files. Plain data only: no classes, Buffers, functions or Dates.

export const TRACE_FORMAT = "socketscope-trace";
export const TRACE_VERSION = 1;

export interface TraceHeader {
  format: typeof TRACE_FORMAT;
  version: typeof TRACE_VERSION;
  createdAt: string;
  app: { name: string; version: string };
  /** `keyView`: the view the lesson is about (what presenter mode gives the room), so a file knows it too. */
  scenario?: { id: string; title: string; seed?: number; keyView?: string };
}

export const LAYERS = ["lab", "tcp", "wire", "engine", "socketio", "api"] as const;
export type Layer = (typeof LAYERS)[number];
export type Dir = "in" | "out";
/** `balancer`: the load balancer in front of several server nodes; `redis`: a Redis server the lab started. */
export type HostRole = "server" | "client" | "external" | "balancer" | "redis";

export interface Endpoint {
  ip: string;
  port: number;
}

/** Fields every event has. `t` is ms since the lab started, on one monotonic clock. */
export interface EventBase {
  id: number;
  t: number;
  host: string;
  conn?: string;
  dir?: Dir;
  parents?: number[];
}

type Ev<L extends Layer, K extends string, F> = EventBase & { layer: L; kind: K } & F;

// ── lab ────────────────────────────────────────────────────────────────────────
/**
 * Declares a host. For clients, `reconnection` says whether it retries on its own after a
 * lost connection; a second `host` event with `removed: true` says the lab removed it.
 */
export type LabHostEvent = Ev<
  "lab",
  "host",
  { role: HostRole; label: string; ips: string[]; reconnection?: boolean; removed?: boolean }
>;
export type LabListenEvent = Ev<"lab", "listen", { ip: string; port: number; service: string }>;
/**
 * A scenario step begins. `teardown: true` marks the phase after the last step in which the
 * lab closes (clients disconnect, connections end): never part of a lesson step.
 */
export type LabStepEvent = Ev<
  "lab",
  "step",
  { index: number; title: string; narration: string; scenario?: string; teardown?: boolean }
>;
export type LabFaultEvent = Ev<"lab", "fault", { fault: string; detail?: string }>;
/** Something the lab caught. `level: "notice"` for things that went on fine (a busy port). */
export type LabErrorEvent = Ev<
  "lab",
  "error",
  { message: string; level?: "error" | "notice"; code?: string; raw?: string }
>;
/** A line the learners' code logged (`console.log` in a server handler or a client callback). */
export type LabLogEvent = Ev<"lab", "log", { text: string }>;
/**
 * A message between the cluster adapters of several server nodes over the lab's in-process
 * bus (no TCP: the bus stands in for a broker). `message` is socket.io-adapter's message type
 * (`BROADCAST`, `FETCH_SOCKETS`, …), `uid` the sending adapter's server id, `to` the node a
 * response is for. `dir: "out"` on the node that published it, `"in"` on each node it reached
 * (its parent is the `out`).
 */
export type LabBusEvent = Ev<
  "lab",
  "bus",
  { message: string; nsp: string; uid: string; to?: string; requestId?: string; data?: unknown }
>;
export type LabEvent = LabHostEvent | LabListenEvent | LabStepEvent | LabFaultEvent | LabErrorEvent | LabLogEvent | LabBusEvent;

// ── tcp ────────────────────────────────────────────────────────────────────────
export type TcpOpenEvent = Ev<
  "tcp",
  "open",
  { local: Endpoint; remote: Endpoint; role: "client" | "server"; peer?: string }
>;
/** `offset` is the chunk's byte offset in its direction's stream; `bytes` is base64. */
export type TcpDataEvent = Ev<"tcp", "data", { offset: number; length: number; bytes: string }>;
/**
 * Bytes the application wrote that never left the host (written after the connection was
 * reset or destroyed): recorded as such, never as `data`. `offset` continues the direction's
 * stream count of attempted bytes; `reason` is what Node said (EPIPE, ERR_STREAM_DESTROYED, …).
 */
export type TcpUnsentEvent = Ev<"tcp", "unsent", { offset: number; length: number; bytes: string; reason: string }>;
/** A connection attempt that never opened: the SYN was answered by a reset (or failed otherwise). */
export type TcpRefusedEvent = Ev<"tcp", "refused", { remote: Endpoint; local?: Endpoint; code: string }>;
/**
 * `bytesIn`/`bytesOut` are the bytes captured as `data` (read / confirmed sent),
 * `bytesRead`/`bytesWritten` what Node counted; `checked` is true when they are equal (the
 * self-check). `ended` says how the connection ended (`fin` both ways, or a `reset`) and
 * `closedBy` which end began it. `unsent` counts bytes written that never left;
 * `unread` bytes that reached this host's kernel but its application never read (known
 * where the other end is a lab host).
 */
export type TcpCloseEvent = Ev<
  "tcp",
  "close",
  {
    reason: string;
    reset?: boolean;
    ended?: "fin" | "reset";
    closedBy?: "local" | "remote";
    bytesIn: number;
    bytesOut: number;
    bytesRead: number;
    bytesWritten: number;
    unsent?: number;
    unread?: number;
    checked: boolean;
  }
>;
export type TcpEvent = TcpOpenEvent | TcpDataEvent | TcpUnsentEvent | TcpRefusedEvent | TcpCloseEvent;

// ── wire ───────────────────────────────────────────────────────────────────────
/** Every wire unit spans `[offset, offset + length)` of its direction's TCP stream. */
interface WireUnit {
  offset: number;
  length: number;
  headerLength: number;
  preview: string;
  sid?: string;
  /** Written by the application, but (some of) its bytes never left the host (see tcp `unsent`). */
  unsent?: boolean;
}
export type HttpRequestEvent = Ev<
  "wire",
  "http-request",
  WireUnit & { method: string; path: string; headers: Record<string, string>; upgrade?: boolean }
>;
export type HttpResponseEvent = Ev<
  "wire",
  "http-response",
  WireUnit & { status: number; headers: Record<string, string> }
>;
/** The `101 Switching Protocols` response: from here on the connection carries frames. */
export type WsUpgradeEvent = Ev<
  "wire",
  "ws-upgrade",
  WireUnit & { status: number; headers: Record<string, string> }
>;
export type WsFrameEvent = Ev<
  "wire",
  "ws-frame",
  WireUnit & { opcode: number; fin: boolean; masked: boolean; rsv1?: boolean; payloadLength: number }
>;
/**
 * One RESP value on a connection to Redis: a command the client wrote (an array of bulk
 * strings; `command` is its name, upper-cased, e.g. `PUBLISH`) or a reply or pushed message
 * the server sent (`command`: the first element of a pushed array, e.g. `pmessage`). `type`
 * is the RESP type of the value (`array`, `bulk`, `simple`, `error`, `integer`, `null`, …);
 * `items` the element count of an aggregate.
 */
export type RespEvent = Ev<
  "wire",
  "resp",
  WireUnit & { type: string; command?: string; items?: number }
>;
export type WireEvent = HttpRequestEvent | HttpResponseEvent | WsUpgradeEvent | WsFrameEvent | RespEvent;
export type WireKind = WireEvent["kind"];

// ── engine ─────────────────────────────────────────────────────────────────────
export const ENGINE_PACKET_TYPES = ["open", "close", "ping", "pong", "message", "upgrade", "noop"] as const;
export type EnginePacketType = (typeof ENGINE_PACKET_TYPES)[number];
export type Transport = "polling" | "websocket";
/**
 * One Engine.IO packet. `data` is text, or base64 when `binary`. `recovered` marks packets
 * that no public event shows (handshake `open`, probes, `noop`, …): they were parsed from
 * the bytes on the wire.
 */
export type EnginePacketEvent = Ev<
  "engine",
  "packet",
  {
    type: EnginePacketType;
    data?: string;
    binary?: boolean;
    sid?: string;
    transport?: Transport;
    recovered?: boolean;
  }
>;
export type EngineEvent = EnginePacketEvent;

// ── socketio ───────────────────────────────────────────────────────────────────
export const SOCKETIO_PACKET_TYPES = [
  "CONNECT",
  "DISCONNECT",
  "EVENT",
  "ACK",
  "CONNECT_ERROR",
  "BINARY_EVENT",
  "BINARY_ACK",
] as const;
export type SocketIoPacketType = (typeof SOCKETIO_PACKET_TYPES)[number];
/** `encoded` is the exact string the parser produced or consumed (binary attachments apart). */
export type SocketIoPacketEvent = Ev<
  "socketio",
  "packet",
  {
    type: SocketIoPacketType;
    nsp: string;
    ackId?: number;
    attachments?: number;
    encoded: string;
    data?: unknown;
  }
>;
export type SocketIoEvent = SocketIoPacketEvent;

// ── api ────────────────────────────────────────────────────────────────────────
export const API_KINDS = [
  "emit",
  "receive",
  "ack-send",
  "ack-receive",
  "connect",
  "disconnect",
  "disconnecting",
  "connect_error",
  "reconnect_attempt",
  "reconnect",
  "join",
  "leave",
  "broadcast",
] as const;
export type ApiKind = (typeof API_KINDS)[number];
export type ApiEvent = Ev<
  "api",
  ApiKind,
  {
    nsp?: string;
    socketId?: string;
    event?: string;
    args?: unknown[];
    ack?: boolean;
    reason?: string;
    room?: string;
    rooms?: string[];
    /** Socket ids or rooms a broadcast leaves out. */
    except?: string[];
    attempt?: number;
    /** Source text of the call as a learner would write it, e.g. `socket.emit("hello", "world", cb)`. */
    code?: string;
    /** An `emit` that was never sent (no packet was encoded for it); `reason` says why. */
    dropped?: boolean;
    /** A `broadcast`: how many sockets it was written to (0: its packet was encoded, never sent). */
    recipients?: number;
  }
>;

export type TraceEvent = LabEvent | TcpEvent | WireEvent | EngineEvent | SocketIoEvent | ApiEvent;

/** An event before the recorder stamped its `id` and `t`. */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type NewEvent = DistributiveOmit<TraceEvent, "id" | "t">;

export function assertNever(x: never, what = "value"): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(x)}`);
}
