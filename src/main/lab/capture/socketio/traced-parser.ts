// Socket.IO packet capture through the public `parser` option: an Encoder and a Decoder that
// extend socket.io-parser's and record every packet with its exact encoded string. A packet
// being sent names the api event that caused it (the api layer says which, see
// `PacketCauses`); one received names the engine packets its data came in (handed over by
// the engine layer, found by that data). Decoded packets are handed to the api layer.

import * as sioParser from "socket.io-parser";
import type { SocketIoPacketEvent, SocketIoPacketType } from "../../../../shared/trace/types.js";
import { SOCKETIO_PACKET_TYPES } from "../../../../shared/trace/types.js";
import { Correlator, type DecodedPacket } from "../correlator.js";
import { sanitize } from "../sanitize.js";

/** A packet as socket.io-parser's encoder and decoder see it. */
export interface Packet {
  type: number;
  nsp: string;
  id?: number;
  data?: unknown;
  attachments?: number;
}

/** The api layer's side of an encode: which api events caused `packet` (recording them if it must). */
export interface PacketCauses {
  encoding(host: string, sessionOf: () => string | undefined, packet: Packet): number[];
}

const typeName = (t: number): SocketIoPacketType => SOCKETIO_PACKET_TYPES[t] ?? "EVENT";
export const isEvent = (t: number): boolean => t === sioParser.PacketType.EVENT || t === sioParser.PacketType.BINARY_EVENT;
export const isAck = (t: number): boolean => t === sioParser.PacketType.ACK || t === sioParser.PacketType.BINARY_ACK;

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
export function createTracedParser(c: Correlator, causes: PacketCauses, host: string, side: "server" | "client", sessionOf: () => string | undefined = () => undefined) {
  class TracedEncoder extends sioParser.Encoder {
    override encode(packet: Packet): unknown[] {
      const out = super.encode(packet as sioParser.Packet) as unknown[];
      const parents = causes.encoding(host, sessionOf, packet);
      if (packet.type === sioParser.PacketType.CONNECT && side === "server") {
        // The server's CONNECT answers the client's: it carries the new socket's id, whose session the adapter told.
        const socketId = (packet.data as { sid?: unknown } | undefined)?.sid;
        const sid = typeof socketId === "string" ? c.sessionOfSocket(host, socketId) : undefined;
        const asked = c.decoded.get(Correlator.key(host, sid, packet.nsp))?.find((d) => d.type === "CONNECT");
        if (asked) parents.push(asked.eventId);
      }
      const encoded = typeof out[0] === "string" ? out[0] : "";
      // Binary data is encoded from a copy typed BINARY_EVENT/BINARY_ACK: read the type off the wire string.
      const wireType = encoded.length > 0 ? Number(encoded[0]) : packet.type;
      const id = c.stamp(packetEvent(host, "out", typeName(Number.isInteger(wireType) ? wireType : packet.type), packet, out.length > 1 ? out.length - 1 : undefined, encoded, parents));
      c.encoded(host, out, id);
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
      const engine = c.takeEngineMessage(host, obj);
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
