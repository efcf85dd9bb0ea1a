// Engine.IO capture through public events: `packetCreate` (a packet a host sends) and
// `packet` (a packet a host received). Each is linked to the Socket.IO packet it carries
// (sending) or the wire unit it came in (receiving).

import type { EnginePacketEvent, EnginePacketType, Transport } from "../../../../shared/trace/types.js";
import { Correlator, engineData } from "../correlator.js";
import { sidOfOpenData } from "../../../../shared/engine/open-packet.js";
import type { EngineRecord } from "./engine-probe.js";

interface RawPacket {
  type: string;
  data?: unknown;
}

export class EngineCapture {
  /**
   * `onSessionClosed`: a session of a host closed; packets parsed from bytes it read and still
   * unclaimed are recorded then (the wire links' `flushUnclaimed`), before its hand-offs go.
   */
  constructor(
    private readonly c: Correlator,
    private readonly onSessionClosed: (host: string, sid: string) => void = () => {},
  ) {}

  /** One record of what an engine session did (see engine-probe.ts). */
  apply(r: EngineRecord): void {
    if (r.kind === "closed") {
      if (!r.sid) return;
      this.onSessionClosed(r.host, r.sid);
      this.c.forgetSession(r.host, r.sid);
      return;
    }
    const packet = { type: r.type, data: r.data };
    if (r.dir === "out") this.created(r.host, r.sid, r.transport, packet);
    else this.received(r.host, r.sid, r.transport, packet);
  }

  /** A host created a packet to send; it waits for the bytes that will carry it. */
  private created(host: string, sid: string | undefined, transport: Transport | undefined, packet: RawPacket): void {
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
  private received(host: string, sid: string | undefined, transport: Transport | undefined, packet: RawPacket): void {
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

/** The sid in an `open` packet's JSON, for a client whose engine has no id yet. */
export function sidOfOpen(packet: RawPacket): string | undefined {
  return packet.type === "open" && typeof packet.data === "string" ? sidOfOpenData(packet.data) : undefined;
}
