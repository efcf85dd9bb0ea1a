// TCP ladder: the shared TCP model's segments for one connection, put on the playhead.
// Presentation follows the model clock: segments appear one by one in the order the model
// sent them (so an ACK always comes after the arrival it acknowledges), never before the
// trace event that caused them (the write of their bytes, the open, the close).

import type { TraceState } from "../store/initial-state";
import type { Endpoint } from "../../../shared/trace/types";
import { linkForConn, selectAddressing, type ConnLink } from "./addressing";
import { memo } from "./memo";
import { displayAck, displaySeq, type ConnectionOutput, type Seq, type TcpFlag } from "../../../shared/tcp/index";
import { selectNetwork } from "./network";
import { modelOfConn, modelPending, selectTraceModel } from "./tcp-model";
import { receiveBuffers, type ReceiveBuffer } from "./tcp-buffer";

export type LadderSide = "client" | "server";

export interface LadderSegment {
  key: string;
  /** The model's segment number (what "drop segment #i" takes). */
  index: number;
  from: LadderSide;
  flags: TcpFlag[];
  /** Sequence and ACK numbers as shown (relative or absolute). */
  seq: number;
  ack: number;
  /** Byte offset of the payload in its direction's stream (relative seq − 1). */
  offset: number;
  len: number;
  payload: Uint8Array;
  lost: boolean;
  retransmission: boolean;
  cause?: "rto" | "fast" | "partial";
  outOfOrder: boolean;
  dupAck: boolean;
  duplicate: boolean;
  /** Model clock (ms): when it was sent, and when it arrived (null: lost). */
  sent: number;
  arrived: number | null;
  /** Trace index from which it may be shown (it appears at or after this playhead position). */
  at: number;
}

export interface Ladder {
  conn: string;
  tuple: string;
  client: Endpoint;
  server: Endpoint;
  clientHost: string;
  serverHost: string;
  isn: Record<LadderSide, Seq>;
  /** Every segment of the connection, in the order the model sent them. */
  segments: LadderSegment[];
  /** How many segments (a prefix of `segments`) the playhead has reached. */
  visible: number;
  /** Segments whose `at` is the playhead's own index: `[start, end)` in `segments`. */
  atCursor: { start: number; end: number };
  /** Each receiver's buffer as of the playhead. */
  receivers: ReceiveBuffer[];
  relative: boolean;
  mss: number;
}

export function pickLink(s: TraceState): ConnLink | undefined {
  const a = selectAddressing(s);
  if (s.selectedConn) {
    const l = linkForConn(a, s.selectedConn);
    if (l) return l;
  }
  // The connection of the latest event at or before the playhead that has one.
  for (let i = s.cursor; i >= 0 && i > s.cursor - 2000; i--) {
    const conn = s.trace.events[i]?.conn;
    if (!conn) continue;
    const l = linkForConn(a, conn);
    if (l) return l;
  }
  return a.links[a.links.length - 1];
}

interface Carriers {
  /** Data events of one end and direction, in offset order: [offset, end, trace index]. */
  spans: [number, number, number][];
}

function carriersOf(s: TraceState, conn: string | undefined, dir: "in" | "out"): Carriers {
  const spans: [number, number, number][] = [];
  for (const i of conn === undefined ? [] : (s.trace.byConn.get(conn) ?? [])) {
    if (i >= s.modelLength) break;
    const e = s.trace.events[i];
    if (e && e.layer === "tcp" && e.kind === "data" && e.dir === dir && e.length > 0) spans.push([e.offset, e.offset + e.length, i]);
  }
  return { spans: spans.sort((a, b) => a[0] - b[0]) };
}

/** The trace index of the event that carried byte `off` (binary search). */
function carrierOf(c: Carriers, off: number): number | undefined {
  let lo = 0;
  let hi = c.spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [start, end, index] = c.spans[mid]!;
    if (off < start) hi = mid - 1;
    else if (off >= end) lo = mid + 1;
    else return index;
  }
  return undefined;
}

/** The connection's segments with their playhead positions; independent of the playhead. */
export interface Schedule {
  link: ConnLink;
  out: ConnectionOutput;
  segments: LadderSegment[];
}

const scheduleFor = memo(
  (s: TraceState, link: ConnLink) => [s.trace, s.modelLength, selectNetwork(s), s.modelVersion, link.key, link.conns.join(" ")],
  (s: TraceState, link: ConnLink): Schedule | null => {
    const model = selectTraceModel(s);
    const out = modelOfConn(model, link.conns[0]) ?? modelOfConn(model, link.conns[1]);
    if (!out) return null;
    const network = selectNetwork(s);
    const endOf = (side: LadderSide): string | undefined => out.traceConns[side];
    const lastTcp = (side: LadderSide, kind: "open" | "close"): number | undefined => {
      const conn = endOf(side);
      const list = conn ? (s.trace.byConn.get(conn) ?? []) : [];
      for (const i of list) {
        if (i >= s.modelLength) break;
        const e = s.trace.events[i];
        if (e && e.layer === "tcp" && e.kind === kind) return i;
      }
      return undefined;
    };
    const opens = (["client", "server"] as const).map((x) => lastTcp(x, "open")).filter((x): x is number => x !== undefined);
    const openIndex = opens.length > 0 ? Math.min(...opens) : 0;
    const carriers = {
      client: { out: carriersOf(s, endOf("client"), "out"), in: carriersOf(s, endOf("client"), "in") },
      server: { out: carriersOf(s, endOf("server"), "out"), in: carriersOf(s, endOf("server"), "in") },
    };
    const other = (x: LadderSide): LadderSide => (x === "client" ? "server" : "client");
    const segments: LadderSegment[] = [];
    let at = openIndex;
    for (const seg of out.segments) {
      const relSeq = displaySeq(seg, out.isn, true);
      // The trace event that caused the segment: the write of its last byte, or the close.
      let cause: number | undefined;
      if (seg.len > 0) {
        const last = relSeq - 1 + seg.len - 1;
        cause = carrierOf(carriers[seg.from].out, last) ?? carrierOf(carriers[other(seg.from)].in, last);
      } else if (seg.flags.includes("FIN") || seg.flags.includes("RST")) {
        cause = lastTcp(seg.from, "close") ?? lastTcp(other(seg.from), "close");
      }
      // Sent in model order, so each segment comes after everything the model sent before it.
      if (cause !== undefined && cause > at) at = cause;
      segments.push({
        key: String(seg.index),
        index: seg.index,
        from: seg.from,
        flags: seg.flags,
        seq: displaySeq(seg, out.isn, network.relative),
        ack: displayAck(seg, out.isn, network.relative),
        offset: relSeq - 1,
        len: seg.len,
        payload: seg.payload,
        lost: seg.lost,
        retransmission: seg.retransmission,
        ...(seg.cause ? { cause: seg.cause } : {}),
        outOfOrder: seg.outOfOrder,
        dupAck: seg.dupAck,
        duplicate: seg.duplicate,
        sent: seg.sent,
        arrived: seg.arrived,
        at,
      });
    }
    return { link, out, segments };
  },
);

/** First segment index whose `at` is greater than (or, with `orEqual` false, at least) `cursor`. */
function bound(segments: readonly LadderSegment[], cursor: number, orEqual: boolean): number {
  let lo = 0;
  let hi = segments.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const a = segments[mid]!.at;
    if (orEqual ? a <= cursor : a < cursor) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Segments at the playhead `(cursor, sub)`: all before `cursor`, then `sub` of those at it (null: all). */
export function visibleCount(segments: readonly LadderSegment[], cursor: number, sub: number | null): number {
  const start = bound(segments, cursor, false);
  const end = bound(segments, cursor, true);
  return sub === null ? end : start + Math.min(Math.max(0, sub), end - start);
}

/** The schedule of the connection the TCP view shows when the playhead is at `cursor`. */
export function scheduleAt(s: TraceState, cursor: number): Schedule | null {
  const at = cursor === s.cursor ? s : { ...s, cursor };
  const link = pickLink(at);
  return link ? scheduleFor(s, link) : null;
}

/** How many segments become visible at trace index `cursor` (the sub-steps there). */
export function segmentsAt(s: TraceState, cursor: number): number {
  const sched = cursor < 0 ? null : scheduleAt(s, cursor);
  if (!sched) return 0;
  return bound(sched.segments, cursor, true) - bound(sched.segments, cursor, false);
}

// The connection shown depends on the playhead only (see pickLink), its segments on the events
// the model covers: events appended beyond `modelLength` change nothing here.
export const selectLadder = memo(
  (s: TraceState) => [s.trace, s.modelLength, s.cursor, s.tcpSub, s.selectedConn, selectNetwork(s), s.modelVersion],
  (s: TraceState): Ladder | null => {
    const sched = scheduleAt(s, s.cursor);
    if (!sched) return null;
    const { link, out, segments } = sched;
    const network = selectNetwork(s);
    const visible = s.cursor < 0 ? 0 : visibleCount(segments, s.cursor, s.tcpSub);
    return {
      conn: link.conns[0] as string,
      tuple: link.tuple,
      client: link.client,
      server: link.server,
      clientHost: link.clientHost,
      serverHost: link.serverHost,
      isn: out.isn,
      segments,
      visible,
      atCursor: { start: bound(segments, s.cursor, false), end: bound(segments, s.cursor, true) },
      receivers: receiveBuffers(segments, visible),
      relative: network.relative,
      mss: network.mss,
    };
  },
);

/** True while the connection the TCP view shows is still being modelled by the trace worker. */
export function selectModelling(s: TraceState): boolean {
  // Only a file's worker model is ever pending; live traces are modelled on this thread.
  if (!s.modeller) return false;
  const link = pickLink(s);
  if (!link) return false;
  const model = selectTraceModel(s);
  if (model.pending) return true;
  if (modelOfConn(model, link.conns[0]) ?? modelOfConn(model, link.conns[1])) return false;
  return modelPending(model, link.conns);
}
