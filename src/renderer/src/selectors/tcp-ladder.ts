// TCP ladder: segments of one connection for the sequence diagram, each tied to the trace
// index at which it appears. Modelled from the real bytes (loopback shows no segments).

import type { TraceState } from "../store/initial-state";
import type { Endpoint, TraceEvent } from "../../../shared/trace/types";
import { selectAddressing, type ConnLink } from "./addressing";
import { memo } from "./memo";

export type LadderSide = "client" | "server";

export interface LadderSegment {
  key: string;
  from: LadderSide;
  flags: string[];
  seq: number;
  ack: number;
  len: number;
  lost: boolean;
  retransmission: boolean;
  outOfOrder: boolean;
  /** Trace index at which the segment is sent; it lands by `landAt`. */
  sendAt: number;
  landAt: number;
}

export interface Ladder {
  conn: string;
  tuple: string;
  client: Endpoint;
  server: Endpoint;
  clientHost: string;
  serverHost: string;
  segments: LadderSegment[];
  relative: boolean;
  mss: number;
}

/** A stable pseudo-ISN per connection and side, for absolute numbering. */
function isnFor(conn: string, side: LadderSide): number {
  let h = side === "client" ? 2166136261 : 16777619;
  for (let i = 0; i < conn.length; i++) h = Math.imul(h ^ conn.charCodeAt(i), 16777619) >>> 0;
  return h >>> 0;
}

export function pickLink(s: TraceState): ConnLink | undefined {
  const a = selectAddressing(s);
  if (s.selectedConn) {
    const l = a.links.find((x) => x.conns.includes(s.selectedConn as string));
    if (l) return l;
  }
  const cur = s.trace.events[s.cursor];
  if (cur?.conn) {
    const l = a.links.find((x) => x.conns.includes(cur.conn as string));
    if (l) return l;
  }
  return a.links[a.links.length - 1];
}

export const selectLadder = memo(
  (s: TraceState) => [s.trace, s.length, s.cursor, s.selectedConn, s.network],
  (s: TraceState): Ladder | null => {
    const link = pickLink(s);
    if (!link) return null;
    const conn = link.conns[0] as string;
    const indices = s.trace.byConn.get(conn) ?? [];
    const first = s.trace.events[indices[0] ?? -1];
    const mySide: LadderSide = first && first.layer === "tcp" && first.kind === "open" && first.role === "server" ? "server" : "client";
    const peer: LadderSide = mySide === "client" ? "server" : "client";
    const rel = s.network.relative;
    const isn = { client: rel ? 0 : isnFor(conn, "client"), server: rel ? 0 : isnFor(conn, "server") };
    const sent = { client: 0, server: 0 };
    const mss = Math.max(1, s.network.mss);
    const segments: LadderSegment[] = [];
    const seqOf = (side: LadderSide, off: number): number => (isn[side] + 1 + off) >>> 0;
    const push = (from: LadderSide, flags: string[], seq: number, ack: number, len: number, sendAt: number, landAt: number): void => {
      segments.push({ key: `${segments.length}`, from, flags, seq, ack, len, lost: false, retransmission: false, outOfOrder: false, sendAt, landAt });
    };
    const indexOf = (id: number | undefined): number | undefined => (id === undefined ? undefined : s.trace.indexById.get(id));
    for (const i of indices) {
      const e: TraceEvent | undefined = s.trace.events[i];
      if (!e || e.layer !== "tcp") continue;
      if (e.kind === "open") {
        push("client", ["SYN"], isn.client, 0, 0, i, i);
        push("server", ["SYN", "ACK"], isn.server, seqOf("client", 0), 0, i, i);
        push("client", ["ACK"], seqOf("client", 0), seqOf("server", 0), 0, i, i);
      } else if (e.kind === "data") {
        const from = e.dir === "out" ? mySide : peer;
        const to = from === "client" ? "server" : "client";
        // A read lands now; it left when the peer wrote it (its parent write).
        const sendAt = e.dir === "in" ? (indexOf(e.parents?.[0]) ?? i) : i;
        const landAt = e.dir === "out" ? (s.trace.childrenById.get(e.id) ?? []).map((c) => s.trace.indexById.get(c) ?? i).reduce((a, b) => Math.max(a, b), i) : i;
        for (let off = 0; off < e.length; off += mss) {
          const len = Math.min(mss, e.length - off);
          push(from, ["PSH", "ACK"], seqOf(from, e.offset + off), seqOf(to, sent[to]), len, sendAt, landAt);
        }
        sent[from] = Math.max(sent[from], e.offset + e.length);
        push(to, ["ACK"], seqOf(to, sent[to]), seqOf(from, sent[from]), 0, landAt, landAt);
      } else if (e.kind === "close") {
        const closer = mySide;
        const other = peer;
        push(closer, ["FIN", "ACK"], seqOf(closer, sent[closer]), seqOf(other, sent[other]), 0, i, i);
        push(other, ["ACK"], seqOf(other, sent[other]), seqOf(closer, sent[closer]) + 1, 0, i, i);
      }
    }
    segments.sort((a, b) => a.sendAt - b.sendAt);
    return {
      conn,
      tuple: link.tuple,
      client: link.client,
      server: link.server,
      clientHost: link.clientHost,
      serverHost: link.serverHost,
      segments,
      relative: rel,
      mss,
    };
  },
);
