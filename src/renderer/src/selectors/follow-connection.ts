// Follow connection (as Wireshark's Follow TCP Stream): one connection's whole byte
// conversation as of the playhead, both directions in the order they happened, printable text
// with every other byte as a dot, each protocol unit (HTTP message, WebSocket frame, RESP value)
// marked with the Engine.IO packets it carried; and the TCP model's counts for it, as
// Wireshark's Expert Info gives them (lost, retransmitted, duplicate ACKs, out of order).

import type { TraceEvent } from "../../../shared/trace/types";
import type { TraceState } from "../store/initial-state";
import { eventById, type TraceBuffer } from "../store/trace-buffer";
import { linkForConn, selectAddressing, type ConnLink } from "./addressing";
import { streamBytes } from "./bytes";
import { engineString } from "./describe-event";
import { opcodeName } from "./ws-header";
import { transportOf, TRANSPORT_LABEL } from "./addressing-links";
import { modelOfConn, selectTraceModel } from "./tcp-model";
import { memo } from "./memo";
import { selectNetwork } from "./network";

/** Client to server, or server to client. */
export type FollowDir = "c2s" | "s2c";

export interface FollowBlock {
  dir: FollowDir;
  /** What the bytes are: `HTTP request GET /socket.io/…`, `WebSocket text frame`, or `bytes`. */
  unit: string;
  /** The Engine.IO packets (or Redis command) the unit carried, as strings. */
  carried: string[];
  /** The bytes as text: printable ASCII, line breaks kept, every other byte a dot. */
  text: string;
  offset: number;
  length: number;
  /** Trace index of the event that made the block: blocks are in this order. */
  index: number;
  id: number;
}

export interface ExpertInfo {
  segments: number;
  lost: number;
  retransmitted: number;
  duplicateAcks: number;
  outOfOrder: number;
  duplicates: number;
}

export interface FollowedConnection {
  conn: string;
  link: ConnLink;
  transport: string;
  blocks: FollowBlock[];
  bytes: Record<FollowDir, number>;
  /** null while the model has not covered the connection (or could not run). */
  expert: ExpertInfo | null;
}

/** Printable ASCII as is, CR LF (or LF) as a line break, any other byte as a dot. */
export function followText(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b === 0x0d && bytes[i + 1] === 0x0a) continue;
    s += b === 0x0a ? "\n" : b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".";
  }
  return s;
}

function unitName(e: Extract<TraceEvent, { layer: "wire" }>): string {
  switch (e.kind) {
    case "http-request":
      return `HTTP request ${e.method} ${e.path}`;
    case "http-response":
      return `HTTP response ${e.status}`;
    case "ws-upgrade":
      return `HTTP ${e.status} Switching Protocols (now WebSocket)`;
    case "ws-frame":
      return `WebSocket ${opcodeName(e.opcode)} frame, ${e.payloadLength} B payload${e.masked ? ", masked" : ""}${e.rsv1 ? ", compressed" : ""}`;
    case "resp":
      return `Redis ${e.command ?? e.type} (RESP)`;
  }
}

function carriedBy(buf: TraceBuffer, e: Extract<TraceEvent, { layer: "wire" }>): string[] {
  if (e.kind === "resp") return [e.preview];
  const out: string[] = [];
  for (const id of buf.childrenById.get(e.id) ?? []) {
    const c = eventById(buf, id);
    if (c?.layer === "engine" && c.host === e.host) out.push(engineString(c));
  }
  // A packet written: its engine packets are the unit's parents.
  for (const id of e.parents ?? []) {
    const p = eventById(buf, id);
    if (p?.layer === "engine" && p.host === e.host && !out.includes(engineString(p))) out.push(engineString(p));
  }
  return out;
}

/** The connection `conn` (either end) followed up to trace index `upTo`. */
export function followConnection(s: TraceState, conn: string, upTo: number): FollowedConnection | null {
  const link = linkForConn(selectAddressing(s), conn);
  if (!link) return null;
  const buf = s.trace;
  // Read from an end the lab traced: its `out` is its own direction.
  const end = link.conns[0] ?? conn;
  const isClient = (buf.byConn.get(end) ?? []).some((i) => {
    const e = buf.events[i];
    return e?.layer === "tcp" && e.kind === "open" && e.role === "client";
  });
  const dirOf = (d: "in" | "out"): FollowDir => ((d === "out") === isClient ? "c2s" : "s2c");
  const blocks: FollowBlock[] = [];
  const units: Record<"in" | "out", [number, number][]> = { in: [], out: [] };
  const data: Record<"in" | "out", { offset: number; length: number; index: number; id: number }[]> = { in: [], out: [] };
  for (const i of buf.byConn.get(end) ?? []) {
    if (i > upTo) break;
    const e = buf.events[i];
    if (!e?.dir) continue;
    if (e.layer === "tcp" && e.kind === "data") data[e.dir].push({ offset: e.offset, length: e.length, index: i, id: e.id });
    if (e.layer !== "wire") continue;
    const bytes = streamBytes(buf, end, e.dir, e.offset, e.length);
    units[e.dir].push([e.offset, e.offset + bytes.length]);
    blocks.push({ dir: dirOf(e.dir), unit: unitName(e), carried: carriedBy(buf, e), text: followText(bytes), offset: e.offset, length: e.length, index: i, id: e.id });
  }
  // Bytes no unit claims (a parser that had not started, a proxy's raw stream): shown as bytes.
  const bytes: Record<FollowDir, number> = { c2s: 0, s2c: 0 };
  for (const d of ["in", "out"] as const) {
    const covered = units[d].sort((p, q) => p[0] - q[0]);
    for (const chunk of data[d]) {
      bytes[dirOf(d)] += chunk.length;
      let at = chunk.offset;
      const endAt = chunk.offset + chunk.length;
      for (const [a, b] of covered) {
        if (b <= at || a >= endAt) continue;
        if (a > at) blocks.push(rawBlock(buf, end, d, at, a - at, chunk, dirOf(d)));
        at = Math.max(at, b);
      }
      if (at < endAt) blocks.push(rawBlock(buf, end, d, at, endAt - at, chunk, dirOf(d)));
    }
  }
  blocks.sort((p, q) => p.index - q.index || p.offset - q.offset);
  const model = selectTraceModel(s);
  const out = modelOfConn(model, link.conns[0]) ?? modelOfConn(model, link.conns[1]);
  const expert: ExpertInfo | null = out
    ? {
        segments: out.segments.length,
        lost: out.segments.filter((g) => g.lost).length,
        retransmitted: out.segments.filter((g) => g.retransmission).length,
        duplicateAcks: out.segments.filter((g) => g.dupAck).length,
        outOfOrder: out.segments.filter((g) => g.outOfOrder).length,
        duplicates: out.segments.filter((g) => g.duplicate).length,
      }
    : null;
  return { conn: end, link, transport: TRANSPORT_LABEL[transportOf(s, link.conns, upTo).transport], blocks, bytes, expert };
}

function rawBlock(buf: TraceBuffer, conn: string, d: "in" | "out", offset: number, length: number, chunk: { index: number; id: number }, dir: FollowDir): FollowBlock {
  return { dir, unit: `${length} B not read as a unit`, carried: [], text: followText(streamBytes(buf, conn, d, offset, length)), offset, length, index: chunk.index, id: chunk.id };
}

export const selectFollowed = memo(
  // The model inputs, not the model: with nothing followed, nothing runs it.
  (s: TraceState) => [s.trace, s.length, s.cursor, s.follow, s.modelLength, s.modelVersion, s.modeller, selectNetwork(s)],
  (s: TraceState): FollowedConnection | null => (s.follow === null ? null : followConnection(s, s.follow, s.cursor)),
);
