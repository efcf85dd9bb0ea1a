// Every api event is recorded here: what the application calls (`emit`, `broadcast`, `join`,
// its ack callbacks) and what it is called with (`connection`, `receive`, `disconnect`, …), on
// the server and on each client. The hooks on Socket.IO's live objects are in api-probe.ts;
// they hand this layer records (`apply`), get nothing back, and keep no state of it: where a
// later record must name an earlier one (an ack-send its receive, a handler's run its receive),
// the probe gives the first a reference of its own (`ref`), which this layer maps to the event.
//
// What this layer knows between two records is its own: the call about to be encoded (told by
// a `call` record, taken by the encoder through `encoding`), the ack callbacks waiting for their
// emit's packet (by token), the code running now (for `console.log`). Packets come in through
// the correlator's hand-offs (`decoded`, `ackArrived`), found by their session, namespace,
// event name and ack id.

import type { Namespace } from "socket.io";
import type { Manager, Socket as ClientSocket } from "socket.io-client";
import { assertNever, type ApiEvent, type NewEvent } from "../../../../shared/trace/types.js";
import { BoundedMap, RefTable } from "../bounded-map.js";
import { Correlator, type DecodedPacket } from "../correlator.js";
import { sanitize } from "../sanitize.js";
import { eventName, isAck, isEvent, type Packet, type PacketCauses } from "../socketio/traced-parser.js";
import { probeClientSocket, probeManager, probeServerNamespace } from "./api-probe.js";
import { LAST_RESP_READ, newRef, ProbeSignals } from "../probe-signals.js";
import { HostStacks } from "../host-stacks.js";
import { callCode } from "./call-code.js";

/**
 * What the probes report (see api-probe.ts). `side` says whose hook it came from where both
 * have one. Records are applied later than they happen (see record-queue.ts), so arguments the
 * application still holds travel as copies made then (`sanitize`), or not at all: an emit's
 * are read off its encoded packet, a receive's off the packet the capture decoded itself.
 */
export type ApiRecord = ApiRecordOf & {
  /** When it happened (lab clock); otherwise the queue takes the time it was reported. */
  t?: number;
};
type ApiRecordOf =
  | { kind: "connection"; host: string; nsp: string; socketId: string; sid: string | undefined; side: "server" | "client" }
  /** A server socket is on Engine.IO session `sid` (the adapter saw it join its own room): what its packets' session is found by. */
  | { kind: "session"; host: string; socketId: string; sid: string }
  /**
   * A handler is about to get an event; `ref` names this receive in later records. `args`
   * (without the callback, the live values) is read only if the packet it came in is unknown.
   */
  | { kind: "receive"; ref: number; host: string; nsp: string; socketId: string; sid: string | undefined; event: string; args: unknown[]; withCallback: boolean; side: "server" | "client" }
  /** The server's handler called its ack callback with `reply` (a copy); `receive`: the ref of the receive it answers; its ACK is encoded next. */
  | { kind: "ack-send"; host: string; nsp: string; socketId: string; reply: unknown[]; receive: number }
  /** An emit told its outgoing listeners: its packet (which holds its arguments) is encoded next. */
  | { kind: "call"; host: string; nsp: string; socketId: string; sid?: string; event: string; callee?: string; attempt?: number; side: "server" | "client" }
  /** An ack callback (`token`) waits to learn which encoded emit it belongs to; `unbind`: it no longer does (nothing was encoded). */
  | { kind: "bind" | "unbind"; host: string; token: number }
  /** An ack callback (`token`) runs: with the ACK's arguments (`reply`, a copy), or with the error of a timeout; `ref` names it. */
  | { kind: "ack-receive"; ref: number; host: string; nsp: string; token: number; reply: unknown[]; timedOut?: string }
  /** What a host sends from now on is for `ref` (a broadcast, a bus message, LAST_RESP_READ) (`cause`), until `uncause`. */
  | { kind: "cause"; host: string; ref: number }
  | { kind: "uncause"; host: string }
  /** An event a probe records whole (a broadcast, a bus message); `ref` names it, and its `parents` are references too. */
  | { kind: "noted"; ref: number; event: NewEvent }
  /** The application's code on a host logged `text` (`console.log`) while the code of the receive or ack-receive `ref` ran. */
  | { kind: "log"; host: string; text: string; ref: number | undefined }
  | { kind: "disconnecting"; host: string; nsp: string; socketId: string; reason: string; rooms: string[] }
  | { kind: "disconnect"; host: string; nsp: string; socketId: string; sid: string | undefined; reason: string; side: "server" | "client" }
  | { kind: "connect_error"; host: string; nsp: string; sid: string | undefined; reason: string }
  | { kind: "reconnect_attempt" | "reconnect"; host: string; attempt: number }
  /** A volatile emit socket.io-client discarded before encoding it (`args`: a copy). */
  | { kind: "dropped"; host: string; nsp: string; socketId: string; event: string; args: unknown[]; withAck: boolean }
  | { kind: "room"; host: string; nsp: string; socketId: string; room: string; join: boolean }
  /** A server handler threw, on `args` (a copy). */
  | { kind: "handler-threw"; host: string; nsp: string; event: string; message: string; args: unknown[] }
  | { kind: "socket-error"; host: string; nsp: string; socketId: string; message: string };

/** The call about to be encoded, as its `call` record told it. */
interface PendingCall {
  nsp: string;
  socketId?: string;
  sid?: string;
  event: string;
  callee?: string;
  attempt?: number;
}

/** An emit with an ack callback, as its encode named it. */
interface AckEmit {
  /** Key of its ack in the correlator's `ackArrived`: host|sid|nsp|ackId. */
  key: string;
  emitId: number;
}

/** Most entries a map of pending acks (or of references) keeps. */
const MAX_PENDING = 10_000;
/** On a stack of causes or of running code: an entry that names no event. */
const NO_EVENT = -1;
const eventOf = (top: number | undefined): number | undefined => (top === NO_EVENT ? undefined : top);

export class ApiCapture implements PacketCauses {
  /** Per host: the call about to be encoded. */
  private readonly calls = new Map<string, PendingCall>();
  /** Per host: the `ack-send` whose ACK packet is encoded next. */
  private readonly ackSends = new Map<string, number>();
  /** Per host: the events whose sending runs now (an api broadcast; on a node, an adapter message), innermost last; NO_EVENT for a cause no event names. */
  private readonly causes = new HostStacks();
  /** Per host: the last RESP value it read from Redis (what LAST_RESP_READ names). */
  private readonly respReads = new Map<string, number>();
  /** Per host: ack callbacks (tokens) waiting to learn which encoded emit they belong to, in emit order. */
  private readonly unbound = new Map<string, number[]>();
  /** Ack callbacks (tokens) bound to the emit their packet was encoded for (a retry binds again). */
  private readonly boundTo = new BoundedMap<number, AckEmit>(MAX_PENDING);
  /** Received events carrying an ack callback (client side): host|nsp|ackId → api receive id. */
  private readonly ackOwed = new BoundedMap<string, number>(MAX_PENDING);
  /** The probes' references (receives, ack-receives) → the events they name: the newest 16,384. */
  private readonly refs = new RefTable(1 << 14);

  /**
   * `signals`: what the probes tell each other on the Socket.IO thread (held here for the
   * probes this capture sets up; the capture itself never reads it).
   */
  constructor(
    readonly c: Correlator,
    readonly signals: ProbeSignals = new ProbeSignals(),
  ) {
    c.queue.register("api", this.applyRecord);
  }

  // ── the probes (api-probe.ts) ──
  /** Traces one server namespace. Call before any application handler is registered. */
  tapServerNamespace(nsp: Namespace, host = "server"): void {
    probeServerNamespace(this, nsp, host);
  }

  /** Traces one client socket (one namespace of a Manager). */
  tapClientSocket(host: string, socket: ClientSocket, nsp: string): void {
    probeClientSocket(this, host, socket, nsp);
  }

  /** Traces a client Manager's reconnection events. */
  tapManager(host: string, manager: Manager): void {
    probeManager(this, host, manager);
  }

  /** Whether an ack callback was bound to an encoded emit (for tests: the probes decide without asking, see ProbeSignals). */
  bound(token: number): boolean {
    if (this.c.remote) return this.c.remote.call<boolean | undefined>("bound", [token]) ?? false;
    this.c.queue.drain();
    return this.boundTo.has(token);
  }

  /** A probe's record, queued: applied at the end of the turn (see record-queue.ts). */
  report(r: ApiRecord): void {
    this.c.queue.push(this.applyRecord, r);
  }

  private readonly applyRecord = (r: ApiRecord): void => void this.apply(r);

  /**
   * Applies one record of what the application did or was told now (the queue does, in order).
   * Returns the id of the event it made (for tests; probes use their refs).
   */
  apply(r: ApiRecord): number | undefined {
    const c = this.c;
    switch (r.kind) {
      case "connection": {
        const packet = this.takeDecoded(r.host, r.sid, r.nsp, (d) => d.type === "CONNECT");
        const code = r.side === "server" ? `io.of(${JSON.stringify(r.nsp)}).on("connection", (socket) => …)` : `socket.on("connect", () => …)`;
        return c.record({ layer: "api", kind: "connect", host: r.host, nsp: r.nsp, socketId: r.socketId, code, ...(packet ? { parents: [packet.eventId] } : {}) });
      }
      case "session":
        c.socketSession(r.host, r.socketId, r.sid);
        return undefined;
      case "receive":
        return this.receive(r);
      case "ack-send": {
        const args = r.reply;
        const receive = this.refs.get(r.receive);
        const sendId = c.stamp({ id: 0, t: 0, layer: "api", kind: "ack-send", host: r.host, nsp: r.nsp, socketId: r.socketId, args, code: callCode("callback", args, false), ...(receive !== undefined ? { parents: [receive] } : {}) });
        this.ackSends.set(r.host, sendId);
        return sendId;
      }
      case "call": {
        if (r.side === "server" && this.causeOn(r.host) !== undefined) return undefined;
        const call: PendingCall = { nsp: r.nsp, socketId: r.socketId, event: r.event };
        if (r.sid !== undefined) call.sid = r.sid;
        if (r.callee !== undefined) call.callee = r.callee;
        if (r.attempt !== undefined) call.attempt = r.attempt;
        this.calls.set(r.host, call);
        return undefined;
      }
      case "bind": {
        let q = this.unbound.get(r.host);
        if (!q) this.unbound.set(r.host, (q = []));
        q.push(r.token);
        return undefined;
      }
      case "unbind": {
        const q = this.unbound.get(r.host);
        const i = q ? q.indexOf(r.token) : -1;
        if (i >= 0) q!.splice(i, 1);
        return undefined;
      }
      case "ack-receive":
        return this.ackReceive(r);
      case "cause":
        this.causes.push(r.host, (r.ref === LAST_RESP_READ ? this.respReads.get(r.host) : this.refs.get(r.ref)) ?? NO_EVENT);
        return undefined;
      case "uncause":
        this.causes.pop(r.host);
        return undefined;
      case "noted": {
        const parents = (r.event.parents ?? []).map((p) => this.refs.get(p)).filter((p): p is number => p !== undefined);
        const { parents: _refs, ...event } = r.event;
        const id = c.record((parents.length ? { ...event, parents } : event) as NewEvent);
        this.refs.set(r.ref, id);
        return id;
      }
      case "log": {
        // A reference this layer no longer knows: the line names nothing.
        const cause = r.ref === undefined ? undefined : this.refs.get(r.ref);
        return c.record({ layer: "lab", kind: "log", host: r.host, text: r.text, ...(cause !== undefined ? { parents: [cause] } : {}) });
      }
      case "disconnecting":
        return c.record({ layer: "api", kind: "disconnecting", host: r.host, nsp: r.nsp, socketId: r.socketId, reason: r.reason, rooms: r.rooms });
      case "disconnect": {
        const packet = this.takeDecoded(r.host, r.sid, r.nsp, (d) => d.type === "DISCONNECT");
        const parents = packet ? { parents: [packet.eventId] } : {};
        if (r.side === "server") {
          const id = c.record({ layer: "api", kind: "disconnect", host: r.host, nsp: r.nsp, socketId: r.socketId, reason: r.reason, ...parents });
          c.socketGone(r.host, r.socketId);
          return id;
        }
        return c.record({ layer: "api", kind: "disconnect", host: r.host, nsp: r.nsp, reason: r.reason, ...parents });
      }
      case "connect_error": {
        const packet = this.takeDecoded(r.host, r.sid, r.nsp, (d) => d.type === "CONNECT_ERROR");
        return c.record({ layer: "api", kind: "connect_error", host: r.host, nsp: r.nsp, reason: r.reason, ...(packet ? { parents: [packet.eventId] } : {}) });
      }
      case "reconnect_attempt":
      case "reconnect":
        return c.record({ layer: "api", kind: r.kind, host: r.host, attempt: r.attempt });
      case "dropped": {
        const shown = r.args;
        return c.record({
          layer: "api",
          kind: "emit",
          host: r.host,
          nsp: r.nsp,
          socketId: r.socketId,
          event: r.event,
          args: shown,
          ack: r.withAck,
          code: callCode("socket.volatile.emit", [r.event, ...shown], r.withAck),
          dropped: true,
          reason: "volatile: the transport was not writable, so the event was discarded before it was encoded",
        });
      }
      case "room":
        return c.record(
          r.join
            ? { layer: "api", kind: "join", host: r.host, nsp: r.nsp, socketId: r.socketId, room: r.room, code: `socket.join(${JSON.stringify(r.room)})` }
            : { layer: "api", kind: "leave", host: r.host, nsp: r.nsp, socketId: r.socketId, room: r.room, code: `socket.leave(${JSON.stringify(r.room)})` },
        );
      case "handler-threw":
        return c.record({ layer: "lab", kind: "error", host: r.host, message: `the server's handler for "${r.event}" on ${r.nsp} threw: ${r.message}`, raw: JSON.stringify(r.args).slice(0, 200) });
      case "socket-error":
        return c.record({ layer: "lab", kind: "error", host: r.host, message: `socket ${r.socketId} on ${r.nsp}: ${r.message}` });
      default:
        return assertNever(r, "api record");
    }
  }

  // ── the encoder's question: which api events caused this packet? ──
  /** `packet`: as the Socket.IO capture decoded it from what the encoder wrote, its data as the trace shows it. */
  encoding(host: string, session: string | undefined, packet: Packet): number[] {
    const call = this.calls.get(host);
    const cause = this.causeOn(host);
    if (cause !== undefined && isEvent(packet.type)) return [cause];
    if (call && isEvent(packet.type) && eventName(packet.data) === call.event) {
      this.calls.delete(host);
      const hasAck = packet.id !== undefined;
      const args = (packet.data as unknown[]).slice(1);
      const emit = { id: 0, t: 0, layer: "api", kind: "emit", host, nsp: packet.nsp } as ApiEvent;
      if (call.socketId) emit.socketId = call.socketId;
      emit.event = call.event;
      emit.args = args;
      emit.ack = hasAck;
      emit.code = callCode(call.callee ?? "socket.emit", [call.event, ...args], hasAck);
      if (call.attempt !== undefined) emit.attempt = call.attempt;
      const emitId = this.c.stamp(emit);
      if (hasAck) {
        const key = Correlator.key4(host, call.sid ?? session, packet.nsp, packet.id);
        const token = this.unbound.get(host)?.shift();
        if (token !== undefined) this.boundTo.set(token, { key, emitId });
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
    const key = Correlator.key3(host, packet.nsp, packet.id);
    const owed = this.ackOwed.get(key);
    this.ackOwed.delete(key);
    const reply = (packet.data ?? []) as unknown[];
    const send: ApiEvent = { id: 0, t: 0, layer: "api", kind: "ack-send", host, nsp: packet.nsp, args: reply, code: callCode("callback", reply, false) };
    if (owed !== undefined) send.parents = [owed];
    return [this.c.stamp(send)];
  }

  // ── causes: what makes a host send now ──
  /** The event whose sending runs on `host` now (an api broadcast, an adapter message), for this capture's layers. */
  causeOn(host: string): number | undefined {
    return eventOf(this.causes.top(host));
  }

  /**
   * For the probes: runs `fn` with the reference `cause` (a broadcast, a bus message, or
   * LAST_RESP_READ) as what `host` sends for: its encodes and its writes name it.
   */
  causedBy<T>(host: string, cause: number | undefined, fn: () => T): T {
    if (cause === undefined) return fn();
    this.signals.enterCause(host, cause);
    this.report({ kind: "cause", host, ref: cause });
    try {
      return fn();
    } finally {
      this.report({ kind: "uncause", host });
      this.signals.leaveCause(host);
    }
  }

  /** For the probes: records `event` whole (its `parents` are references) under the new reference it returns. */
  note(event: NewEvent): number {
    const ref = newRef();
    this.report({ kind: "noted", ref, event });
    return ref;
  }

  /** The capture's side: `host` read a RESP value from Redis (unit `id`), what LAST_RESP_READ will name. */
  respRead(host: string, id: number): void {
    this.respReads.set(host, id);
  }

  /** `console.log` as the application's code on `host` calls it (a probe, on the Socket.IO thread): a lab `log` event naming what ran. */
  log(host: string, text: string): void {
    this.report({ kind: "log", host, text, ref: this.signals.runningOf(host) });
  }

  /** A socket joined or left rooms (`rooms` when several at once). */
  rooms(event: NewEvent): void {
    this.c.record(event);
  }

  /** Forgets everything about a host (a client removed). */
  forgetHost(host: string): void {
    // In a worker's lab, the correlator's `forgetHost` has the worker forget both.
    if (this.c.remote) return;
    this.c.queue.drain();
    for (const map of [this.calls, this.ackSends, this.unbound, this.respReads] as Map<string, unknown>[]) map.delete(host);
    this.causes.forget(host);
    for (const k of this.ackOwed.keys()) if (k.startsWith(`${host}|`)) this.ackOwed.delete(k);
  }

  /**
   * An api `receive` for an incoming event as a handler gets it, linked to the Socket.IO packet
   * it was decoded from. A client's receive that carries a callback owes an ack: its ack-send
   * (recorded at the ACK's encode) names it.
   */
  private receive(r: Extract<ApiRecord, { kind: "receive" }>): number {
    const decoded = this.takeDecoded(r.host, r.sid, r.nsp, (d) => d.event === r.event);
    const receive: ApiEvent = {
      id: 0,
      t: 0,
      layer: "api",
      kind: "receive",
      host: r.host,
      nsp: r.nsp,
      socketId: r.socketId,
      event: r.event,
      // The capture's own decode of the packet: the handler may change the arguments it was given.
      args: decoded?.data !== undefined ? (decoded.data as unknown[]).slice(1) : (sanitize(r.args) as unknown[]),
      ack: r.withCallback,
      code: `socket.on(${JSON.stringify(r.event)}, (${r.withCallback ? "arg, callback" : "arg"}) => …)`,
    };
    if (decoded) receive.parents = [decoded.eventId];
    const id = this.c.stamp(receive);
    this.refs.set(r.ref, id);
    if (r.side === "client" && r.withCallback && decoded?.ackId !== undefined) this.ackOwed.set(Correlator.key3(r.host, r.nsp, decoded.ackId), id);
    return id;
  }

  /** An ack callback runs: it names the ACK packet that delivered it and the emit it answers, or says it timed out. */
  private ackReceive(r: Extract<ApiRecord, { kind: "ack-receive" }>): number {
    const ack = this.boundTo.get(r.token);
    this.boundTo.delete(r.token);
    const packetId = ack ? this.c.ackArrived.get(ack.key) : undefined;
    if (ack) this.c.ackArrived.delete(ack.key);
    const parents = [packetId, ack?.emitId].filter((p): p is number => p !== undefined);
    const ev: ApiEvent = { id: 0, t: 0, layer: "api", kind: "ack-receive", host: r.host, nsp: r.nsp, args: r.timedOut ? [] : r.reply };
    if (r.timedOut) ev.reason = r.timedOut;
    if (parents.length) ev.parents = parents;
    const id = this.c.stamp(ev);
    this.refs.set(r.ref, id);
    return id;
  }

  private takeDecoded(host: string, sid: string | null | undefined, nsp: string, match: (d: DecodedPacket) => boolean): DecodedPacket | undefined {
    return this.c.take(this.c.decoded, Correlator.key3(host, sid ?? undefined, nsp), match);
  }
}
