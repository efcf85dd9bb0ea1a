// TCP ladder: the shared TCP model run on one connection's real bytes, its segments tied
// to the trace index at which each appears (the write or read that carried its bytes).

import type { TraceState } from "../store/initial-state";
import type { Endpoint, TraceEvent } from "../../../shared/trace/types";
import { selectAddressing, type ConnLink } from "./addressing";
import { memo } from "./memo";
import { displayAck, displaySeq, extractConnections, modelConnection, type ConnectionOutput } from "../../../shared/tcp/index";

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

export function pickLink(s: TraceState): ConnLink | undefined {
  const a = selectAddressing(s);
  if (s.selectedConn) {
    const l = a.links.find((x) => x.conns.includes(s.selectedConn as string));
    if (l) return l;
  }
  // The connection of the latest event at or before the playhead that has one.
  for (let i = s.cursor; i >= 0 && i > s.cursor - 2000; i--) {
    const conn = s.trace.events[i]?.conn;
    if (!conn) continue;
    const l = a.links.find((x) => x.conns.includes(conn));
    if (l) return l;
  }
  return a.links[a.links.length - 1];
}

/** The trace index of the event that carried byte `off` of one direction, on one end. */
function carrier(s: TraceState, conn: string | undefined, dir: "in" | "out", off: number): number | undefined {
  if (conn === undefined) return undefined;
  for (const i of s.trace.byConn.get(conn) ?? []) {
    const e = s.trace.events[i];
    if (e && e.layer === "tcp" && e.kind === "data" && e.dir === dir && e.offset <= off && off < e.offset + e.length) return i;
  }
  return undefined;
}

const modelFor = memo(
  (s: TraceState, conns: readonly string[]) => [s.trace, s.length, s.network, conns.join(" ")],
  (s: TraceState, conns: readonly string[]): ConnectionOutput | null => {
    // The model needs only this connection's tcp events and the listening sockets.
    const idx = new Set<number>();
    for (const c of conns) for (const i of s.trace.byConn.get(c) ?? []) idx.add(i);
    for (const i of s.trace.structural) idx.add(i);
    const events = [...idx].sort((a, b) => a - b).map((i) => s.trace.events[i]).filter((e): e is TraceEvent => e !== undefined && (e.layer === "tcp" || (e.layer === "lab" && e.kind === "listen")));
    const inputs = extractConnections(events).filter((c) => conns.includes(c.conn));
    const input = inputs[0];
    if (!input) return null;
    try {
      return modelConnection(input, s.network);
    } catch {
      return null;
    }
  },
);

export const selectLadder = memo(
  (s: TraceState) => [s.trace, s.length, s.cursor, s.selectedConn, s.network],
  (s: TraceState): Ladder | null => {
    const link = pickLink(s);
    if (!link) return null;
    const out = modelFor(s, link.conns);
    if (!out) return null;
    const [clientConn, serverConn] = link.conns[0]?.startsWith(link.clientHost) ? [link.conns[0], link.conns[1]] : [undefined, link.conns[0]];
    const openIndex = Math.min(...link.conns.map((c) => s.trace.byConn.get(c)?.[0] ?? Infinity));
    const closeIndex = (side: LadderSide): number | undefined => {
      const conn = side === "client" ? clientConn : serverConn;
      const list = conn ? s.trace.byConn.get(conn) ?? [] : [];
      const last = list[list.length - 1];
      const e = last === undefined ? undefined : s.trace.events[last];
      return e && e.layer === "tcp" && e.kind === "close" ? last : undefined;
    };
    const endOf = (side: LadderSide): string | undefined => (side === "client" ? clientConn : serverConn);
    const other = (side: LadderSide): LadderSide => (side === "client" ? "server" : "client");
    const segments: LadderSegment[] = [];
    let reveal = Number.isFinite(openIndex) ? openIndex : 0;
    for (const seg of out.segments) {
      const rel = displaySeq(seg, out.isn, s.network.relative);
      const relSeq = displaySeq(seg, out.isn, true);
      let anchor: number | undefined;
      if (seg.len > 0) {
        const off = relSeq - 1;
        anchor = carrier(s, endOf(seg.from), "out", off) ?? carrier(s, endOf(other(seg.from)), "in", off);
      } else if (seg.flags.includes("FIN")) anchor = closeIndex(seg.from) ?? closeIndex(other(seg.from));
      else if (seg.flags.includes("ACK") && !seg.flags.includes("SYN")) {
        const acked = displayAck(seg, out.isn, true) - 2;
        if (acked >= 0) anchor = carrier(s, endOf(seg.from), "in", acked);
      }
      if (anchor !== undefined && anchor > reveal) reveal = anchor;
      segments.push({
        key: String(seg.index),
        from: seg.from,
        flags: seg.flags,
        seq: rel,
        ack: displayAck(seg, out.isn, s.network.relative),
        len: seg.len,
        lost: seg.lost,
        retransmission: seg.retransmission,
        outOfOrder: seg.outOfOrder,
        sendAt: reveal,
        landAt: reveal,
      });
    }
    return {
      conn: link.conns[0] as string,
      tuple: link.tuple,
      client: link.client,
      server: link.server,
      clientHost: link.clientHost,
      serverHost: link.serverHost,
      segments,
      relative: s.network.relative,
      mss: s.network.mss,
    };
  },
);
