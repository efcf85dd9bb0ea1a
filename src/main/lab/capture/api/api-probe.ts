// The hooks of the api capture on Socket.IO's live objects, through its public hooks: on the
// server a namespace's `connection`, a per-socket middleware (`socket.use`) that sees each
// incoming event and wraps its ack callback, `onAnyOutgoing`, disconnect events and the
// adapter's room events; on a client the socket's and the Manager's events. Ack callbacks the
// application passes to `emit` are wrapped, so their `ack-receive` is recorded when, and only
// if, the callback really runs (an ACK after a timeout never reaches it). Each hook reads what
// only that moment knows (which socket, which callback, the flags of the emit running) and
// hands it to the api capture as a record; what it records and links is decided there.

import type { Namespace, Socket as ServerSocket } from "socket.io";
import type { Manager, Socket as ClientSocket } from "socket.io-client";
import { newRef } from "../probe-signals.js";
import { sanitize } from "../sanitize.js";
import { emitState, sessionOfManager, sessionOfServerSocket, type EmitState, type QueuedPacket } from "../socketio-internals.js";
import type { ApiCapture, ApiRecord } from "./api-capture.js";
import { isFanningOut } from "./traced-adapter.js";

type Ack = (...args: unknown[]) => void;

/** Splits a handler's arguments (`[event, ...args, callback?]`). */
function splitCall(call: unknown[]): { event: string; args: unknown[]; callback: Ack | undefined } {
  const last = call[call.length - 1];
  const callback = call.length > 1 && typeof last === "function" ? (last as Ack) : undefined;
  return { event: String(call[0]), args: callback ? call.slice(1, -1) : call.slice(1), callback };
}

/** Traces one server namespace. Call before any application handler is registered. */
export function probeServerNamespace(api: ApiCapture, nsp: Namespace, host: string): void {
  nsp.on("connection", (socket: ServerSocket) => {
    const sid = sessionOfServerSocket(socket);
    /** Per event: the last `receive` recorded, for the handlers socket.io dispatches a tick later. */
    const lastReceive = new Map<string, number>();
    api.report({ kind: "connection", host, nsp: nsp.name, socketId: socket.id, sid, side: "server" });

    socket.use((packet, next) => {
      const { event, args, callback } = splitCall(packet);
      const receiveRef = newRef();
      api.report({ kind: "receive", ref: receiveRef, host, nsp: nsp.name, socketId: socket.id, sid, event, args, withCallback: callback !== undefined, side: "server" });
      lastReceive.set(event, receiveRef);
      if (callback) {
        packet[packet.length - 1] = (...reply: unknown[]) => {
          api.report({ kind: "ack-send", host, nsp: nsp.name, socketId: socket.id, reply: sanitize(reply) as unknown[], receive: receiveRef });
          callback(...reply);
        };
      }
      next();
    });

    socket.onAnyOutgoing((event: string) => {
      api.report({ kind: "call", host, nsp: nsp.name, socketId: socket.id, sid, event: String(event), side: "server" });
    });
    trackAcks(api, host, nsp.name, emitState(socket));

    socket.on("disconnecting", (reason: string) => {
      api.report({ kind: "disconnecting", host, nsp: nsp.name, socketId: socket.id, reason, rooms: [...socket.rooms] });
    });
    socket.on("disconnect", (reason: string) => {
      api.report({ kind: "disconnect", host, nsp: nsp.name, socketId: socket.id, sid, reason, side: "server" });
      lastReceive.clear();
    });
    guardHandlers(api, host, nsp.name, socket, (event) => lastReceive.get(event));
    // Without an 'error' listener a peer's event named "error" would throw (CVE-2024-38355).
    // Such an event is data (its receive is recorded by the middleware above); only a real
    // Error, which Socket.IO itself emits (a middleware's refusal), is a lab error.
    socket.on("error", (err: unknown) => {
      if (err instanceof Error) api.report({ kind: "socket-error", host, nsp: nsp.name, socketId: socket.id, message: err.message });
    });
  });

  nsp.adapter.on("join-room", (room: string, id: string) => {
    if (room === id || isFanningOut(nsp.adapter)) return;
    api.report({ kind: "room", host, nsp: nsp.name, socketId: id, room, join: true });
  });
  nsp.adapter.on("leave-room", (room: string, id: string) => {
    if (room === id || isFanningOut(nsp.adapter)) return;
    api.report({ kind: "room", host, nsp: nsp.name, socketId: id, room, join: false });
  });
}

/**
 * Application handlers run from process.nextTick with nothing to catch what they throw: one
 * bad packet (`42["hello"]` without an ack, to the learners' handler that calls `callback`)
 * would end the whole lab. This socket's `on`/`once` wrap each handler so that a throw is
 * recorded as a lab error (the bad packet's arguments in `raw`) and every socket goes on.
 */
function guardHandlers(api: ApiCapture, host: string, nsp: string, socket: ServerSocket, receiveOf: (event: string) => number | undefined): void {
  // No closure is made per event on the way through (only when a handler's promise needs a catch).
  const fail = (event: string, args: unknown[], err: unknown): void => {
    api.report({ kind: "handler-threw", host, nsp, event, message: (err as Error)?.message ?? String(err), args: sanitize(args) as unknown[] });
  };
  const guard = (event: string, listener: (...args: unknown[]) => unknown) =>
    function (this: unknown, ...args: unknown[]): unknown {
      try {
        const result = api.signals.runAs(host, receiveOf(event), listener, this, args);
        if (result && typeof (result as Promise<unknown>).catch === "function") (result as Promise<unknown>).catch((err: unknown) => fail(event, args, err));
        return result;
      } catch (err) {
        fail(event, args, err);
        return undefined;
      }
    };
  const on = socket.on.bind(socket);
  const once = socket.once.bind(socket);
  socket.on = ((event: string, listener: (...args: unknown[]) => unknown) => on(event as never, guard(event, listener) as never)) as typeof socket.on;
  socket.once = ((event: string, listener: (...args: unknown[]) => unknown) => once(event as never, guard(event, listener) as never)) as typeof socket.once;
}

/** Traces one client socket (one namespace of a Manager). */
export function probeClientSocket(api: ApiCapture, host: string, socket: ClientSocket, nsp: string): void {
  const sid = (): string | undefined => sessionOfManager(socket.io);
  socket.on("connect", () => api.report({ kind: "connection", host, nsp, socketId: socket.id ?? "", sid: sid(), side: "client" }));
  socket.on("disconnect", (reason: string) => api.report({ kind: "disconnect", host, nsp, socketId: socket.id ?? "", sid: sid(), reason, side: "client" }));
  socket.on("connect_error", (err: Error) => api.report({ kind: "connect_error", host, nsp, sid: sid(), reason: err.message }));
  socket.onAny((...call: unknown[]) => {
    const { event, args, callback } = splitCall(call);
    api.report({ kind: "receive", ref: newRef(), host, nsp, socketId: socket.id ?? "", sid: sid(), event, args, withCallback: callback !== undefined, side: "client" });
  });
  let outgoing = 0;
  const state = emitState(socket);
  socket.onAnyOutgoing((event: string) => {
    outgoing++;
    // Still set while the listeners run: a volatile emit, or a try of a socket with `retries`.
    const flags = state.flags;
    const attempt = flags?.fromQueue ? state._queue?.[0]?.tryCount : undefined;
    const call: Extract<ApiRecord, { kind: "call" }> = { kind: "call", host, nsp, socketId: socket.id ?? "", event: String(event), side: "client" };
    if (flags?.volatile) call.callee = "socket.volatile.emit";
    if (attempt !== undefined) call.attempt = attempt;
    api.report(call);
  });
  trackDrops(api, host, nsp, socket, () => outgoing);
  trackAcks(api, host, nsp, state);
}

/** Traces a client Manager's reconnection events. */
export function probeManager(api: ApiCapture, host: string, manager: Manager): void {
  manager.on("reconnect_attempt", (attempt: number) => api.report({ kind: "reconnect_attempt", host, attempt }));
  manager.on("reconnect", (attempt: number) => api.report({ kind: "reconnect", host, attempt }));
}

/**
 * A volatile emit while the transport is not writable (a polling request in flight, an
 * upgrade under way) is discarded by socket.io-client before it is encoded: no packet, no
 * outgoing listener. It is recorded as an api `emit` with `dropped: true`, seen from its
 * effects: the call neither told the outgoing listeners nor went to the send buffer.
 */
function trackDrops(api: ApiCapture, host: string, nsp: string, socket: ClientSocket, outgoing: () => number): void {
  const emit = socket.emit.bind(socket) as (...a: unknown[]) => unknown;
  const state = emitState(socket);
  socket.emit = ((...args: unknown[]) => {
    if (!state.flags?.volatile) return emit(...args);
    const told = outgoing();
    const buffered = socket.sendBuffer.length;
    const result = emit(...args);
    if (outgoing() === told && socket.sendBuffer.length === buffered) {
      const [event, ...rest] = args;
      const withAck = typeof rest[rest.length - 1] === "function";
      api.report({ kind: "dropped", host, nsp, socketId: socket.id ?? "", event: String(event), args: sanitize(withAck ? rest.slice(0, -1) : rest) as unknown[], withAck });
    }
    return result;
  }) as never;
}

/** The application's ack callback for emit `token`, wrapped: its `ack-receive` is reported when, and only if, it runs. */
function wrapAckCallback(api: ApiCapture, host: string, nsp: string, token: number, callback: Ack): Ack {
  // Returned as it is made: a function given a name here would cost a defineProperty per emit under tsx (keepNames).
  return function (this: unknown, ...reply: unknown[]) {
    const timedOut = reply[0] instanceof Error ? (reply[0] as Error).message : undefined;
    const ref = newRef();
    const record: Extract<ApiRecord, { kind: "ack-receive" }> = { kind: "ack-receive", ref, host, nsp, token, reply: timedOut === undefined ? (sanitize(reply) as unknown[]) : [] };
    if (timedOut !== undefined) record.timedOut = timedOut;
    api.report(record);
    return api.signals.runAs(host, ref, callback, this, reply);
  };
}

/**
 * Wraps the ack callbacks passed to one socket's `emit`. Each gets a token; the encoder binds
 * the oldest waiting token to the emit it encodes (in emit order: a socket that is not
 * connected yet buffers its emits and encodes them in order later). When the callback runs,
 * its `ack-receive` names the ACK packet that delivered it and the emit it answers, or says it
 * timed out.
 */
function trackAcks(api: ApiCapture, host: string, nsp: string, socket: EmitState): void {
  const emit = socket.emit.bind(socket) as (...a: unknown[]) => unknown;
  // A client socket with `retries` queues each emit and sends it again (a new ack id) until
  // one try is answered; the app's callback answers to whichever try is encoded last.
  const queued = new WeakMap<QueuedPacket, number>();
  let justQueued: number | undefined;
  socket.emit = ((...args: unknown[]) => {
    if (socket.flags?.fromQueue) {
      const q = socket._queue ?? [];
      const packet = q[0];
      if (packet && justQueued !== undefined && !queued.has(packet) && packet === q[q.length - 1]) queued.set(packet, justQueued);
      const token = packet ? queued.get(packet) : undefined;
      if (token === undefined) return emit(...args);
      api.report({ kind: "bind", host, token });
      try {
        return emit(...args);
      } finally {
        if (socket.connected) api.report({ kind: "unbind", host, token });
      }
    }
    const callback = args[args.length - 1];
    if (args.length < 2 || typeof callback !== "function") return emit(...args);
    const token = newRef();
    const wrapped = wrapAckCallback(api, host, nsp, token, callback as Ack);
    // emitWithAck marks its callback: an ACK's arguments then come after a null error.
    if ((callback as { withError?: boolean }).withError) (wrapped as { withError?: boolean }).withError = true;
    args[args.length - 1] = wrapped;
    if (socket._opts?.retries && !socket.flags?.volatile) {
      justQueued = token;
      try {
        return emit(...args);
      } finally {
        justQueued = undefined;
        const q = socket._queue ?? [];
        const last = q[q.length - 1];
        if (last && !queued.has(last)) queued.set(last, token);
      }
    }
    const encodedBefore = api.signals.ackedEncodesOf(host);
    api.report({ kind: "bind", host, token });
    try {
      return emit(...args);
    } finally {
      // Connected and nothing encoded (the packet was dropped, or held for later): the next
      // emit must not take this place in the queue.
      if (api.signals.ackedEncodesOf(host) === encodedBefore && socket.connected) api.report({ kind: "unbind", host, token });
    }
  }) as never;
}
