// Geometry of the TCP ladder: client lane left, server lane right, one sloped arrow per
// segment, newest at the bottom; only the segments that fit are laid out.

import type { Ladder, LadderSegment } from "../selectors/tcp-ladder";

export interface SegmentArrow {
  seg: LadderSegment;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  label: string;
}

export interface TcpLayout {
  leftX: number;
  rightX: number;
  top: number;
  bottom: number;
  arrows: SegmentArrow[];
  hidden: number;
}

export function segmentLabel(seg: LadderSegment): string {
  const flags = seg.flags.filter((f) => f !== "PSH" || seg.len === 0).join(",");
  const parts = [seg.len > 0 ? "DATA" : flags, `seq=${seg.seq}`];
  if (seg.flags.includes("ACK")) parts.push(`ack=${seg.ack}`);
  if (seg.len > 0) parts.push(`len=${seg.len}`);
  return parts.join(" ") + (seg.retransmission ? " (retransmit)" : "") + (seg.lost ? " ✕ lost" : "");
}

export function layoutTcp(ladder: Ladder, cursor: number, width: number, height: number, font: number): TcpLayout {
  const top = font * 5;
  const leftX = Math.max(font * 4, width * 0.14);
  const rightX = width - leftX;
  const rowH = font * 2.2;
  // A shallow slope leaves room above each arrow's start for its label.
  const slope = rowH * 0.6;
  const visible = ladder.segments.filter((s) => s.sendAt <= cursor);
  const fits = Math.max(1, Math.floor((height - top - slope - 4) / rowH));
  const shown = visible.slice(-fits);
  const arrows = shown.map((seg, i) => {
    const y1 = top + i * rowH;
    const fromLeft = seg.from === "client";
    return { seg, x1: fromLeft ? leftX : rightX, y1, x2: fromLeft ? rightX : leftX, y2: y1 + slope, label: segmentLabel(seg) };
  });
  return { leftX, rightX, top, bottom: height - 4, arrows, hidden: visible.length - shown.length };
}
