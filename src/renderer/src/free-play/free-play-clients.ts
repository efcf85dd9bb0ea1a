// Who free play can act on, from the whole recorded trace (not the playhead): the lab's
// clients (lab `host` events with role client, gone once their connections have closed
// and they are not retrying) and the server's sockets per namespace with their rooms.

import type { TraceEvent } from "../../../shared/trace/types";
import type { TraceBuffer } from "../store/trace-buffer";
import type { TraceState } from "../store/initial-state";

export type ClientState = "connecting" | "connected" | "reconnecting";

export interface PlayClient {
  id: string;
  label: string;
  ip: string;
  state: ClientState;
  /** Socket id per namespace, for the namespaces this client is connected to. */
  sockets: Record<string, string>;
  /** Rooms the server put this client's sockets in (its own socket-id room left out). */
  rooms: string[];
}

export interface ServerSocket {
  nsp: string;
  socketId: string;
  /** The lab client that owns this socket; null for a peer the lab did not start. */
  client: string | null;
}

export interface FreePlayModel {
  clients: PlayClient[];
  serverSockets: ServerSocket[];
}

interface ClientTrack {
  id: string;
  label: string;
  ip: string;
  order: number;
  openConns: Set<string>;
  everOpened: boolean;
  /** The last lifecycle fact seen on this client's API layer. */
  last: "none" | "connect" | "retrying" | "ended" | "connect_error";
  sockets: Map<string, string>;
  /** Whether it retries on its own (the lab says so on its `host` event). */
  reconnection: boolean;
  removed: boolean;
}

interface Fold {
  clients: Map<string, ClientTrack>;
  /** `${nsp} ${socketId}` → rooms, for the server's live sockets. */
  serverSockets: Map<string, { nsp: string; socketId: string; rooms: Set<string> }>;
  serverHosts: Set<string>;
  structuralDone: number;
  upperDone: number;
}

/** Client-side disconnect reasons after which socket.io-client does not reconnect on its own. */
const FINAL_REASONS = new Set(["io client disconnect", "io server disconnect"]);

const sockKey = (nsp: string, socketId: string): string => `${nsp} ${socketId}`;

function foldEvent(f: Fold, e: TraceEvent): void {
  if (e.layer === "lab" && e.kind === "host") {
    if (e.role === "server") f.serverHosts.add(e.host);
    if (e.role !== "client") return;
    const known = f.clients.get(e.host);
    if (known) {
      known.label = e.label;
      known.ip = e.ips[0] ?? known.ip;
      known.removed = e.removed === true;
      return;
    }
    f.clients.set(e.host, {
      id: e.host,
      label: e.label,
      ip: e.ips[0] ?? "",
      order: f.clients.size,
      openConns: new Set(),
      everOpened: false,
      last: "none",
      sockets: new Map(),
      reconnection: e.reconnection !== false,
      removed: e.removed === true,
    });
    return;
  }
  if (e.layer === "tcp" && e.conn !== undefined) {
    const c = f.clients.get(e.host);
    if (!c) return;
    if (e.kind === "open") {
      c.openConns.add(e.conn);
      c.everOpened = true;
    } else if (e.kind === "close") c.openConns.delete(e.conn);
    return;
  }
  if (e.layer !== "api") return;
  if (f.serverHosts.has(e.host)) {
    if (e.nsp === undefined || e.socketId === undefined) return;
    const key = sockKey(e.nsp, e.socketId);
    if (e.kind === "connect") f.serverSockets.set(key, { nsp: e.nsp, socketId: e.socketId, rooms: new Set() });
    else if (e.kind === "disconnect") f.serverSockets.delete(key);
    else if (e.kind === "join" && e.room !== undefined) f.serverSockets.get(key)?.rooms.add(e.room);
    else if (e.kind === "leave" && e.room !== undefined) f.serverSockets.get(key)?.rooms.delete(e.room);
    return;
  }
  const c = f.clients.get(e.host);
  if (!c) return;
  switch (e.kind) {
    case "connect":
      if (e.nsp !== undefined && e.socketId) c.sockets.set(e.nsp, e.socketId);
      c.last = "connect";
      break;
    case "reconnect":
      c.last = "connect";
      break;
    case "disconnect":
      if (e.nsp !== undefined) c.sockets.delete(e.nsp);
      c.last = FINAL_REASONS.has(e.reason ?? "") || !c.reconnection ? (c.sockets.size > 0 ? "connect" : "ended") : "retrying";
      break;
    case "reconnect_attempt":
      c.last = "retrying";
      break;
    case "connect_error":
      if (c.last !== "retrying") c.last = "connect_error";
      break;
    default:
      break;
  }
}

function isGone(c: ClientTrack): boolean {
  if (c.removed) return true;
  if (c.openConns.size > 0 || c.last === "retrying") return false;
  if (c.everOpened) return true;
  return c.last === "connect_error" || c.last === "ended";
}

function snapshot(f: Fold): FreePlayModel {
  const roomsOf = new Map<string, string[]>();
  const serverSockets: ServerSocket[] = [];
  const owner = new Map<string, string>();
  for (const c of f.clients.values()) for (const [nsp, id] of c.sockets) owner.set(sockKey(nsp, id), c.id);
  for (const [key, s] of f.serverSockets) {
    const client = owner.get(key) ?? null;
    serverSockets.push({ nsp: s.nsp, socketId: s.socketId, client });
    if (client) {
      const list = roomsOf.get(client) ?? [];
      for (const r of s.rooms) if (r !== s.socketId && !list.includes(r)) list.push(r);
      roomsOf.set(client, list);
    }
  }
  const clients = [...f.clients.values()]
    .filter((c) => !isGone(c))
    .sort((a, b) => a.order - b.order)
    .map<PlayClient>((c) => ({
      id: c.id,
      label: c.label,
      ip: c.ip,
      state: c.openConns.size > 0 && c.sockets.size > 0 ? "connected" : c.last === "retrying" ? "reconnecting" : "connecting",
      sockets: Object.fromEntries(c.sockets),
      rooms: roomsOf.get(c.id) ?? [],
    }));
  return { clients, serverSockets };
}

const folds = new WeakMap<TraceBuffer, Fold>();
const snapshots = new WeakMap<TraceBuffer, { length: number; model: FreePlayModel }>();

/**
 * The free-play model of the trace so far. Folds each event once (the trace is append-only,
 * and a new trace is a new buffer), so it stays cheap on long traces; the result keeps its
 * identity until the trace grows.
 */
export function selectFreePlayModel(s: Pick<TraceState, "trace" | "length">): FreePlayModel {
  const buf = s.trace;
  const cached = snapshots.get(buf);
  if (cached && cached.length === s.length) return cached.model;
  let f = folds.get(buf);
  if (!f) {
    f = { clients: new Map(), serverSockets: new Map(), serverHosts: new Set(), structuralDone: 0, upperDone: 0 };
    folds.set(buf, f);
  }
  // Lab and TCP events are indexed in `structural`, API events in `upper`; fold both in
  // trace order so a client's host event comes before its connections.
  const { structural, upper, events } = buf;
  let i = f.structuralDone;
  let j = f.upperDone;
  for (;;) {
    const si = structural[i];
    let uj = upper[j];
    while (uj !== undefined && events[uj]?.layer !== "api") uj = upper[++j];
    if (si === undefined && uj === undefined) break;
    if (uj === undefined || (si !== undefined && si < uj)) {
      const e = events[si as number];
      if (e) foldEvent(f, e);
      i++;
    } else {
      const e = events[uj];
      if (e) foldEvent(f, e);
      j++;
    }
  }
  f.structuralDone = i;
  f.upperDone = j;
  // Most batches change nothing here (data, frames, pings): keep the same object then.
  const next = snapshot(f);
  const model = cached && JSON.stringify(cached.model) === JSON.stringify(next) ? cached.model : next;
  snapshots.set(buf, { length: s.length, model });
  return model;
}
