// Each receiver's buffer as the ladder shows it: bytes handed to the application (in order,
// once), bytes held out of order after a gap, and the missing ranges. Rebuilt from the
// segments the playhead has reached, in the order they are shown (each lands as it is drawn).

import type { LadderSegment, LadderSide } from "./tcp-ladder";

/** `[start, end)` byte offsets of one direction's stream. */
export type Range = [number, number];

export interface ReceiveBuffer {
  /** The receiving end. */
  side: LadderSide;
  /** Bytes delivered to the application so far: `[0, delivered)` (RCV.NXT − 1 in relative numbers). */
  delivered: number;
  /** Ranges held in the out-of-order buffer, in order, merged. */
  held: Range[];
  /** Missing ranges: from `delivered` to the first held byte, and between held ranges. */
  gaps: Range[];
  /** Bytes sent after everything received, not arrived (lost, the receiver cannot know yet). */
  tail: Range | null;
  /** The last hand-over to the application, and the segment whose arrival made it. */
  lastDelivery: { offset: number; length: number; segment: number } | null;
  /** Highest byte offset the sender has sent so far (for scaling a picture). */
  sentEnd: number;
  /** The delivered bytes themselves, reassembled from the payloads that arrived. */
  bytes: Uint8Array;
}

function insert(held: Range[], r: Range): void {
  held.push(r);
  held.sort((a, b) => a[0] - b[0]);
  const merged: Range[] = [];
  for (const x of held) {
    const last = merged[merged.length - 1];
    if (last && x[0] <= last[1]) last[1] = Math.max(last[1], x[1]);
    else merged.push([x[0], x[1]]);
  }
  held.splice(0, held.length, ...merged);
}

export function receiveBuffers(segments: readonly LadderSegment[], visible: number): ReceiveBuffer[] {
  const ends = new Map<LadderSide, { b: ReceiveBuffer; data: Uint8Array }>();
  for (const side of ["server", "client"] as const) {
    ends.set(side, { b: { side, delivered: 0, held: [], gaps: [], tail: null, lastDelivery: null, sentEnd: 0, bytes: new Uint8Array() }, data: new Uint8Array(1024) });
  }
  for (let k = 0; k < visible && k < segments.length; k++) {
    const seg = segments[k]!;
    if (seg.len === 0) continue;
    const end = ends.get(seg.from === "client" ? "server" : "client")!;
    const b = end.b;
    const [start, stop] = [seg.offset, seg.offset + seg.len];
    b.sentEnd = Math.max(b.sentEnd, stop);
    if (seg.lost || stop <= b.delivered) continue;
    // Every copy of a byte is the same byte, so each payload is written where it belongs.
    if (stop > end.data.length) {
      const grown = new Uint8Array(Math.max(stop, end.data.length * 2));
      grown.set(end.data);
      end.data = grown;
    }
    end.data.set(seg.payload, start);
    insert(b.held, [start, stop]);
    // The application gets the in-order prefix, once; the rest waits after the gap.
    const first = b.held[0]!;
    if (first[0] <= b.delivered) {
      b.lastDelivery = { offset: b.delivered, length: first[1] - b.delivered, segment: seg.index };
      b.delivered = first[1];
      b.held.shift();
    }
  }
  return [...ends.values()].map(({ b, data }) => {
    const gaps: Range[] = [];
    let pos = b.delivered;
    for (const [hs, he] of b.held) {
      if (hs > pos) gaps.push([pos, hs]);
      pos = he;
    }
    return { ...b, gaps, tail: pos < b.sentEnd ? [pos, b.sentEnd] : null, bytes: data.slice(0, b.delivered) };
  });
}
