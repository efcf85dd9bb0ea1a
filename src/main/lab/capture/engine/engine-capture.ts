// Engine.IO capture through public events: `packetCreate` (a packet a host sends) and
// `packet` (a packet a host received). Each is linked to the Socket.IO packet it carries
// (sending) or the wire unit it came in (receiving).

import type { EnginePacketEvent, EnginePacketType, Transport } from "../../../../shared/trace/types.js";
import { Correlator, engineData } from "../correlator.js";
import type { EngineRecord } from "./engine-probe.js";

type PacketRecord = Extract<EngineRecord, { kind: "packet" }>;

export class EngineCapture {
  /**
   * `onSessionClosed`: a session of a host closed; packets parsed from bytes it read and still
   * unclaimed are recorded then (the wire links' `flushUnclaimed`), before its hand-offs go.
   */
  constructor(
    private readonly c: Correlator,
    private readonly onSessionClosed: (host: string, sid: string) => void = () => {},
  ) {
    c.queue.register("engine", this.applyRecord);
  }

  /** A probe's record, queued: applied at the end of the turn (see record-queue.ts). */
  report(r: EngineRecord): void {
    this.c.queue.push(this.applyRecord, r);
  }

  /** A probe's packet, queued as a `packet` record (without making it where the captures run in a worker). */
  packet(t: number, host: string, dir: "in" | "out", sid: string | undefined, transport: Transport | undefined, type: string, data: unknown): void {
    this.c.queue.enginePacket(this.applyRecord, t, host, dir, sid, transport, type, data);
  }

  private readonly applyRecord = (r: EngineRecord): void => this.apply(r);

  /** Applies one record of what an engine session did (see engine-probe.ts) now: the queue does, in order. */
  apply(r: EngineRecord): void {
    if (r.kind === "closed") {
      if (!r.sid) return;
      this.onSessionClosed(r.host, r.sid);
      this.c.forgetSession(r.host, r.sid);
      return;
    }
    if (r.dir === "out") this.created(r);
    else this.received(r);
  }

  /** A host created a packet to send; it waits for the bytes that will carry it. */
  private created({ host, sid, transport, type, data: raw }: PacketRecord): void {
    const { data, binary } = engineData(raw);
    // A message's data is one chunk the Socket.IO layer encoded: that packet is its parent.
    const encoded = type === "message" ? this.c.encodedAs(host, raw) : undefined;
    const ev: EnginePacketEvent = { id: 0, t: 0, layer: "engine", kind: "packet", host, dir: "out", type: type as EnginePacketType };
    if (data !== "") ev.data = data;
    if (binary) ev.binary = true;
    if (sid) ev.sid = sid;
    if (transport) ev.transport = transport;
    if (encoded !== undefined) ev.parents = [encoded];
    const id = this.c.stamp(ev);
    this.c.push(this.c.outgoing, Correlator.key2(host, sid), { type: type as EnginePacketType, data, binary, eventId: id });
  }

  /** A host's engine emitted `packet`: link it to the bytes it was parsed from. */
  private received({ host, sid, transport, type: rawType, data: raw }: PacketRecord): void {
    const { data, binary } = engineData(raw);
    const type = rawType as EnginePacketType;
    const wire = this.c.take(this.c.incoming, Correlator.key2(host, sid), (q) => q.type === type && q.data === data);
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
    if (type === "message") this.c.engineMessage(host, raw, { eventId: id, sid });
  }
}
