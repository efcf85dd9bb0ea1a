// Socket.IO packet capture through the public `parser` option. The probe is an Encoder and a
// Decoder that extend socket.io-parser's and only report, as records, what they encoded and
// what they were fed (with the time): no decoded object leaves the Socket.IO thread, the capture
// decodes the same inputs with a decoder of its own. `SocketIoCapture.apply` records every packet
// with its exact encoded string: a packet being sent names the api event that caused it (the
// api layer says which, see `PacketCauses`); one received names the engine packets its data
// came in (handed over by the engine layer, found by that data). Decoded packets are handed to
// the api layer.

import * as sioParser from "socket.io-parser";
import type { SocketIoPacketEvent, SocketIoPacketType } from "../../../../shared/trace/types.js";
import { assertNever, SOCKETIO_PACKET_TYPES } from "../../../../shared/trace/types.js";
import { BoundedMap } from "../bounded-map.js";
import { Correlator, type DecodedPacket } from "../correlator.js";
import type { ProbeSignals } from "../probe-signals.js";
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
  encoding(host: string, session: string | undefined, packet: Packet): number[];
}

export type SocketIoRecord =
  /**
   * A host encoded a packet as `out`: its string, then copies of its binary attachments. The
   * capture decodes the packet from them, as the peer will (what left is what the trace shows);
   * `session`: the client's, where it has one.
   */
  | { kind: "encode"; t: number; host: string; side: "server" | "client"; session: string | undefined; out: unknown[] }
  /** Decoder `decoder` of a host was fed `input` (a packet's string, or one binary attachment); the capture decodes it again itself. */
  | { kind: "add"; t: number; host: string; decoder: number; input: unknown }
  /** That decoder refused its input (the socket.io-parser error). */
  | { kind: "refused"; t: number; host: string; decoder: number; message: string; input: unknown }
  /** That decoder's connection closed (socket.io destroys it): nothing more will come from it. */
  | { kind: "destroyed"; t: number; host: string; decoder: number };

const typeName = (t: number): SocketIoPacketType => SOCKETIO_PACKET_TYPES[t] ?? "EVENT";
export const isEvent = (t: number): boolean => t === sioParser.PacketType.EVENT || t === sioParser.PacketType.BINARY_EVENT;
export const isAck = (t: number): boolean => t === sioParser.PacketType.ACK || t === sioParser.PacketType.BINARY_ACK;

/** The event name of an EVENT packet as a string (Socket.IO accepts numbers too). */
export function eventName(data: unknown): string | undefined {
  const first = Array.isArray(data) ? data[0] : undefined;
  return typeof first === "string" || typeof first === "number" ? String(first) : undefined;
}

let nextDecoder = 1;

/**
 * The probe: a parser module for one host (the shape `new Server(…, { parser })` and
 * `io(…, { parser })` take) whose encoder and decoders report to `apply`. `sessionOf()` tells
 * which Engine.IO session the host is encoding for: a client has one at a time; the server's
 * encoder is shared, so for it the session is found from the packet where it can be.
 */
export function createTracedParser(capture: SocketIoCapture, host: string, side: "server" | "client", sessionOf: () => string | undefined = () => undefined, signals?: ProbeSignals) {
  const now = (): number => capture.c.recorder.now();
  class TracedEncoder extends sioParser.Encoder {
    override encode(packet: Packet): unknown[] {
      const out = super.encode(packet as sioParser.Packet) as unknown[];
      if (packet.id !== undefined && isEvent(packet.type)) signals?.encodedWithAck(host);
      // The encoded string cannot change; the application still holds the binary attachments: they are copied where the record is kept.
      capture.encodedBy(now(), host, side, sessionOf(), out);
      return out;
    }
  }

  class TracedDecoder extends sioParser.Decoder {
    private readonly number = nextDecoder++;

    override add(input: unknown): void {
      // A binary attachment is copied: the handler gets the same Buffer, and may change it.
      capture.fedTo(now(), host, this.number, input);
      try {
        super.add(input as never);
      } catch (err) {
        capture.report({ kind: "refused", t: now(), host, decoder: this.number, message: (err as Error).message, input });
        throw err;
      }
    }

    override destroy(): void {
      capture.report({ kind: "destroyed", t: now(), host, decoder: this.number });
      super.destroy();
    }
  }

  return { protocol: sioParser.protocol, PacketType: sioParser.PacketType, Encoder: TracedEncoder, Decoder: TracedDecoder };
}

/** What one decoder has been fed towards its next packet, and the capture's own copy of it. */
interface DecoderState {
  /** Fed the same inputs as the application's decoder, it completes the same packets (objects of the capture's own). */
  parser: sioParser.Decoder;
  /** The engine packets its inputs came in. */
  fed: number[];
  sid: string | undefined;
  firstString: string;
  /** socket.io-parser retypes BINARY_EVENT/BINARY_ACK as EVENT/ACK while decoding: the wire says what it was. */
  wireType: number | undefined;
  wireAttachments: number | undefined;
  /** The engine packet the last input came in, if one did. */
  lastEngine: number | undefined;
}

/** Decoders followed at once; the oldest is forgotten past this (a decoder per connection). */
const MAX_DECODERS = 10_000;

/** Records the Socket.IO layer from its probe's records (see `createTracedParser`). */
export class SocketIoCapture {
  private readonly decoders = new BoundedMap<number, DecoderState>(MAX_DECODERS);
  /** Decodes what hosts sent (see `decodeSent`); `sent` is its last packet. */
  private sentDecoder = this.newSentDecoder();
  private sent: Packet | undefined;

  constructor(
    readonly c: Correlator,
    private readonly causes: PacketCauses,
  ) {
    c.queue.register("socketio", this.applyRecord);
  }

  /** A probe's record, queued: applied at the end of the turn (see record-queue.ts). */
  report(r: SocketIoRecord): void {
    this.c.queue.push(this.applyRecord, r);
  }

  /** A probe's encode, queued as an `encode` record (without making it where the captures run in a worker). */
  encodedBy(t: number, host: string, side: "server" | "client", session: string | undefined, out: readonly unknown[]): void {
    this.c.queue.socketioEncode(this.applyRecord, t, host, side, session, out);
  }

  /** A probe's decoder input, queued as an `add` record (likewise). */
  fedTo(t: number, host: string, decoder: number, input: unknown): void {
    this.c.queue.socketioAdd(this.applyRecord, t, host, decoder, input);
  }

  private readonly applyRecord = (r: SocketIoRecord): void => this.apply(r);

  /** Applies one record now (the queue does, in order; tests may). */
  apply(r: SocketIoRecord): void {
    switch (r.kind) {
      case "encode":
        this.encoded(r.host, r.side, r.session, r.out);
        return;
      case "add":
        this.fed(r.host, this.decoder(r.host, r.decoder), r.input);
        return;
      case "refused": {
        const d = this.decoder(r.host, r.decoder);
        this.c.record({
          layer: "lab",
          kind: "error",
          host: r.host,
          message: `Socket.IO decoder refused a packet: ${r.message}`,
          raw: typeof r.input === "string" ? r.input.slice(0, 200) : "(binary)",
          ...(d.lastEngine !== undefined ? { parents: [d.lastEngine] } : {}),
        });
        d.fed = [];
        // The application's decoder is done with this connection; ours starts afresh should more come.
        d.parser.destroy();
        this.decoders.delete(r.decoder);
        return;
      }
      case "destroyed":
        this.decoders.get(r.decoder)?.parser.destroy();
        this.decoders.delete(r.decoder);
        return;
      default:
        assertNever(r, "socketio record");
    }
  }

  private encoded(host: string, side: "server" | "client", session: string | undefined, out: unknown[]): void {
    const packet = this.decodeSent(out);
    const parents = this.causes.encoding(host, session, packet);
    if (packet.type === sioParser.PacketType.CONNECT && side === "server") {
      // The server's CONNECT answers the client's: it carries the new socket's id, whose session the adapter told.
      const socketId = (packet.data as { sid?: unknown } | undefined)?.sid;
      const sid = typeof socketId === "string" ? this.c.sessionOfSocket(host, socketId) : undefined;
      const asked = this.c.decoded.get(Correlator.key3(host, sid, packet.nsp))?.find((d) => d.type === "CONNECT");
      if (asked) parents.push(asked.eventId);
    }
    const encoded = typeof out[0] === "string" ? out[0] : "";
    // Binary data is encoded from a copy typed BINARY_EVENT/BINARY_ACK: read the type off the wire string.
    const wireType = encoded.length > 0 ? Number(encoded[0]) : packet.type;
    const id = this.c.stamp(packetEvent(host, "out", typeName(Number.isInteger(wireType) ? wireType : packet.type), packet, packet.data, out.length > 1 ? out.length - 1 : undefined, encoded, parents));
    this.c.encoded(host, out, id);
  }

  /**
   * The packet a host sent, decoded from what its encoder wrote (its data as the trace shows it):
   * socket.io-parser's decoder, one for every host's sends (each `out` is whole, so it decodes at
   * its last part), with no cap on attachments (the encoder has none; a receiver's decoder
   * refuses more than 10). Should it still refuse (it checks payloads the encoder does not), the
   * packet is read off the string's header: type, namespace, ack id, then its JSON.
   */
  private decodeSent(out: unknown[]): Packet {
    this.sent = undefined;
    try {
      for (const part of out) this.sentDecoder.add(part as never);
    } catch {
      // said below
    }
    const packet = this.sent as Packet | undefined;
    this.sent = undefined;
    if (packet) {
      // The decoder's own object: its data made plain in place.
      if (packet.data !== undefined) packet.data = sanitize(packet.data);
      return packet;
    }
    this.sentDecoder.destroy();
    this.sentDecoder = this.newSentDecoder();
    return packetOfHeader(typeof out[0] === "string" ? out[0] : "");
  }

  private newSentDecoder(): sioParser.Decoder {
    const decoder = new sioParser.Decoder({ maxAttachments: Number.POSITIVE_INFINITY });
    decoder.on("decoded", (packet: Packet) => {
      this.sent = packet;
    });
    return decoder;
  }

  private decoder(host: string, n: number): DecoderState {
    let d = this.decoders.get(n);
    if (!d) {
      const parser = new sioParser.Decoder();
      const state: DecoderState = { parser, fed: [], sid: undefined, firstString: "", wireType: undefined, wireAttachments: undefined, lastEngine: undefined };
      parser.on("decoded", (packet: Packet) => {
        // Thrown here it would look like the decoder refusing the input (see `fed`): say it instead.
        try {
          this.decodedPacket(host, state, packet);
        } catch (err) {
          this.c.record({ layer: "lab", kind: "error", host, code: "CAPTURE_FAILED", message: `capture could not record a decoded Socket.IO packet: ${(err as Error)?.message ?? String(err)}` });
        }
      });
      this.decoders.set(n, (d = state));
    }
    return d;
  }

  private fed(host: string, d: DecoderState, input: unknown): void {
    const engine = this.c.takeEngineMessage(host, input);
    d.lastEngine = engine?.eventId;
    if (engine) {
      d.fed.push(engine.eventId);
      d.sid = engine.sid;
    }
    if (typeof input === "string") {
      d.firstString = input;
      const head = /^([0-6])(?:(\d+)-)?/.exec(input);
      d.wireType = head ? Number(head[1]) : undefined;
      d.wireAttachments = head?.[2] !== undefined ? Number(head[2]) : undefined;
    }
    try {
      d.parser.add(input as never);
    } catch {
      // The application's decoder refuses it too: its `refused` record follows and says so.
    }
  }

  private decodedPacket(host: string, d: DecoderState, packet: Packet): void {
    const parents = d.fed;
    d.fed = [];
    const binary = d.wireType === sioParser.PacketType.BINARY_EVENT || d.wireType === sioParser.PacketType.BINARY_ACK;
    const type = binary ? d.wireType! : packet.type;
    const data = packet.data === undefined ? undefined : sanitize(packet.data);
    const id = this.c.stamp(packetEvent(host, "in", typeName(type), packet, data, binary ? d.wireAttachments : packet.attachments, d.firstString, parents));
    if (isAck(packet.type)) {
      // The callback records its own `ack-receive` when (and if) it really runs.
      this.c.ackArrived.set(Correlator.key4(host, d.sid, packet.nsp, packet.id), id);
      return;
    }
    const event = isEvent(packet.type) ? eventName(packet.data) : undefined;
    const pending: DecodedPacket = { eventId: id, type: typeName(packet.type), nsp: packet.nsp };
    if (packet.id !== undefined) pending.ackId = packet.id;
    if (event !== undefined) pending.event = event;
    if (data !== undefined) pending.data = data;
    this.c.push(this.c.decoded, Correlator.key3(host, d.sid, packet.nsp), pending);
  }
}

/**
 * A socketio `packet` event, fields added in the trace's key order (optional `ackId` and
 * `attachments` come before `encoded`): one object per packet, no spreads. `data`: the
 * packet's data as the trace shows it (decoded by the capture, then made plain by sanitize.ts).
 */
function packetEvent(host: string, dir: "in" | "out", type: SocketIoPacketType, packet: Packet, data: unknown, attachments: number | undefined, encoded: string, parents: number[]): SocketIoPacketEvent {
  const ev = { id: 0, t: 0, layer: "socketio", kind: "packet", host, dir, type, nsp: packet.nsp } as SocketIoPacketEvent;
  if (packet.id !== undefined) ev.ackId = packet.id;
  if (attachments) ev.attachments = attachments;
  ev.encoded = encoded;
  if (data !== undefined) ev.data = data;
  if (parents.length) ev.parents = parents;
  return ev;
}

/**
 * A packet read off an encoded string's header (`<type>[<attachments>-][<nsp>,][<id>]<json>`),
 * for one socket.io-parser's decoder refused: its data as sanitize.ts makes it.
 */
export function packetOfHeader(text: string): Packet {
  const head = /^([0-6])(?:\d+-)?(\/[^,]*,)?(\d+)?/.exec(text);
  if (!head) return { type: sioParser.PacketType.EVENT, nsp: "/" };
  const packet: Packet = { type: Number(head[1]), nsp: head[2] ? head[2].slice(0, -1) : "/" };
  if (head[3] !== undefined) packet.id = Number(head[3]);
  const json = text.slice(head[0].length);
  if (json !== "") {
    try {
      packet.data = sanitize(JSON.parse(json));
    } catch {
      packet.data = json;
    }
  }
  return packet;
}
