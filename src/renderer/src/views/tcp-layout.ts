// Geometry of the TCP ladder: client lane left, server lane right, one sloped arrow per
// segment, newest at the bottom (only the segments that fit), and under the ladder one strip
// per receiver: bytes given to the application, held out of order, and the gap between.

import type { Ladder, LadderSegment, LadderSide } from "../selectors/tcp-ladder";
import type { Range, ReceiveBuffer } from "../selectors/tcp-buffer";

export interface SegmentArrow {
  seg: LadderSegment;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  label: string;
  /** Why the segment matters, as a short mark: lost, retransmission, dup ACK, out of order. */
  mark: string;
  /** Revealed by the current step. */
  current: boolean;
  /** Where the label (with its mark) goes so that it stays inside the view. */
  labelX: number;
  anchor: "start" | "end";
}

export interface BufferStrip {
  buf: ReceiveBuffer;
  host: string;
  y: number;
  x: number;
  width: number;
  barY: number;
  barH: number;
  text: string;
  /** Pieces of the bar: what each byte range is, in pixels. */
  pieces: { kind: "delivered" | "held" | "gap" | "tail"; x: number; width: number }[];
  /** The gaps' seq ranges, written under their piece of the bar. */
  gapLabels: { x: number; text: string }[];
}

export interface TcpLayout {
  leftX: number;
  rightX: number;
  top: number;
  bottom: number;
  arrows: SegmentArrow[];
  hidden: number;
  strips: BufferStrip[];
}

const CAUSE = { rto: "timeout", fast: "dup ACKs", partial: "partial ACK" } as const;

export function segmentLabel(seg: LadderSegment, short = false): string {
  const flags = seg.flags.filter((f) => f !== "PSH" || seg.len === 0).join(",");
  // Short form for narrow views: "len=" already says it carries data.
  const parts = [`#${seg.index}`, ...(seg.len > 0 ? (short ? [] : ["DATA"]) : [flags]), `seq=${seg.seq}`];
  if (seg.flags.includes("ACK")) parts.push(`ack=${seg.ack}`);
  if (seg.len > 0) parts.push(`len=${seg.len}`);
  return parts.join(" ");
}

export function segmentMark(seg: LadderSegment, short = false): string {
  const marks: string[] = [];
  if (seg.retransmission) marks.push(short ? "↻ resent" : `↻ resent (${CAUSE[seg.cause ?? "rto"]})`);
  if (seg.dupAck) marks.push("dup ACK");
  if (seg.outOfOrder && !seg.lost) marks.push("held");
  if (seg.duplicate) marks.push("copy");
  if (seg.lost) marks.push("✕ lost");
  return marks.join(" · ");
}

/** A byte offset as the ladder numbers it: relative (byte 0 is seq 1) or absolute. */
export function seqOf(ladder: Ladder, sender: LadderSide, offset: number): number {
  return ladder.relative ? offset + 1 : (ladder.isn[sender] + 1 + offset) % 2 ** 32;
}

function rangeText(ladder: Ladder, sender: LadderSide, r: Range): string {
  return `${seqOf(ladder, sender, r[0])}–${seqOf(ladder, sender, r[1] - 1)}`;
}

export function bufferText(ladder: Ladder, buf: ReceiveBuffer): string {
  const sender: LadderSide = buf.side === "client" ? "server" : "client";
  const bytes = (rs: Range[]) => rs.reduce((n, r) => n + r[1] - r[0], 0);
  const parts = [`app got ${buf.delivered} B`];
  if (buf.held.length > 0) parts.push(`held ${bytes(buf.held)} B`);
  if (buf.gaps.length > 0) parts.push(`gap ${buf.gaps.map((g) => rangeText(ladder, sender, g)).join(", ")}`);
  return parts.join(" · ");
}

/** The strip's first line: whose buffer, and what the application got and what waits. */
function stripTitle(host: string, buf: ReceiveBuffer): string {
  const held = buf.held.reduce((n, r) => n + r[1] - r[0], 0);
  return `${host}: app got ${buf.delivered} B${held > 0 ? ` · held ${held} B` : ""}`;
}

function strip(ladder: Ladder, buf: ReceiveBuffer, x: number, width: number, y: number, font: number): BufferStrip {
  const sender: LadderSide = buf.side === "client" ? "server" : "client";
  const heldEnd = buf.held[buf.held.length - 1]?.[1] ?? 0;
  const hi = Math.max(buf.delivered, heldEnd, buf.sentEnd, 1);
  // Keep recent history in view: a window from a few segments before the first hole.
  const focus = buf.gaps[0]?.[0] ?? buf.tail?.[0] ?? buf.delivered;
  const lo = Math.max(0, Math.min(focus, hi) - ladder.mss * 4);
  const span = Math.max(1, hi - lo);
  const px = (off: number) => x + ((Math.max(lo, Math.min(hi, off)) - lo) / span) * width;
  const piece = (kind: BufferStrip["pieces"][number]["kind"], r: Range) => ({ kind, x: px(r[0]), width: Math.max(kind === "delivered" ? 0 : 2, px(r[1]) - px(r[0])) });
  const pieces: BufferStrip["pieces"] = [];
  if (buf.delivered > lo) pieces.push(piece("delivered", [lo, buf.delivered]));
  for (const g of buf.gaps) pieces.push(piece("gap", g));
  for (const h of buf.held) pieces.push(piece("held", h));
  if (buf.tail) pieces.push(piece("tail", buf.tail));
  const host = buf.side === "client" ? ladder.clientHost : ladder.serverHost;
  return {
    buf,
    host,
    x,
    width,
    y,
    barY: y + font * 0.45,
    barH: font * 0.9,
    text: stripTitle(host, buf),
    pieces,
    gapLabels: buf.gaps.map((g) => ({ x: Math.min(x + width - font * 4, Math.max(x + font * 3, (px(g[0]) + px(g[1])) / 2)), text: `gap ${rangeText(ladder, sender, g)}` })),
  };
}

/** Monospace labels are about 0.6 em per character. */
const MONO = 0.6;

export function layoutTcp(ladder: Ladder, width: number, height: number, font: number, current: { start: number; end: number }, labelFont = font - 1): TcpLayout {
  const top = font * 4.9;
  const leftX = Math.max(font * 4, width * 0.14);
  const rightX = width - leftX;
  const rowH = font * 1.9;
  // A shallow slope leaves room above each arrow's start for its label.
  const slope = rowH * 0.5;
  // Strips for receivers holding bytes out of order, else for the receiver of the latest
  // data segment: a line of text, a bar, and the gap's numbers under the bar.
  const visible = ladder.segments.slice(0, ladder.visible);
  const lastData = [...visible].reverse().find((g) => g.len > 0);
  const holding = ladder.receivers.filter((b) => b.held.length > 0);
  const buffers = holding.length > 0 ? holding : ladder.receivers.filter((b) => lastData && b.side !== lastData.from);
  const stripH = font * 3.6;
  const bottom = height - 4 - buffers.length * stripH;
  const fits = Math.max(1, Math.floor((bottom - top - slope - 4) / rowH));
  const first = Math.max(0, visible.length - fits);
  const arrows = visible.slice(first).map((seg, i) => {
    const y1 = top + i * rowH;
    const fromLeft = seg.from === "client";
    const k = first + i;
    const x1 = fromLeft ? leftX : rightX;
    // The longest form that fits the view, then placed so that it stays inside it.
    const room = width - 8;
    const forms = [[segmentLabel(seg), segmentMark(seg)], [segmentLabel(seg, true), segmentMark(seg)], [segmentLabel(seg, true), segmentMark(seg, true)]] as const;
    const [label, mark] = forms.find(([l, m]) => (l.length + (m ? m.length + 1 : 0)) * labelFont * MONO <= room) ?? forms[2];
    const w = (label.length + (mark ? mark.length + 1 : 0)) * labelFont * MONO;
    const labelX = fromLeft ? Math.max(4, Math.min(x1 + 8, width - 4 - w)) : Math.min(width - 4, Math.max(x1 - 8, 4 + w));
    return {
      seg,
      x1,
      y1,
      x2: fromLeft ? rightX : leftX,
      y2: y1 + slope,
      label,
      mark,
      current: k >= current.start && k < current.end,
      labelX,
      anchor: fromLeft ? ("start" as const) : ("end" as const),
    };
  });
  const strips = buffers.map((b, i) => strip(ladder, b, 8, width - 16, bottom + font * 1.1 + i * stripH, font));
  return { leftX, rightX, top, bottom, arrows, hidden: first, strips };
}
