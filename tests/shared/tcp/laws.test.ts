// The TCP model's laws (issue 3), checked over many seeds and loss rates on synthetic streams.

import { describe, expect, it } from "vitest";
import { DEFAULT_NETWORK, type NetworkSettings } from "../../../src/shared/network-settings.js";
import { extractConnections } from "../../../src/shared/tcp/extract.js";
import { modelConnection, simulate } from "../../../src/shared/tcp/model.js";
import { retime } from "../../../src/shared/tcp/retime.js";
import { seqDiff } from "../../../src/shared/tcp/seq.js";
import type { ConnectionInput, ConnectionOutput, Segment, Side } from "../../../src/shared/tcp/types.js";
import { bytesOf, received, syntheticConnection, syntheticTrace, written } from "./synthetic.js";

const MSS = 64;
const STREAMS: Record<string, () => ConnectionInput> = {
  empty: () => syntheticConnection([]),
  "one byte": () => syntheticConnection([{ from: "client", t: 1, bytes: bytesOf(1) }]),
  "many MSS": () =>
    syntheticConnection([
      { from: "client", t: 1, bytes: bytesOf(5 * MSS + 7) },
      { from: "client", t: 1.2, bytes: bytesOf(3 * MSS, 5) },
      { from: "server", t: 2, bytes: bytesOf(2 * MSS + 1, 9) },
    ]),
  "both directions at once": () =>
    syntheticConnection(
      Array.from({ length: 12 }, (_, i) => ({ from: i % 2 ? ("server" as const) : ("client" as const), t: 1 + i * 0.25, bytes: bytesOf(40 + 17 * i, i) })),
    ),
  "server closes": () =>
    syntheticConnection([{ from: "client", t: 1, bytes: bytesOf(100) }, { from: "server", t: 2, bytes: bytesOf(300, 1) }], { closeBy: "server" }),
  reset: () => syntheticConnection([{ from: "client", t: 1, bytes: bytesOf(200) }, { from: "server", t: 2, bytes: bytesOf(90, 1) }], { reset: true }),
};
const WRAP_ISN = 2 ** 32 - 3 * MSS; // the sequence numbers wrap inside the stream
const SEEDS = Array.from({ length: 24 }, (_, i) => i * 7919 + 1);
const LOSSES = [0, 0.05, 0.2, 0.35, 0.5];

function settingsFor(seed: number, loss: number, extra: Partial<NetworkSettings> = {}): NetworkSettings {
  return { ...DEFAULT_NETWORK, mss: MSS, seed, loss, latency: 5 + (seed % 40), ...extra };
}

/** Relative position of a segment's first byte in its sender's sequence space (SYN = 0). */
const relSeq = (out: ConnectionOutput, s: Segment): number => (seqDiff(s.seq, out.isn[s.from]) + 2 ** 32) % 2 ** 32;

function checkLaws(input: ConnectionInput, out: ConnectionOutput, faultFree: boolean): void {
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
  // 4. No segment arrives before it was sent.
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

describe("TCP model laws on synthetic streams", () => {
  for (const [name, make] of Object.entries(STREAMS)) {
    for (const loss of LOSSES) {
      it(`${name}, loss ${loss}, ${SEEDS.length} seeds`, () => {
        for (const seed of SEEDS) {
          const input = make();
          checkLaws(input, modelConnection(input, settingsFor(seed, loss)), loss === 0);
          // With duplication and reordering too.
          const faults = { duplication: 0.1, reordering: 0.15, jitter: 3 };
          checkLaws(input, modelConnection(input, settingsFor(seed, loss, faults)), false);
        }
      });
    }
  }

  for (const loss of LOSSES) {
    it(`sequence numbers wrap around 2^32, loss ${loss}`, () => {
      for (const seed of SEEDS) {
        const input = STREAMS["many MSS"]!();
        const out = modelConnection(input, settingsFor(seed, loss, { isn: WRAP_ISN }));
        expect(out.isn).toEqual({ client: WRAP_ISN, server: WRAP_ISN });
        expect(out.segments.some((s) => s.seq < WRAP_ISN && s.len > 0)).toBe(true);
        checkLaws(input, out, loss === 0);
      }
    });
  }

  it("is deterministic: same input and settings give the same output", () => {
    for (const seed of SEEDS.slice(0, 6)) {
      const s = settingsFor(seed, 0.3, { duplication: 0.1, reordering: 0.1, jitter: 2 });
      expect(modelConnection(STREAMS["many MSS"]!(), s)).toEqual(modelConnection(STREAMS["many MSS"]!(), s));
    }
  });

  it("different seeds give different losses", () => {
    const runs = SEEDS.slice(0, 5).map((seed) => modelConnection(STREAMS["many MSS"]!(), settingsFor(seed, 0.3)).segments.map((s) => s.lost).join());
    expect(new Set(runs).size).toBeGreaterThan(1);
  });
});

describe("retiming laws", () => {
  const trace = syntheticTrace([
    { request: bytesOf(150), response: bytesOf(20, 1) },
    { request: bytesOf(3), response: bytesOf(200, 2) },
    { request: bytesOf(400, 3), response: bytesOf(1, 4) },
  ]);

  for (const loss of LOSSES) {
    it(`never puts an effect before its cause, loss ${loss}`, () => {
      for (const seed of SEEDS) {
        const model = simulate(extractConnections(trace), settingsFor(seed, loss, { duplication: loss ? 0.05 : 0 }));
        const times = retime(trace, model);
        const last = new Map<string, number>();
        for (const ev of trace) {
          const m = times.get(ev.id)!;
          expect(m).toBeGreaterThanOrEqual(ev.t);
          for (const p of ev.parents ?? []) expect(m).toBeGreaterThanOrEqual(times.get(p)!);
          expect(m).toBeGreaterThanOrEqual(last.get(ev.host) ?? -Infinity);
          last.set(ev.host, m);
          if (ev.layer === "tcp" && ev.kind === "data" && ev.dir === "in") {
            // Not before the modelled delivery of its last byte.
            const to: Side = ev.host === "server" ? "server" : "client";
            const end = ev.offset + ev.length;
            const delivered = model[0]!.deliveries.find((d) => d.to === to && d.offset < end && end <= d.offset + d.length)!;
            expect(m).toBeGreaterThanOrEqual(delivered.t);
          }
          if (ev.layer === "tcp" && ev.kind === "data" && ev.dir === "out") {
            // The write is not after the segments that carry its bytes leave.
            const from: Side = ev.host === "server" ? "server" : "client";
            const out = model[0]!;
            const first = out.segments.find((s) => s.from === from && s.len > 0 && relSeq(out, s) - 1 <= ev.offset && ev.offset < relSeq(out, s) - 1 + s.len);
            expect(first!.sent).toBeGreaterThanOrEqual(m);
          }
        }
        checkLaws(extractConnections(trace)[0]!, model[0]!, loss === 0);
      }
    });
  }
});
