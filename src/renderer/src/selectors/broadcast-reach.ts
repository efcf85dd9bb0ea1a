// Who a broadcast left out: the sockets of its namespace connected when it was sent that it
// did not reach, each with why (not in its rooms, named in except, the sender itself). Rooms
// come from the trace's api join/leave events. Pure.

import type { TraceEvent } from "../../../shared/trace/types";
import type { TraceBuffer } from "../store/trace-buffer";

const json = (v: unknown): string => JSON.stringify(v);

export interface LeftOut {
  host: string;
  socketId: string;
  /** Why the broadcast did not reach it, e.g. `not in the room "lobby"`. */
  reason: string;
}

/**
 * The sockets of a broadcast's namespace connected when it was sent that it did not reach, with
 * why: not in its rooms, named in `except`, or the sender itself. Rooms come from api join/leave.
 */
export function leftOutOf(buf: TraceBuffer, b: Extract<TraceEvent, { layer: "api" }>, reached: ReadonlySet<string>): LeftOut[] {
  const upTo = buf.indexById.get(b.id) ?? -1;
  const nsp = b.nsp ?? "/";
  const connected = new Map<string, string | undefined>();
  const rooms = new Map<string, Set<string>>();
  const hostOf = new Map<string, string>();
  for (let i = 0; i < upTo; i++) {
    const e = buf.events[i];
    if (e?.layer !== "api" || (e.nsp ?? "/") !== nsp || !e.socketId) continue;
    if (e.kind === "connect" || e.kind === "reconnect") {
      if (e.host === b.host) connected.set(e.socketId, hostOf.get(e.socketId));
      else hostOf.set(e.socketId, e.host);
    } else if (e.kind === "disconnect" && e.host === b.host) {
      connected.delete(e.socketId);
      rooms.delete(e.socketId);
    } else if (e.kind === "join" && e.room) {
      rooms.set(e.socketId, new Set([...(rooms.get(e.socketId) ?? []), e.room]));
    } else if (e.kind === "leave" && e.room) {
      rooms.get(e.socketId)?.delete(e.room);
    }
  }
  // A client's own connect event may come after the server's: look a little past the broadcast too.
  for (let i = upTo; i < Math.min(buf.events.length, upTo + 2000); i++) {
    const e = buf.events[i];
    if (e?.layer === "api" && e.kind === "connect" && e.socketId && e.host !== b.host && !hostOf.has(e.socketId)) hostOf.set(e.socketId, e.host);
  }
  const out: LeftOut[] = [];
  const except = new Set(b.except ?? []);
  for (const id of connected.keys()) {
    const host = hostOf.get(id);
    if (!host || reached.has(host)) continue;
    const mine = rooms.get(id) ?? new Set<string>();
    let reason: string;
    if (b.socketId === id && (except.has(id) || b.code?.startsWith("socket."))) reason = "the sender (socket.to(…) leaves it out)";
    else if (except.has(id) || [...mine].some((r) => except.has(r))) reason = `left out by except(${[...except].map(json).join(", ")})`;
    else if (b.rooms && b.rooms.length > 0 && !b.rooms.some((r) => mine.has(r))) reason = `not in the room${b.rooms.length > 1 ? "s" : ""} ${b.rooms.map(json).join(", ")}`;
    else reason = "connected, but no packet reached it";
    out.push({ host, socketId: id, reason });
  }
  return out.sort((p, q) => p.host.localeCompare(q.host, "en", { numeric: true }));
}

