// How a segment reads in a capture tool: sequence numbers absolute or relative to the ISN (as
// Wireshark's "relative sequence numbers"), and the bracketed notes Wireshark would add.

import { seqDiff, type Seq } from "./seq.js";
import type { Segment, Side } from "./types.js";

/** The sequence number as shown: absolute, or relative to the sender's ISN (SYN = 0). */
export function displaySeq(seg: Segment, isn: Record<Side, Seq>, relative: boolean): number {
  return relative ? wrapRel(seqDiff(seg.seq, isn[seg.from])) : seg.seq;
}

/** The ACK number as shown (0 when the ACK flag is off). */
export function displayAck(seg: Segment, isn: Record<Side, Seq>, relative: boolean): number {
  if (!seg.flags.includes("ACK")) return 0;
  return relative ? wrapRel(seqDiff(seg.ack, isn[seg.to])) : seg.ack;
}

/** Relative numbers count from the ISN; beyond 2^31 the signed distance wraps, so unwrap it. */
function wrapRel(d: number): number {
  return d < 0 ? d + 2 ** 32 : d;
}

const CAUSE = { rto: "timeout", fast: "fast retransmit", partial: "partial ACK" } as const;

/** Notes in Wireshark's words, plus `[lost]` and `[duplicated by network]` for the model's faults. */
export function segmentNotes(seg: Segment): string[] {
  const notes: string[] = [];
  if (seg.retransmission) notes.push(`[TCP Retransmission] (${CAUSE[seg.cause ?? "rto"]})`);
  if (seg.dupAck) notes.push("[TCP Dup ACK]");
  if (seg.outOfOrder) notes.push("[TCP Out-Of-Order]");
  if (seg.duplicate) notes.push("[duplicated by network]");
  if (seg.lost) notes.push("[lost]");
  return notes;
}
