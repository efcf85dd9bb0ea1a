// The laws of issue 3 as reusable checks, for synthetic streams and real lab traces alike.

import { expect } from "vitest";
import { seqDiff } from "../../../src/shared/tcp/seq.js";
import type { ConnectionInput, ConnectionOutput, Segment, Side } from "../../../src/shared/tcp/types.js";
import type { TraceEvent } from "../../../src/shared/trace/types.js";
import { received, written } from "./synthetic.js";

/** Relative position of a segment's first byte in its sender's sequence space (SYN = 0). */
export const relSeq = (out: ConnectionOutput, s: Segment): number => (seqDiff(s.seq, out.isn[s.from]) + 2 ** 32) % 2 ** 32;

export function checkLaws(input: ConnectionInput, out: ConnectionOutput, faultFree: boolean): void {
  // 1. Each application receives exactly the real bytes, in order, once.
  for (const to of ["client", "server"] as Side[]) {
    const from: Side = to === "client" ? "server" : "client";
    expect(received(out.deliveries, to)).toEqual(written(input, from));
  }
  // 2. Every lost data segment is sent again until its bytes arrive: each of its bytes is in an
  //    arrived segment, which for a first transmission must be a retransmission or network copy.
  for (const lost of out.segments.filter((s) => s.lost && s.len > 0)) {
    const start = relSeq(out, lost);
    const arrived = out.segments.filter((s) => s.from === lost.from && s.arrived !== null && s.len > 0);
    for (let b = start; b < start + lost.len; b++) {
      const carriers = arrived.filter((s) => relSeq(out, s) <= b && b < relSeq(out, s) + s.len);
      expect(carriers.length, `byte ${b} of lost segment #${lost.index}`).toBeGreaterThan(0);
      if (!lost.retransmission && !lost.duplicate) expect(carriers.every((s) => s.retransmission || s.duplicate)).toBe(true);
    }
  }
  // 3. ACK numbers never decrease within a direction (in the order segments were sent).
  for (const from of ["client", "server"] as Side[]) {
    const acks = out.segments.filter((s) => s.from === from && s.flags.includes("ACK"));
    for (let i = 1; i < acks.length; i++) expect(seqDiff(acks[i]!.ack, acks[i - 1]!.ack)).toBeGreaterThanOrEqual(0);
  }
  // 4. No segment arrives before it was sent. Each segment's index is its position (a network
  //    duplicate is a segment of its own, numbered after its original).
  for (const [i, s] of out.segments.entries()) expect(s.index, `segment at position ${i}`).toBe(i);
  for (const s of out.segments) if (s.arrived !== null) expect(s.arrived).toBeGreaterThanOrEqual(s.sent);
  // 5. Without faults: no retransmission, no duplicate ACK (flagged or recomputed).
  if (faultFree) {
    expect(out.segments.filter((s) => s.retransmission || s.dupAck || s.lost || s.duplicate || s.outOfOrder)).toEqual([]);
    for (const from of ["client", "server"] as Side[]) {
      const acks = out.segments.filter((s) => s.from === from && s.flags.includes("ACK"));
      for (let i = 1; i < acks.length; i++) {
        const [a, b] = [acks[i - 1]!, acks[i]!];
        const pureRepeat = b.len === 0 && b.flags.length === 1 && b.ack === a.ack && b.window === a.window;
        expect(pureRepeat, `dup ACK #${b.index}`).toBe(false);
      }
    }
  }
  expect(out.warnings).toEqual([]);
}


/** Retiming never puts an effect before its cause, nor an event before the bytes it read arrived. */
export function checkRetiming(trace: readonly TraceEvent[], model: readonly ConnectionOutput[], times: Map<number, number>): void {
  const bySide = new Map<string, { out: ConnectionOutput; side: Side }>();
  for (const out of model) for (const side of ["client", "server"] as const) if (out.traceConns[side]) bySide.set(out.traceConns[side]!, { out, side });
  const last = new Map<string, number>();
  for (const ev of trace) {
    const m = times.get(ev.id)!;
    expect(m).toBeGreaterThanOrEqual(ev.t);
    for (const p of ev.parents ?? []) if (times.has(p)) expect(m, `event ${ev.id} vs parent ${p}`).toBeGreaterThanOrEqual(times.get(p)!);
    expect(m).toBeGreaterThanOrEqual(last.get(ev.host) ?? -Infinity);
    last.set(ev.host, m);
    if (ev.layer !== "tcp" || ev.kind !== "data" || ev.conn === undefined || ev.length === 0) continue;
    const at = bySide.get(ev.conn);
    if (!at) continue;
    const { out, side } = at;
    if (ev.dir === "in") {
      // Not before the modelled delivery of its last byte.
      const end = ev.offset + ev.length;
      const delivered = out.deliveries.find((d) => d.to === side && d.offset < end && end <= d.offset + d.length);
      expect(delivered, `delivery of byte ${end - 1} to ${side}`).toBeDefined();
      expect(m).toBeGreaterThanOrEqual(delivered!.t);
    } else {
      // The write comes no later than the first segment carrying its first byte.
      const first = out.segments.find((s) => s.from === side && s.len > 0 && relSeq(out, s) - 1 <= ev.offset && ev.offset < relSeq(out, s) - 1 + s.len);
      expect(first, `segment with byte ${ev.offset} from ${side}`).toBeDefined();
      expect(first!.sent).toBeGreaterThanOrEqual(m);
    }
  }
}
