// Every api event is recorded here: what the application calls (`emit`, `broadcast`, `join`,
// its ack callbacks) and what it is called with (`connection`, `receive`, `disconnect`, …), on
// the server and on each client, through Socket.IO's public hooks: a namespace's `connection`,
// a per-socket middleware (`socket.use`) that sees each incoming event and wraps its ack
// callback, `onAny`/`onAnyOutgoing`, disconnect events, the Manager's reconnection events and
// the adapter (see `traced-adapter.ts`, which calls `broadcast`, `joined` and `left` here).
//
// What this layer knows between two calls is its own: the call about to be encoded (told by
// `onAnyOutgoing`, taken by the encoder through `encoding`), the ack callbacks waiting for
// their emit's packet, the code running now (for `console.log`). Packets come in through the
// correlator's hand-offs (`decoded`, `ackArrived`), found by their session, namespace, event
// name and ack id.

import type { Namespace, Socket as ServerSocket } from "socket.io";
import type { Manager, Socket as ClientSocket } from "socket.io-client";
import type { ApiEvent, NewEvent } from "../../../../shared/trace/types.js";
import { Correlator, type DecodedPacket } from "../correlator.js";
import { sanitize } from "../sanitize.js";
import { eventName, isAck, isEvent, type Packet, type PacketCauses } from "../socketio/traced-parser.js";
import { emitState, sessionOfManager, sessionOfServerSocket, type EmitState, type QueuedPacket } from "../socketio-internals.js";
import { callCode } from "./call-code.js";
import { isFanningOut } from "./traced-adapter.js";

type Ack = (...args: unknown[]) => void;

/** The call about to be encoded, as `onAnyOutgoing` saw it. */
interface PendingCall {
  nsp: string;
  socketId?: string;
  /** The Engine.IO session the emitting socket belongs to, where known (server side). */
  sid?: string;
  event: string;
  args: unknown[];
  /** The call as written, when not `socket.emit` (`socket.volatile.emit`). */
  callee?: string;
  /** Which try of a client socket with `retries` this is (1, 2, …). */
  attempt?: number;
}

/** An emit with an ack callback, as its encode named it. */
interface AckEmit {
  /** Key of its ack in the correlator's `ackArrived`: host|sid|nsp|ackId. */
  key: string;
  emitId: number;
}
type Bind = (ack: AckEmit) => void;

/** Most entries a map of pending acks keeps. */
const MAX_PENDING = 10_000;

export class ApiCapture implements PacketCauses {
  /** Per host: the call about to be encoded. */
  private readonly calls = new Map<string, PendingCall>();
  /** Per host: the `ack-send` whose ACK packet is encoded next. */
  private readonly ackSends = new Map<string, number>();
  /** Per host: the event whose sending runs now (an api broadcast; on a node, an adapter message). */
  private readonly causes = new Map<string, number>();
  /** Per host: ack callbacks waiting to learn which encoded emit they belong to, in emit order. */
  private readonly unbound = new Map<string, Bind[]>();
  /** Emits waiting for their ack: host|sid|nsp|ackId → api emit id. */
  private readonly ackExpected = new Map<string, number>();
  /** Received events carrying an ack callback (client side): host|nsp|ackId → api receive id. */
  private readonly ackOwed = new Map<string, number>();
  /**
   * Per host: the api event whose application code is running right now (a handler called for
   * a `receive`, an ack callback for its `ack-receive`), set only around that synchronous call,
   * so what the code logs names what made it run.
   */
  private readonly running = new Map<string, number>();
  /** Per server socket|event: the last `receive` recorded, for the handlers dispatched next. */
  private readonly lastReceive = new Map<string, number>();

  constructor(readonly c: Correlator) {}

  // ── the encoder's question: which api events caused this packet? ──
  encoding(host: string, session: string | undefined, packet: Packet): number[] {
    const call = this.calls.get(host);
    const cause = this.causes.get(host);
    if (cause !== undefined && isEvent(packet.type)) return [cause];
    if (call && isEvent(packet.type) && eventName(packet.data) === call.event) {
      this.calls.delete(host);
      const hasAck = packet.id !== undefined;
      const args = sanitize(call.args) as unknown[];
      const emit = { id: 0, t: 0, layer: "api", kind: "emit", host, nsp: packet.nsp } as ApiEvent;
      if (call.socketId) emit.socketId = call.socketId;
      emit.event = call.event;
      emit.args = args;
      emit.ack = hasAck;
      emit.code = callCode(call.callee ?? "socket.emit", [call.event, ...args], hasAck);
      if (call.attempt !== undefined) emit.attempt = call.attempt;
      const emitId = this.c.stamp(emit);
      if (hasAck) {
        const key = Correlator.key(host, call.sid ?? session, packet.nsp, packet.id);
        this.remember(this.ackExpected, key, emitId);
        this.unbound.get(host)?.shift()?.({ key, emitId });
      }
      return [emitId];
    }
    if (!isAck(packet.type)) return [];
    const sendId = this.ackSends.get(host);
    if (sendId !== undefined) {
      this.ackSends.delete(host);
      return [sendId];
    }
    // A client's ack callback: socket.io-client gives no hook on it, so the ack-send is
    // recorded at its only visible effect, this encode, which runs inside the callback.
    const key = Correlator.key(host, packet.nsp, packet.id);
    const owed = this.ackOwed.get(key);
    this.ackOwed.delete(key);
    const reply = sanitize(packet.data ?? []) as unknown[];
    const send: ApiEvent = { id: 0, t: 0, layer: "api", kind: "ack-send", host, nsp: packet.nsp, args: reply, code: callCode("callback", reply, false) };
    if (owed !== undefined) send.parents = [owed];
    return [this.c.stamp(send)];
  }

  // ── causes: what makes a host send now ──
  /** The event whose sending runs on `host` now (an api broadcast, an adapter message). */
  causeOn(host: string): number | undefined {
    return this.causes.get(host);
  }

  /** Runs `fn` with `cause` as what `host` sends for: its encodes and its writes name it. */
  causedBy<T>(host: string, cause: number | undefined, fn: () => T): T {
    return within(this.causes, host, cause, fn);
  }

  /** The api event whose application code runs on `host` now, if any (see `running`). */
  runningOn(host: string): number | undefined {
    return this.running.get(host);
  }

  /** `console.log` as the application's code on `host` calls it: a lab `log` event naming what ran. */
  log(host: string, text: string): void {
    const cause = this.running.get(host);
    this.c.record({ layer: "lab", kind: "log", host, text, ...(cause !== undefined ? { parents: [cause] } : {}) });
  }

  /** Forgets everything about a host (a client removed). */
  forgetHost(host: string): void {
    for (const map of [this.calls, this.ackSends, this.causes, this.unbound, this.running] as Map<string, unknown>[]) map.delete(host);
    for (const map of [this.ackExpected, this.ackOwed] as Map<string, unknown>[]) {
      for (const k of map.keys()) if (k.startsWith(`${host}|`)) map.delete(k);
    }
  }

  // ── the server ──
  /** Traces one server namespace. Call before any application handler is registered. */
  tapServerNamespace(nsp: Namespace, host = "server"): void {
    const c = this.c;
    nsp.on("connection", (socket: ServerSocket) => {
      const sid = sessionOfServerSocket(socket);
      const connectPacket = this.takeDecoded(host, sid, nsp.name, (d) => d.type === "CONNECT");
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
        const { id: receiveId, callback } = this.recordReceive(host, sid, nsp.name, socket.id, packet);
        // Handlers run a tick later (socket.io dispatches from process.nextTick): they find it here.
        this.lastReceive.set(`${socket.id}|${String(packet[0])}`, receiveId);
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
            this.ackSends.set(host, sendId);
            ack(...reply);
          };
        }
        next();
      });

      socket.onAnyOutgoing((event: string, ...args: unknown[]) => {
        if (this.causes.has(host)) return;
        this.calls.set(host, { nsp: nsp.name, socketId: socket.id, sid, event: String(event), args });
      });
      this.trackAcks(host, nsp.name, emitState(socket));

      socket.on("disconnecting", (reason: string) => {
        c.record({ layer: "api", kind: "disconnecting", host, nsp: nsp.name, socketId: socket.id, reason, rooms: [...socket.rooms] });
      });
      socket.on("disconnect", (reason: string) => {
        const packet = this.takeDecoded(host, sid, nsp.name, (d) => d.type === "DISCONNECT");
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
        for (const key of this.lastReceive.keys()) if (key.startsWith(`${socket.id}|`)) this.lastReceive.delete(key);
        c.socketGone(host, socket.id);
      });
      this.guardHandlers(host, nsp.name, socket);
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

  // ── the adapter (traced-adapter.ts) ──
  /** A broadcast as the adapter got it, before its one encode: returns its id (the encode's cause). */
  broadcast(event: NewEvent): number {
    return this.c.record(event);
  }

  /** A socket joined or left rooms (`rooms` when several at once). */
  rooms(event: NewEvent): void {
    this.c.record(event);
  }

  /**
   * Application handlers run from process.nextTick with nothing to catch what they throw: one
   * bad packet (`42["hello"]` without an ack, to the learners' handler that calls `callback`)
   * would end the whole lab. This socket's `on`/`once` wrap each handler so that a throw is
   * recorded as a lab error (the bad packet's arguments in `raw`) and every socket goes on.
   */
  private guardHandlers(host: string, nsp: string, socket: ServerSocket): void {
    const guard = (event: string, listener: (...args: unknown[]) => unknown) => {
      const api = this;
      return function (this: unknown, ...args: unknown[]): unknown {
        const fail = (err: unknown): void => {
          api.c.record({
            layer: "lab",
            kind: "error",
            host,
            message: `the server's handler for "${event}" on ${nsp} threw: ${(err as Error)?.message ?? String(err)}`,
            raw: JSON.stringify(sanitize(args)).slice(0, 200),
          });
        };
        try {
          const result = api.runAs(host, api.lastReceive.get(`${socket.id}|${event}`), () => listener.apply(this, args));
          if (result && typeof (result as Promise<unknown>).catch === "function") (result as Promise<unknown>).catch(fail);
          return result;
        } catch (err) {
          fail(err);
          return undefined;
        }
      };
    };
    const on = socket.on.bind(socket);
    const once = socket.once.bind(socket);
    socket.on = ((event: string, listener: (...args: unknown[]) => unknown) => on(event as never, guard(event, listener) as never)) as typeof socket.on;
    socket.once = ((event: string, listener: (...args: unknown[]) => unknown) => once(event as never, guard(event, listener) as never)) as typeof socket.once;
  }

  // ── a client ──
  /** Traces one client socket (one namespace of a Manager). */
  tapClientSocket(host: string, socket: ClientSocket, nsp: string): void {
    const c = this.c;
    const sid = (): string | undefined => sessionOfManager(socket.io);
    socket.on("connect", () => {
      const packet = this.takeDecoded(host, sid(), nsp, (d) => d.type === "CONNECT");
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
      const packet = this.takeDecoded(host, sid(), nsp, (d) => d.type === "DISCONNECT");
      c.record({ layer: "api", kind: "disconnect", host, nsp, reason, ...(packet ? { parents: [packet.eventId] } : {}) });
    });
    socket.on("connect_error", (err: Error) => {
      const packet = this.takeDecoded(host, sid(), nsp, (d) => d.type === "CONNECT_ERROR");
      c.record({ layer: "api", kind: "connect_error", host, nsp, reason: err.message, ...(packet ? { parents: [packet.eventId] } : {}) });
    });
    socket.onAny((event: string, ...args: unknown[]) => {
      const { id, callback, decoded } = this.recordReceive(host, sid(), nsp, socket.id ?? "", [event, ...args]);
      if (callback && decoded?.ackId !== undefined) this.remember(this.ackOwed, Correlator.key(host, nsp, decoded.ackId), id);
    });
    let outgoing = 0;
    const state = emitState(socket);
    socket.onAnyOutgoing((event: string, ...args: unknown[]) => {
      outgoing++;
      // Still set while the listeners run: a volatile emit, or a try of a socket with `retries`.
      const flags = state.flags ?? {};
      const attempt = flags.fromQueue ? state._queue?.[0]?.tryCount : undefined;
      this.calls.set(host, {
        nsp,
        socketId: socket.id ?? "",
        event: String(event),
        args,
        ...(flags.volatile ? { callee: "socket.volatile.emit" } : {}),
        ...(attempt !== undefined ? { attempt } : {}),
      });
    });
    this.trackDrops(host, nsp, socket, () => outgoing);
    this.trackAcks(host, nsp, state);
  }

  /** Traces a client Manager's reconnection events. */
  tapManager(host: string, manager: Manager): void {
    manager.on("reconnect_attempt", (attempt: number) => {
      this.c.record({ layer: "api", kind: "reconnect_attempt", host, attempt });
    });
    manager.on("reconnect", (attempt: number) => {
      this.c.record({ layer: "api", kind: "reconnect", host, attempt });
    });
  }

  /**
   * A volatile emit while the transport is not writable (a polling request in flight, an
   * upgrade under way) is discarded by socket.io-client before it is encoded: no packet, no
   * outgoing listener. It is recorded as an api `emit` with `dropped: true`, seen from its
   * effects: the call neither told the outgoing listeners nor went to the send buffer.
   */
  private trackDrops(host: string, nsp: string, socket: ClientSocket, outgoing: () => number): void {
    const emit = socket.emit.bind(socket) as (...a: unknown[]) => unknown;
    const state = emitState(socket);
    socket.emit = ((...args: unknown[]) => {
      if (!state.flags?.volatile) return emit(...args);
      const told = outgoing();
      const buffered = socket.sendBuffer.length;
      const result = emit(...args);
      if (outgoing() === told && socket.sendBuffer.length === buffered) {
        const [event, ...rest] = args;
        const last = rest[rest.length - 1];
        const withAck = typeof last === "function";
        const shown = sanitize(withAck ? rest.slice(0, -1) : rest) as unknown[];
        this.c.record({
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

  // ── ack callbacks ──
  /**
   * Wraps the ack callbacks passed to one socket's `emit`. The encoder tells each wrapper which
   * emit it belongs to (in emit order: a socket that is not connected yet buffers its emits and
   * encodes them in order later); when the callback runs, `ack-receive` names the ACK packet
   * that delivered it and the emit it answers, or says it timed out.
   */
  private trackAcks(host: string, nsp: string, socket: EmitState): void {
    const c = this.c;
    const emit = socket.emit.bind(socket) as (...a: unknown[]) => unknown;
    const unbound = (): Bind[] => {
      let q = this.unbound.get(host);
      if (!q) this.unbound.set(host, (q = []));
      return q;
    };
    // A client socket with `retries` queues each emit and sends it again (a new ack id) until
    // one try is answered; the app's callback answers to whichever try is encoded last.
    const queuedBinds = new WeakMap<QueuedPacket, Bind>();
    let justQueued: Bind | undefined;
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
      const api = this;
      const wrapped = function (this: unknown, ...reply: unknown[]) {
        const packetId = ack ? c.ackArrived.get(ack.key) : undefined;
        if (ack) {
          c.ackArrived.delete(ack.key);
          api.ackExpected.delete(ack.key);
        }
        const timedOut = reply[0] instanceof Error ? (reply[0] as Error).message : undefined;
        const parents = [packetId, ack?.emitId].filter((p): p is number => p !== undefined);
        const ev: ApiEvent = { id: 0, t: 0, layer: "api", kind: "ack-receive", host, nsp, args: sanitize(timedOut ? [] : reply) as unknown[] };
        if (timedOut) ev.reason = timedOut;
        if (parents.length) ev.parents = parents;
        const id = c.stamp(ev);
        return api.runAs(host, id, () => (callback as Ack).apply(this, reply));
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

  // ── shared ──
  /**
   * Records an api `receive` for an incoming event as a handler gets it (`[event, ...args,
   * callback?]`), linked to the Socket.IO packet it was decoded from. Returns the ack callback
   * the handler will get, if any.
   */
  private recordReceive(host: string, sid: string | undefined, nsp: string, socketId: string, call: unknown[]): { id: number; callback: Ack | undefined; decoded: DecodedPacket | undefined } {
    const event = String(call[0]);
    const last = call[call.length - 1];
    const callback = call.length > 1 && typeof last === "function" ? (last as Ack) : undefined;
    const args = callback ? call.slice(1, -1) : call.slice(1);
    const decoded = this.takeDecoded(host, sid, nsp, (d) => d.event === event);
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
    return { id: this.c.stamp(receive), callback, decoded };
  }

  private takeDecoded(host: string, sid: string | null | undefined, nsp: string, match: (d: DecodedPacket) => boolean): DecodedPacket | undefined {
    return this.c.take(this.c.decoded, Correlator.key(host, sid ?? undefined, nsp), match);
  }

  /** Runs `fn` as code caused by api event `id` on `host` (see `running`). */
  private runAs<T>(host: string, id: number | undefined, fn: () => T): T {
    return within(this.running, host, id, fn);
  }

  private remember(map: Map<string, number>, key: string, value: number): void {
    map.set(key, value);
    if (map.size > MAX_PENDING) map.delete(map.keys().next().value!);
  }
}

/** Runs `fn` with `map` holding `value` for `host` (nothing changes when `value` is undefined), then restores it. */
function within<T>(map: Map<string, number>, host: string, value: number | undefined, fn: () => T): T {
  if (value === undefined) return fn();
  const outer = map.get(host);
  map.set(host, value);
  try {
    return fn();
  } finally {
    if (outer === undefined) map.delete(host);
    else map.set(host, outer);
  }
}
