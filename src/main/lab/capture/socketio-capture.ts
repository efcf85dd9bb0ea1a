// Socket.IO packet capture through the public `parser` option: an Encoder and a Decoder
// that extend socket.io-parser's, record every packet with its exact encoded string, and
// link it to the API call it was encoded for, or to the engine packets it was decoded from.

import * as sioParser from "socket.io-parser";
import type { ApiEvent, SocketIoPacketEvent, SocketIoPacketType } from "../../../shared/trace/types.js";
import { SOCKETIO_PACKET_TYPES } from "../../../shared/trace/types.js";
import { Correlator, type DecodedPacket } from "./correlator.js";
import { callCode } from "./call-code.js";

interface Packet {
  type: number;
  nsp: string;
  id?: number;
  data?: unknown;
  attachments?: number;
}

const typeName = (t: number): SocketIoPacketType => SOCKETIO_PACKET_TYPES[t] ?? "EVENT";
const isEvent = (t: number): boolean => t === sioParser.PacketType.EVENT || t === sioParser.PacketType.BINARY_EVENT;
const isAck = (t: number): boolean => t === sioParser.PacketType.ACK || t === sioParser.PacketType.BINARY_ACK;

/** The event name of an EVENT packet as a string (Socket.IO accepts numbers too). */
export function eventName(data: unknown): string | undefined {
  const first = Array.isArray(data) ? data[0] : undefined;
  return typeof first === "string" || typeof first === "number" ? String(first) : undefined;
}

/**
 * A parser module for one host (the shape `new Server(…, { parser })` and `io(…, { parser })`
 * take). `sessionOf()` tells which Engine.IO session the host is encoding for: a client has
 * one at a time; the server's encoder is shared, so for it the session is read where known.
 */
export function createTracedParser(c: Correlator, host: string, side: "server" | "client", sessionOf: () => string | undefined = () => undefined) {
  class TracedEncoder extends sioParser.Encoder {
    override encode(packet: Packet): unknown[] {
      const out = super.encode(packet as sioParser.Packet) as unknown[];
      const parents: number[] = [];
      const call = c.pendingCall.get(host);
      const broadcastId = c.pendingBroadcast.get(host);
      if (broadcastId !== undefined && isEvent(packet.type)) {
        parents.push(broadcastId);
      } else if (call && isEvent(packet.type) && eventName(packet.data) === call.event) {
        c.pendingCall.delete(host);
        const hasAck = packet.id !== undefined;
        const args = sanitize(call.args) as unknown[];
        const emit = { id: 0, t: 0, layer: "api", kind: "emit", host, nsp: packet.nsp } as ApiEvent;
        if (call.socketId) emit.socketId = call.socketId;
        emit.event = call.event;
        emit.args = args;
        emit.ack = hasAck;
        emit.code = callCode(call.callee ?? "socket.emit", [call.event, ...args], hasAck);
        if (call.attempt !== undefined) emit.attempt = call.attempt;
        const emitId = c.stamp(emit);
        parents.push(emitId);
        if (hasAck) {
          const key = Correlator.key(host, call.sid ?? sessionOf(), packet.nsp, packet.id);
          c.remember(c.ackExpected, key, emitId);
          c.unboundAcks.get(host)?.shift()?.({ key, emitId });
        }
      } else if (isAck(packet.type)) {
        const apiId = c.pendingApiEvent.get(host);
        if (apiId !== undefined) {
          c.pendingApiEvent.delete(host);
          parents.push(apiId);
        } else {
          // A client's ack callback: socket.io-client gives no hook on it, so the ack-send is
          // recorded at its only visible effect, this encode, which runs inside the callback.
          const key = Correlator.key(host, packet.nsp, packet.id);
          const owed = c.ackOwed.get(key);
          c.ackOwed.delete(key);
          const reply = sanitize(packet.data ?? []) as unknown[];
          const send: ApiEvent = { id: 0, t: 0, layer: "api", kind: "ack-send", host, nsp: packet.nsp, args: reply, code: callCode("callback", reply, false) };
          if (owed !== undefined) send.parents = [owed];
          parents.push(c.stamp(send));
        }
      }
      if (packet.type === sioParser.PacketType.CONNECT && side === "server") {
        // The server's CONNECT answers the client's, which still waits for its api `connect`.
        const sid = c.connectingSid.get(host);
        const asked = c.decoded.get(Correlator.key(host, sid, packet.nsp))?.find((d) => d.type === "CONNECT");
        if (asked) parents.push(asked.eventId);
      }
      const encoded = typeof out[0] === "string" ? out[0] : "";
      // Binary data is encoded from a copy typed BINARY_EVENT/BINARY_ACK: read the type off the wire string.
      const wireType = encoded.length > 0 ? Number(encoded[0]) : packet.type;
      const id = c.stamp(packetEvent(host, "out", typeName(Number.isInteger(wireType) ? wireType : packet.type), packet, out.length > 1 ? out.length - 1 : undefined, encoded, parents));
      c.lastEncode.set(host, { chunks: out, eventId: id });
      return out;
    }
  }

  class TracedDecoder extends sioParser.Decoder {
    private fed: number[] = [];
    private sid: string | undefined;
    private firstString = "";
    /** socket.io-parser retypes BINARY_EVENT/BINARY_ACK as EVENT/ACK while decoding: the wire says what it was. */
    private wireType: number | undefined;
    private wireAttachments: number | undefined;

    constructor(opts?: unknown) {
      super(opts as never);
      this.on("decoded", (packet: Packet) => this.decodedPacket(packet));
    }

    override add(obj: unknown): void {
      const engine = c.currentEngineIn.get(host);
      if (engine) {
        this.fed.push(engine.eventId);
        this.sid = engine.sid;
      }
      if (typeof obj === "string") {
        this.firstString = obj;
        const head = /^([0-6])(?:(\d+)-)?/.exec(obj);
        this.wireType = head ? Number(head[1]) : undefined;
        this.wireAttachments = head?.[2] !== undefined ? Number(head[2]) : undefined;
      }
      try {
        super.add(obj as never);
      } catch (err) {
        c.record({
          layer: "lab",
          kind: "error",
          host,
          message: `Socket.IO decoder refused a packet: ${(err as Error).message}`,
          raw: typeof obj === "string" ? obj.slice(0, 200) : "(binary)",
          ...(engine ? { parents: [engine.eventId] } : {}),
        });
        this.fed = [];
        throw err;
      }
    }

    private decodedPacket(packet: Packet): void {
      const parents = this.fed;
      this.fed = [];
      const binary = this.wireType === sioParser.PacketType.BINARY_EVENT || this.wireType === sioParser.PacketType.BINARY_ACK;
      const type = binary ? this.wireType! : packet.type;
      const id = c.stamp(packetEvent(host, "in", typeName(type), packet, binary ? this.wireAttachments : packet.attachments, this.firstString, parents));
      if (isAck(packet.type)) {
        // The callback records its own `ack-receive` when (and if) it really runs.
        c.remember(c.ackArrived, Correlator.key(host, this.sid, packet.nsp, packet.id), id);
        return;
      }
      const event = isEvent(packet.type) ? eventName(packet.data) : undefined;
      const pending: DecodedPacket = { eventId: id, type: typeName(packet.type), nsp: packet.nsp };
      if (packet.id !== undefined) pending.ackId = packet.id;
      if (event !== undefined) pending.event = event;
      c.push(c.decoded, Correlator.key(host, this.sid, packet.nsp), pending);
    }
  }

  return { protocol: sioParser.protocol, PacketType: sioParser.PacketType, Encoder: TracedEncoder, Decoder: TracedDecoder };
}

/**
 * A socketio `packet` event, fields added in the trace's key order (optional `ackId` and
 * `attachments` come before `encoded`): one object per packet, no spreads.
 */
function packetEvent(host: string, dir: "in" | "out", type: SocketIoPacketType, packet: Packet, attachments: number | undefined, encoded: string, parents: number[]): SocketIoPacketEvent {
  const ev = { id: 0, t: 0, layer: "socketio", kind: "packet", host, dir, type, nsp: packet.nsp } as SocketIoPacketEvent;
  if (packet.id !== undefined) ev.ackId = packet.id;
  if (attachments) ev.attachments = attachments;
  ev.encoded = encoded;
  if (packet.data !== undefined) ev.data = sanitize(packet.data);
  if (parents.length) ev.parents = parents;
  return ev;
}

/** Packet data as plain JSON data (Buffers become `{ _binary: base64 }`). */
export function sanitize(value: unknown, depth = 0): unknown {
  if (depth > 32) return "[too deep]";
  if (Buffer.isBuffer(value)) return { _binary: value.toString("base64"), length: value.length };
  if (value instanceof ArrayBuffer) return { _binary: Buffer.from(value).toString("base64"), length: value.byteLength };
  if (Array.isArray(value)) return value.map((v) => sanitize(v, depth + 1));
  if (typeof value === "function") return "[callback]";
  if (value instanceof Error) return { error: value.message };
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = sanitize(v, depth + 1);
    return out;
  }
  return value;
}
