// Engine.IO packets as the wire layer finds them in the bytes, linked to the engine's own
// events (engine-capture.ts): a packet parsed from written bytes names the packet the engine
// created; one parsed from bytes read waits for the engine's `packet` event to claim it. A
// packet no engine event tells of (the transport's own `upgrade` and probes; a `noop` after
// the session closed; a polling `1` the transport handles itself) is recorded from the wire,
// `recovered`, at once or once it is clear nothing will claim it.

import type { EnginePacketEvent, EnginePacketType } from "../../../../shared/trace/types.js";
import type { ParsedEnginePacket, StreamDir, WireUnitParsed } from "../wire/types.js";
import { Correlator } from "../correlator.js";

/** The connection a unit came on, as this layer needs it. */
export interface LinkConn {
  id: string;
  host: string;
}

const UNCLAIMED_AFTER_MS = 100;

/** Packets no engine emits a `packet` event for: recorded from the wire as soon as parsed. */
function isTransportInternal(p: ParsedEnginePacket): boolean {
  return p.type === "upgrade" || ((p.type === "ping" || p.type === "pong") && p.data === "probe");
}

export class EngineWireLinks {
  private unclaimedTimer: NodeJS.Timeout | undefined;

  /** `isPaused(conn)`: the connection's socket stopped reading (a frozen client: its engine never read those bytes). */
  constructor(
    private readonly c: Correlator,
    private readonly isPaused: (connId: string) => boolean,
  ) {}

  /** A packet parsed from written bytes: the engine packet it carries, or one recovered now. */
  outgoing(conn: LinkConn, sid: string | undefined, unit: WireUnitParsed, p: ParsedEnginePacket): number {
    const data = p.data ?? "";
    const found = this.c.take(this.c.outgoing, Correlator.key2(conn.host, sid), (q) => q.type === p.type && q.data === data);
    if (found) return found.eventId;
    return this.recordRecovered(conn, sid, unit, p, "out", []);
  }

  /** A packet parsed from bytes read (unit `unitId`): it waits for the engine's event, or is recorded now. */
  incoming(conn: LinkConn, sid: string | undefined, unit: WireUnitParsed, p: ParsedEnginePacket, unitId: number): void {
    if (isTransportInternal(p)) {
      this.recordRecovered(conn, sid, unit, p, "in", [unitId]);
      return;
    }
    this.c.push(this.c.incoming, Correlator.key2(conn.host, sid), {
      type: p.type as EnginePacketType,
      data: p.data ?? "",
      binary: p.binary ?? false,
      eventId: unitId,
      conn: conn.id,
      at: this.c.now(),
      ...(unit.transport ? { transport: unit.transport } : {}),
    });
    this.scheduleUnclaimed();
  }

  private recordRecovered(conn: LinkConn, sid: string | undefined, unit: WireUnitParsed, p: ParsedEnginePacket, dir: StreamDir, parents: number[]): number {
    const ev: EnginePacketEvent = { id: 0, t: 0, layer: "engine", kind: "packet", host: conn.host, conn: conn.id, dir, type: p.type };
    if (p.data !== undefined && p.data !== "") ev.data = p.data;
    if (p.binary) ev.binary = true;
    if (sid) ev.sid = sid;
    ev.transport = unit.transport ?? (unit.kind === "ws-frame" ? "websocket" : "polling");
    ev.recovered = true;
    if (parents.length) ev.parents = parents;
    return this.c.stamp(ev);
  }

  /**
   * Parsed packets that no public event claimed (a session already closed, say) are recorded
   * as recovered. The wait is long: socket.io-client's XHR shim delivers a response several
   * turns of the event loop after its bytes arrive.
   */
  private scheduleUnclaimed(): void {
    if (this.unclaimedTimer) return;
    this.unclaimedTimer = setTimeout(() => {
      this.unclaimedTimer = undefined;
      // A packet some queued record would claim is not unclaimed yet.
      this.c.queue.drain();
      try {
        this.recordUnclaimed(this.c.recorder.now() - UNCLAIMED_AFTER_MS);
      } catch (err) {
        // Capture must never end the lab: say so and drop what could not be recorded.
        this.c.incoming.clear();
        this.c.record({ layer: "lab", kind: "error", host: "server", code: "CAPTURE_FAILED", message: `capture could not record unclaimed packets: ${(err as Error)?.message ?? String(err)}` });
      }
      if (this.c.incoming.size > 0) this.scheduleUnclaimed();
    }, UNCLAIMED_AFTER_MS);
    this.unclaimedTimer.unref();
  }

  /**
   * Records every parsed packet still unclaimed now, of one host's session (it closed: no
   * event will claim them, e.g. a `close` packet the transport handles itself), of one host
   * (it is removed) or of all (the lab is closing).
   */
  flushUnclaimed(host?: string, sid?: string): void {
    if (host === undefined) {
      if (this.unclaimedTimer) clearTimeout(this.unclaimedTimer);
      this.unclaimedTimer = undefined;
    }
    this.recordUnclaimed(Infinity, host === undefined ? undefined : sid === undefined ? `${host}|` : Correlator.key2(host, sid));
  }

  /** `only`: one host|sid key, or every key of a host (`host|`). */
  private recordUnclaimed(cutoff: number, only?: string): void {
    for (const [key, list] of this.c.incoming) {
      if (only !== undefined && (only.endsWith("|") ? !key.startsWith(only) : key !== only)) continue;
      const host = key.slice(0, key.indexOf("|"));
      const sid = key.slice(key.indexOf("|") + 1);
      const stale = list.filter((q) => (q.at ?? 0) <= cutoff);
      if (stale.length === 0) continue;
      const kept = list.filter((q) => (q.at ?? 0) > cutoff);
      if (kept.length) this.c.incoming.set(key, kept);
      else this.c.incoming.delete(key);
      for (const q of stale) {
        // Bytes a paused (frozen) socket holds were never read by its engine.
        if (q.conn && this.isPaused(q.conn)) continue;
        this.c.record({
          layer: "engine",
          kind: "packet",
          host,
          ...(q.conn ? { conn: q.conn } : {}),
          dir: "in",
          type: q.type,
          ...(q.data ? { data: q.data } : {}),
          ...(q.binary ? { binary: true } : {}),
          ...(sid !== "?" ? { sid } : {}),
          ...(q.transport ? { transport: q.transport } : {}),
          recovered: true,
          parents: [q.eventId],
        });
      }
    }
  }
}
