// The receiving half of one end: places arriving bytes by sequence number, holds those after a
// gap in the out-of-order buffer, hands the application only the in-order prefix, once, and
// says what window to advertise. Positions are relative to the peer's ISN (SYN = 0, byte k = k+1).

export interface ReceiverState {
  /** Next expected relative sequence number (RCV.NXT); 0 until the SYN arrived. */
  nxt: number;
  /** Segments after a gap, sorted by `rel`, keyed by their first relative sequence number. */
  ooo: { rel: number; bytes: Uint8Array }[];
  oooBytes: number;
  /** Relative sequence number of the peer's FIN, once seen (possibly before the gap closes). */
  finRel: number | null;
  /** The buffer size and the right edge last advertised (the window never shrinks). */
  bufSize: number;
  rightEdge: number;
  /** Data segments accepted since our last ACK, for "ACK every second segment" (RFC 5681 §4.2). */
  unacked: number;
}

export function createReceiver(bufSize: number): ReceiverState {
  return { nxt: 0, ooo: [], oooBytes: 0, finRel: null, bufSize, rightEdge: 0, unacked: 0 };
}

export interface Accepted {
  /** Bytes now in order, to hand to the application: data offset and bytes. */
  delivered: { offset: number; bytes: Uint8Array }[];
  /** The segment started after RCV.NXT: it went to the out-of-order buffer. */
  outOfOrder: boolean;
  /** Everything in it had been received before. */
  duplicate: boolean;
  /** It filled (part of) a gap in front of buffered data. */
  filledGap: boolean;
}

/** Takes the data of a segment starting at relative `rel` (RFC 793 §3.9, "segment text"). */
export function acceptData(r: ReceiverState, rel: number, bytes: Uint8Array): Accepted {
  const end = rel + bytes.length;
  const result: Accepted = { delivered: [], outOfOrder: false, duplicate: false, filledGap: false };
  if (end <= r.nxt) {
    result.duplicate = true;
    return result;
  }
  if (rel > r.nxt) {
    result.outOfOrder = true;
    insertOutOfOrder(r, rel, bytes);
    return result;
  }
  const hadGap = r.ooo.length > 0;
  result.delivered.push({ offset: r.nxt - 1, bytes: bytes.subarray(r.nxt - rel) });
  r.nxt = end;
  r.unacked++;
  // Pull whatever the out-of-order buffer now holds contiguously.
  while (r.ooo.length > 0 && r.ooo[0]!.rel <= r.nxt) {
    const seg = r.ooo.shift()!;
    r.oooBytes -= seg.bytes.length;
    const segEnd = seg.rel + seg.bytes.length;
    if (segEnd > r.nxt) {
      result.delivered.push({ offset: r.nxt - 1, bytes: seg.bytes.subarray(r.nxt - seg.rel) });
      r.nxt = segEnd;
    }
  }
  result.filledGap = hadGap;
  return result;
}

function insertOutOfOrder(r: ReceiverState, rel: number, bytes: Uint8Array): void {
  let i = 0;
  while (i < r.ooo.length && r.ooo[i]!.rel < rel) i++;
  const same = r.ooo[i];
  if (same && same.rel === rel) {
    if (same.bytes.length >= bytes.length) return;
    r.oooBytes += bytes.length - same.bytes.length;
    same.bytes = bytes;
    return;
  }
  r.ooo.splice(i, 0, { rel, bytes });
  r.oooBytes += bytes.length;
}

/** The FIN at `finRel` is consumed once every byte before it was delivered. */
export function takeFin(r: ReceiverState): boolean {
  if (r.finRel !== null && r.finRel === r.nxt) {
    r.nxt++;
    return true;
  }
  return false;
}

/**
 * The window to advertise: free buffer space (bytes held out of order occupy it), but the right
 * edge never moves left (RFC 7323 §2.4 / RFC 793 discourage shrinking). 16 bits, no scaling.
 */
export function advertisedWindow(r: ReceiverState): number {
  r.rightEdge = Math.max(r.rightEdge, r.nxt + Math.max(0, r.bufSize - r.oooBytes));
  return Math.min(65535, r.rightEdge - r.nxt);
}
