// Engine.IO capture through public events: `packetCreate` (a packet a host sends) and
// `packet` (a packet a host received). Each is linked to the Socket.IO packet it carries
// (sending) or the wire unit it came in (receiving).

import type { EnginePacketEvent, EnginePacketType, Transport } from "../../../../shared/trace/types.js";
import { Correlator, engineData } from "../correlator.js";
import { sidOfOpenData } from "../../../../shared/engine/open-packet.js";

interface RawPacket {
  type: string;
  data?: unknown;
}

export class EngineCapture {
  constructor(private readonly c: Correlator) {}

  /** A host created a packet to send; it waits for the bytes that will carry it. */
  created(host: string, sid: string | undefined, transport: Transport | undefined, packet: RawPacket): void {
    const { data, binary } = engineData(packet.data);
    // A message's data is one chunk the Socket.IO layer encoded: that packet is its parent.
    const encoded = packet.type === "message" ? this.c.encodedAs(host, packet.data) : undefined;
    const ev: EnginePacketEvent = { id: 0, t: 0, layer: "engine", kind: "packet", host, dir: "out", type: packet.type as EnginePacketType };
    if (data !== "") ev.data = data;
    if (binary) ev.binary = true;
    if (sid) ev.sid = sid;
    if (transport) ev.transport = transport;
    if (encoded !== undefined) ev.parents = [encoded];
    const id = this.c.stamp(ev);
    this.c.push(this.c.outgoing, Correlator.key(host, sid), { type: packet.type as EnginePacketType, data, binary, eventId: id });
  }

  /** A host's engine emitted `packet`: link it to the bytes it was parsed from. */
  received(host: string, sid: string | undefined, transport: Transport | undefined, packet: RawPacket): void {
    const { data, binary } = engineData(packet.data);
    const type = packet.type as EnginePacketType;
    const wire = this.c.take(this.c.incoming, Correlator.key(host, sid), (q) => q.type === type && q.data === data);
    const ev: EnginePacketEvent = wire?.conn
      ? { id: 0, t: 0, layer: "engine", kind: "packet", host, conn: wire.conn, dir: "in", type }
      : { id: 0, t: 0, layer: "engine", kind: "packet", host, dir: "in", type };
    if (data !== "") ev.data = data;
    if (binary) ev.binary = true;
    if (sid) ev.sid = sid;
    if (transport) ev.transport = transport;
    if (wire) ev.parents = [wire.eventId];
    const id = this.c.stamp(ev);
    // Its data goes to the Socket.IO decoder next, which finds this packet by that data.
    if (type === "message") this.c.engineMessage(host, packet.data, { eventId: id, sid });
  }
}

/**
 * A host's engine session closed: what was pending for it can never be matched. Packets
 * parsed from bytes it read and still unclaimed are recorded first (`recordUnclaimed`).
 */
export function sessionClosed(c: Correlator, host: string, sid: string | null | undefined, recordUnclaimed: (host: string, sid: string) => void): void {
  if (!sid) return;
  recordUnclaimed(host, sid);
  c.forgetSession(host, sid);
}

/** The sid in an `open` packet's JSON, for a client whose engine has no id yet. */
export function sidOfOpen(packet: RawPacket): string | undefined {
  return packet.type === "open" && typeof packet.data === "string" ? sidOfOpenData(packet.data) : undefined;
}
