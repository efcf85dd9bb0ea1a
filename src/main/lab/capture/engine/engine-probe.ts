// The hot path of the Engine.IO capture: each packet an engine session creates or receives,
// and its close, as records with the time they happened. A probe reads the session's id and
// transport at that moment and nothing else; `EngineCapture.apply` records and links them.

import type { Transport } from "../../../../shared/trace/types.js";
import { sidOfOpenData } from "../../../../shared/engine/open-packet.js";
import type { EngineSession } from "../socketio-internals.js";

export type EngineRecord =
  /** `dir: out`: the session created the packet (to send); `in`: it received it. `data` as the engine had it. */
  | { kind: "packet"; t: number; host: string; dir: "in" | "out"; sid: string | undefined; transport: Transport | undefined; type: string; data: unknown }
  | { kind: "closed"; t: number; host: string; sid: string | undefined };

interface RawPacket {
  type: string;
  data?: unknown;
}

/** The sid in an `open` packet's JSON, for a client whose engine has no id yet. */
function sidOfOpen(packet: RawPacket): string | undefined {
  return packet.type === "open" && typeof packet.data === "string" ? sidOfOpenData(packet.data) : undefined;
}

/**
 * Where the probe's records go: `packet` hands a packet over without making its record where
 * the captures run in a worker (see RecordQueue.enginePacket; received data is copied where the
 * record is kept: the application gets the same object, and may change it).
 */
export interface EngineReport {
  report(record: EngineRecord): void;
  packet(t: number, host: string, dir: "in" | "out", sid: string | undefined, transport: Transport | undefined, type: string, data: unknown): void;
}

/**
 * Probes one engine session of `host` (a server's, from its `connection` event; a client's, the
 * Manager's engine). A client's engine has no id until its `open` packet, which carries it.
 */
export function probeEngine(host: string, session: EngineSession, to: EngineReport, now: () => number): void {
  const transport = (): Transport | undefined => session.transport?.name as Transport | undefined;
  session.on("packet", (p: RawPacket) => to.packet(now(), host, "in", session.id ?? sidOfOpen(p), transport(), p.type, p.data));
  session.on("packetCreate", (p: RawPacket) => to.packet(now(), host, "out", session.id ?? undefined, transport(), p.type, p.data));
  session.on("close", () => to.report({ kind: "closed", t: now(), host, sid: session.id ?? undefined }));
}
