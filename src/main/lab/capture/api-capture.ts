// API capture through Socket.IO's public hooks: on the server a namespace's `connection`,
// a per-socket middleware (`socket.use`) that sees each incoming event and wraps its ack
// callback, `onAnyOutgoing`, disconnect events and the adapter's room events; on a client
// the socket's and the Manager's events. Ack callbacks the application passes to `emit`
// are wrapped on the socket it emits from, so `ack-receive` is recorded when, and only if,
// the callback really runs (an ACK after a timeout never reaches it).

import type { Namespace, Socket as ServerSocket } from "socket.io";
import type { ApiEvent } from "../../../shared/trace/types.js";
import type { Manager, Socket as ClientSocket } from "socket.io-client";
import { Correlator, type AckEmit, type DecodedPacket } from "./correlator.js";
import { callCode } from "./call-code.js";
import { sanitize } from "./socketio-capture.js";
import { isFanningOut } from "./traced-adapter.js";

type Ack = (...args: unknown[]) => void;

function takeDecoded(c: Correlator, host: string, sid: string | null | undefined, nsp: string, match: (d: DecodedPacket) => boolean): DecodedPacket | undefined {
  return c.take(c.decoded, Correlator.key(host, sid ?? undefined, nsp), match);
}

/**
 * Wraps the ack callbacks passed to one socket's `emit`. The encoder tells each wrapper which
 * emit it belongs to (in emit order: a socket that is not connected yet buffers its emits and
 * encodes them in order later); when the callback runs, `ack-receive` names the ACK packet
 * that delivered it and the emit it answers, or says it timed out.
 */
interface QueuedPacket {
  tryCount: number;
}

/** What trackAcks reads of a socket: a client socket with `retries` also has its queue. */
interface EmitSocket {
  emit: (...a: never[]) => unknown;
  connected: boolean;
  flags?: { fromQueue?: boolean; volatile?: boolean };
  _opts?: { retries?: number };
  _queue?: QueuedPacket[];
}

function trackAcks(c: Correlator, host: string, nsp: string, socket: EmitSocket): void {
  const emit = socket.emit.bind(socket) as (...a: unknown[]) => unknown;
  const unbound = (): ((a: AckEmit) => void)[] => {
    let q = c.unboundAcks.get(host);
    if (!q) c.unboundAcks.set(host, (q = []));
    return q;
  };
  // A client socket with `retries` queues each emit and sends it again (a new ack id) until
  // one try is answered; the app's callback answers to whichever try is encoded last.
  const queuedBinds = new WeakMap<QueuedPacket, (a: AckEmit) => void>();
  let justQueued: ((a: AckEmit) => void) | undefined;
  socket.emit = ((...args: unknown[]) => {
    if (socket.flags?.fromQueue) {
      const q = socket._queue ?? [];
      const packet = q[0];
      if (packet && justQueued && !queuedBinds.has(packet) && packet === q[q.length - 1]) queuedBinds.set(packet, justQueued);
      const bind = packet ? queuedBinds.get(packet) : undefined;
      if (!bind) return emit(...args);
      const waiting = unbound();
      waiting.push(bind);
      try {
        return emit(...args);
      } finally {
        const i = waiting.indexOf(bind);
        if (i >= 0 && socket.connected) waiting.splice(i, 1);
      }
    }
    const callback = args[args.length - 1];
    if (args.length < 2 || typeof callback !== "function") return emit(...args);
    let ack: AckEmit | undefined;
    const bind = (a: AckEmit): void => {
      ack = a;
    };
    const wrapped = function (this: unknown, ...reply: unknown[]) {
      const packetId = ack ? c.ackArrived.get(ack.key) : undefined;
      if (ack) {
        c.ackArrived.delete(ack.key);
        c.ackExpected.delete(ack.key);
      }
      const timedOut = reply[0] instanceof Error ? (reply[0] as Error).message : undefined;
      const parents = [packetId, ack?.emitId].filter((p): p is number => p !== undefined);
      const ev: ApiEvent = { id: 0, t: 0, layer: "api", kind: "ack-receive", host, nsp, args: sanitize(timedOut ? [] : reply) as unknown[] };
      if (timedOut) ev.reason = timedOut;
      if (parents.length) ev.parents = parents;
      const id = c.stamp(ev);
      return c.runAs(host, id, () => (callback as Ack).apply(this, reply));
    };
    // emitWithAck marks its callback: an ACK's arguments then come after a null error.
    if ((callback as { withError?: boolean }).withError) (wrapped as { withError?: boolean }).withError = true;
    args[args.length - 1] = wrapped;
    if (socket._opts?.retries && !socket.flags?.volatile) {
      justQueued = bind;
      try {
        return emit(...args);
      } finally {
        justQueued = undefined;
        const q = socket._queue ?? [];
        const last = q[q.length - 1];
        if (last && !queuedBinds.has(last)) queuedBinds.set(last, bind);
      }
    }
    const waiting = unbound();
    waiting.push(bind);
    try {
      return emit(...args);
    } finally {
      // Connected and still unbound: nothing was encoded (the packet was dropped), so the
      // next emit must not take this place in the queue.
      if (!ack && socket.connected) waiting.splice(waiting.indexOf(bind), 1);
    }
  }) as never;
}

/**
 * Records an api `receive` for an incoming event as a handler gets it (`[event, ...args,
 * callback?]`), linked to the Socket.IO packet it was decoded from. Returns the ack callback
 * the handler will get, if any.
 */
function recordReceive(
  c: Correlator,
  host: string,
  sid: string | undefined,
  nsp: string,
  socketId: string,
  call: unknown[],
): { id: number; callback: Ack | undefined; decoded: DecodedPacket | undefined } {
  const event = String(call[0]);
  const last = call[call.length - 1];
  const callback = call.length > 1 && typeof last === "function" ? (last as Ack) : undefined;
  const args = callback ? call.slice(1, -1) : call.slice(1);
  const decoded = takeDecoded(c, host, sid, nsp, (d) => d.event === event);
  const receive: ApiEvent = {
    id: 0,
    t: 0,
    layer: "api",
    kind: "receive",
    host,
    nsp,
    socketId,
    event,
    args: sanitize(args) as unknown[],
    ack: callback !== undefined,
    code: `socket.on(${JSON.stringify(event)}, (${callback ? "arg, callback" : "arg"}) => …)`,
  };
  if (decoded) receive.parents = [decoded.eventId];
  return { id: c.stamp(receive), callback, decoded };
}

/** Traces one server namespace. Call before any application handler is registered. */
export function tapServerNamespace(c: Correlator, nsp: Namespace, host = "server"): void {
  nsp.on("connection", (socket: ServerSocket) => {
    // The engine session this namespace socket rides on (engine.io declares `id` private in its types).
    const sid = (socket.conn as unknown as { id: string }).id;
    const connectPacket = takeDecoded(c, host, sid, nsp.name, (d) => d.type === "CONNECT");
    c.record({
      layer: "api",
      kind: "connect",
      host,
      nsp: nsp.name,
      socketId: socket.id,
      code: `io.of(${JSON.stringify(nsp.name)}).on("connection", (socket) => …)`,
      ...(connectPacket ? { parents: [connectPacket.eventId] } : {}),
    });

    socket.use((packet, next) => {
      const { id: receiveId, callback } = recordReceive(c, host, sid, nsp.name, socket.id, packet);
      // Handlers run a tick later (socket.io dispatches from process.nextTick): they find it here.
      c.lastReceive.set(`${socket.id}|${String(packet[0])}`, receiveId);
      if (callback) {
        const ack = callback;
        packet[packet.length - 1] = (...reply: unknown[]) => {
          const sendId = c.stamp({
            id: 0,
            t: 0,
            layer: "api",
            kind: "ack-send",
            host,
            nsp: nsp.name,
            socketId: socket.id,
            args: sanitize(reply) as unknown[],
            code: callCode("callback", sanitize(reply) as unknown[], false),
            parents: [receiveId],
          });
          c.pendingApiEvent.set(host, sendId);
          ack(...reply);
        };
      }
      next();
    });

    socket.onAnyOutgoing((event: string, ...args: unknown[]) => {
      if (c.pendingBroadcast.has(host)) return;
      c.pendingCall.set(host, { nsp: nsp.name, socketId: socket.id, sid, event: String(event), args });
    });
    trackAcks(c, host, nsp.name, socket as never);

    socket.on("disconnecting", (reason: string) => {
      c.record({ layer: "api", kind: "disconnecting", host, nsp: nsp.name, socketId: socket.id, reason, rooms: [...socket.rooms] });
    });
    socket.on("disconnect", (reason: string) => {
      const packet = takeDecoded(c, host, sid, nsp.name, (d) => d.type === "DISCONNECT");
      c.record({
        layer: "api",
        kind: "disconnect",
        host,
        nsp: nsp.name,
        socketId: socket.id,
        reason,
        ...(packet ? { parents: [packet.eventId] } : {}),
      });
    });
    socket.on("disconnect", () => {
      for (const key of c.lastReceive.keys()) if (key.startsWith(`${socket.id}|`)) c.lastReceive.delete(key);
    });
    guardHandlers(c, host, nsp.name, socket);
    // Without an 'error' listener a peer's event named "error" would throw (CVE-2024-38355).
    // Such an event is data (its receive is recorded by the middleware above); only a real
    // Error, which Socket.IO itself emits (a middleware's refusal), is a lab error.
    socket.on("error", (err: unknown) => {
      if (!(err instanceof Error)) return;
      c.record({ layer: "lab", kind: "error", host, message: `socket ${socket.id} on ${nsp.name}: ${err.message}` });
    });
  });

  nsp.adapter.on("join-room", (room: string, id: string) => {
    if (room === id || isFanningOut(nsp.adapter)) return;
    c.record({ layer: "api", kind: "join", host, nsp: nsp.name, socketId: id, room, code: `socket.join(${JSON.stringify(room)})` });
  });
  nsp.adapter.on("leave-room", (room: string, id: string) => {
    if (room === id || isFanningOut(nsp.adapter)) return;
    c.record({ layer: "api", kind: "leave", host, nsp: nsp.name, socketId: id, room, code: `socket.leave(${JSON.stringify(room)})` });
  });
}

/**
 * Application handlers run from process.nextTick with nothing to catch what they throw: one
 * bad packet (`42["hello"]` without an ack, to the learners' handler that calls `callback`)
 * would end the whole lab. This socket's `on`/`once` wrap each handler so that a throw is
 * recorded as a lab error (the bad packet's arguments in `raw`) and every socket goes on.
 */
function guardHandlers(c: Correlator, host: string, nsp: string, socket: ServerSocket): void {
  const guard = (event: string, listener: (...args: unknown[]) => unknown) =>
    function (this: unknown, ...args: unknown[]): unknown {
      const fail = (err: unknown): void => {
        c.record({
          layer: "lab",
          kind: "error",
          host,
          message: `the server's handler for "${event}" on ${nsp} threw: ${(err as Error)?.message ?? String(err)}`,
          raw: JSON.stringify(sanitize(args)).slice(0, 200),
        });
      };
      try {
        const result = c.runAs(host, c.lastReceive.get(`${socket.id}|${event}`), () => listener.apply(this, args));
        if (result && typeof (result as Promise<unknown>).catch === "function") (result as Promise<unknown>).catch(fail);
        return result;
      } catch (err) {
        fail(err);
        return undefined;
      }
    };
  const on = socket.on.bind(socket);
  const once = socket.once.bind(socket);
  socket.on = ((event: string, listener: (...args: unknown[]) => unknown) => on(event as never, guard(event, listener) as never)) as typeof socket.on;
  socket.once = ((event: string, listener: (...args: unknown[]) => unknown) => once(event as never, guard(event, listener) as never)) as typeof socket.once;
}

/** Traces one client socket (one namespace of a Manager). */
export function tapClientSocket(c: Correlator, host: string, socket: ClientSocket, nsp: string): void {
  const sid = (): string | undefined => (socket.io.engine as unknown as { id?: string | null } | undefined)?.id ?? undefined;
  socket.on("connect", () => {
    const packet = takeDecoded(c, host, sid(), nsp, (d) => d.type === "CONNECT");
    c.record({
      layer: "api",
      kind: "connect",
      host,
      nsp,
      socketId: socket.id ?? "",
      code: `socket.on("connect", () => …)`,
      ...(packet ? { parents: [packet.eventId] } : {}),
    });
  });
  socket.on("disconnect", (reason: string) => {
    const packet = takeDecoded(c, host, sid(), nsp, (d) => d.type === "DISCONNECT");
    c.record({ layer: "api", kind: "disconnect", host, nsp, reason, ...(packet ? { parents: [packet.eventId] } : {}) });
  });
  socket.on("connect_error", (err: Error) => {
    const packet = takeDecoded(c, host, sid(), nsp, (d) => d.type === "CONNECT_ERROR");
    c.record({ layer: "api", kind: "connect_error", host, nsp, reason: err.message, ...(packet ? { parents: [packet.eventId] } : {}) });
  });
  socket.onAny((event: string, ...args: unknown[]) => {
    const { id, callback, decoded } = recordReceive(c, host, sid(), nsp, socket.id ?? "", [event, ...args]);
    if (callback && decoded?.ackId !== undefined) c.remember(c.ackOwed, Correlator.key(host, nsp, decoded.ackId), id);
  });
  let outgoing = 0;
  socket.onAnyOutgoing((event: string, ...args: unknown[]) => {
    outgoing++;
    // Still set while the listeners run: a volatile emit, or a try of a socket with `retries`.
    const flags = (socket as unknown as EmitSocket).flags ?? {};
    const attempt = flags.fromQueue ? (socket as unknown as EmitSocket)._queue?.[0]?.tryCount : undefined;
    c.pendingCall.set(host, {
      nsp,
      socketId: socket.id ?? "",
      event: String(event),
      args,
      ...(flags.volatile ? { callee: "socket.volatile.emit" } : {}),
      ...(attempt !== undefined ? { attempt } : {}),
    });
  });
  trackDrops(c, host, nsp, socket, () => outgoing);
  trackAcks(c, host, nsp, socket as never);
}

/**
 * A volatile emit while the transport is not writable (a polling request in flight, an
 * upgrade under way) is discarded by socket.io-client before it is encoded: no packet, no
 * outgoing listener. It is recorded as an api `emit` with `dropped: true`, seen from its
 * effects: the call neither told the outgoing listeners nor went to the send buffer.
 */
function trackDrops(c: Correlator, host: string, nsp: string, socket: ClientSocket, outgoing: () => number): void {
  const emit = socket.emit.bind(socket) as (...a: unknown[]) => unknown;
  socket.emit = ((...args: unknown[]) => {
    const flags = (socket as unknown as { flags: { volatile?: boolean } }).flags;
    if (!flags.volatile) return emit(...args);
    const told = outgoing();
    const buffered = socket.sendBuffer.length;
    const result = emit(...args);
    if (outgoing() === told && socket.sendBuffer.length === buffered) {
      const [event, ...rest] = args;
      const last = rest[rest.length - 1];
      const withAck = typeof last === "function";
      const shown = sanitize(withAck ? rest.slice(0, -1) : rest) as unknown[];
      c.record({
        layer: "api",
        kind: "emit",
        host,
        nsp,
        socketId: socket.id ?? "",
        event: String(event),
        args: shown,
        ack: withAck,
        code: callCode("socket.volatile.emit", [String(event), ...shown], withAck),
        dropped: true,
        reason: "volatile: the transport was not writable, so the event was discarded before it was encoded",
      });
    }
    return result;
  }) as never;
}

/** Traces a client Manager's reconnection events. */
export function tapManager(c: Correlator, host: string, manager: Manager): void {
  manager.on("reconnect_attempt", (attempt: number) => {
    c.record({ layer: "api", kind: "reconnect_attempt", host, attempt });
  });
  manager.on("reconnect", (attempt: number) => {
    c.record({ layer: "api", kind: "reconnect", host, attempt });
  });
}
