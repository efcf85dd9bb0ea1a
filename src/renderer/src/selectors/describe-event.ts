// One-line, learner-facing descriptions of trace events and the exact strings of each layer.

import { assertNever, type EnginePacketType, type TraceEvent } from "../../../shared/trace/types";

export const ENGINE_DIGIT: Record<EnginePacketType, string> = {
  open: "0",
  close: "1",
  ping: "2",
  pong: "3",
  message: "4",
  upgrade: "5",
  noop: "6",
};

export const LAYER_LABEL = { lab: "Lab", tcp: "TCP", wire: "Wire", engine: "Engine.IO", socketio: "Socket.IO", api: "API" } as const;

/** The Engine.IO packet as it is written on a WebSocket frame: type digit + data. */
export function engineString(e: Extract<TraceEvent, { layer: "engine" }>): string {
  return e.binary ? `<binary ${e.data?.length ?? 0} b64 chars>` : ENGINE_DIGIT[e.type] + (e.data ?? "");
}

function argList(args: unknown[] | undefined): string {
  return (args ?? []).map((a) => JSON.stringify(a)).join(", ");
}

/** The API call as a learner would write it. */
export function apiCode(e: Extract<TraceEvent, { layer: "api" }>): string {
  if (e.code) return e.code;
  const args = argList(e.args);
  switch (e.kind) {
    case "emit":
      return `socket.emit(${[JSON.stringify(e.event ?? ""), args, e.ack ? "cb" : ""].filter(Boolean).join(", ")})`;
    case "receive":
      return `socket.on(${JSON.stringify(e.event ?? "")}, (${args}${e.ack ? ", cb" : ""}) => …)`;
    case "ack-send":
      return `cb(${args})`;
    case "ack-receive":
      return `ack callback (${args})`;
    case "broadcast":
      return `io${e.room ? `.to(${JSON.stringify(e.room)})` : ""}.emit(${[JSON.stringify(e.event ?? ""), args].filter(Boolean).join(", ")})`;
    case "join":
    case "leave":
      return `socket.${e.kind}(${JSON.stringify(e.room ?? "")})`;
    case "connect":
    case "disconnect":
    case "disconnecting":
    case "connect_error":
    case "reconnect_attempt":
    case "reconnect":
      return `"${e.kind}"${e.reason ? ` (${e.reason})` : ""}`;
    default:
      return assertNever(e.kind, "api kind");
  }
}

/**
 * The call whole: the lab shortens a long argument in `code` (`"hi …"`); an emit or a broadcast
 * is rebuilt from its event name and arguments, which the trace keeps whole.
 */
export function wholeCall(e: Extract<TraceEvent, { layer: "api" }>): string {
  const code = apiCode(e);
  const at = code.lastIndexOf(".emit(");
  if ((e.kind !== "emit" && e.kind !== "broadcast") || !code.includes("…") || at < 0 || e.event === undefined) return code;
  const args = [JSON.stringify(e.event), ...(e.args ?? []).map((a) => JSON.stringify(a)), ...(e.ack ? ["cb"] : [])];
  return `${code.slice(0, at + 6)}${args.join(", ")})`;
}

export function describeEvent(e: TraceEvent): string {
  switch (e.layer) {
    case "lab":
      switch (e.kind) {
        case "host":
          return `host ${e.label} (${e.ips.join(", ")})`;
        case "listen":
          return `listens on ${e.ip}:${e.port} (${e.service})`;
        case "step":
          return e.teardown ? `after the lesson: ${e.title}` : `step ${e.index + 1}: ${e.title}`;
        case "fault":
          return `fault: ${e.fault}${e.detail ? ` ${e.detail}` : ""}`;
        case "error":
          return `${e.level === "notice" ? "notice" : "error"}: ${e.message}`;
        case "log":
          return `console.log: ${e.text}`;
        case "bus":
          return `adapter ${e.message} ${e.dir === "out" ? "published on" : "received from"} the bus`;
        default:
          return assertNever(e, "lab event");
      }
    case "tcp":
      switch (e.kind) {
        case "open":
          return `open ${e.local.ip}:${e.local.port} → ${e.remote.ip}:${e.remote.port}`;
        case "data":
          return `${e.dir === "out" ? "write" : "read"} ${e.length} bytes @${e.offset}`;
        case "unsent":
          return `${e.length} bytes written, never sent (${e.reason})`;
        case "refused":
          return `connection to ${e.remote.ip}:${e.remote.port} refused (${e.code})`;
        case "close":
          return `close (${e.ended === "reset" ? "reset" : e.ended === "fin" ? "FIN" : e.reason}${e.closedBy ? `, ${e.closedBy === "local" ? "this end" : "the other end"} first` : ""})${e.checked ? " ✓ bytes check" : ""}`;
        default:
          return assertNever(e, "tcp event");
      }
    case "wire":
      switch (e.kind) {
        case "http-request":
          return `HTTP ${e.method} ${e.path}`;
        case "http-response":
          return `HTTP ${e.status}${e.preview ? ` ${e.preview}` : ""}`;
        case "ws-upgrade":
          return `HTTP ${e.status} Switching Protocols`;
        case "ws-frame":
          return `WS frame op=${e.opcode}${e.masked ? " masked" : ""} ${e.preview}`;
        case "resp":
          return `RESP ${e.preview}`;
        default:
          return assertNever(e, "wire event");
      }
    case "engine":
      return `${e.type} ${engineString(e)}`;
    case "socketio":
      return `${e.type} ${e.nsp} ${e.encoded}`;
    case "api":
      return apiCode(e);
    default:
      return assertNever(e, "layer");
  }
}

/** Heartbeats: Engine.IO ping/pong and the frames or HTTP bodies that carry only them. */
export function isHeartbeatEvent(e: TraceEvent): boolean {
  if (e.layer === "engine") return e.type === "ping" || e.type === "pong";
  if (e.layer === "wire") return e.preview === "2" || e.preview === "3";
  return false;
}
