// The TCP model's laws (issue 3), checked over many seeds and loss rates on synthetic streams.

import { describe, expect, it } from "vitest";
import { DEFAULT_NETWORK, type NetworkSettings } from "../../../src/shared/network-settings.js";
import { extractConnections } from "../../../src/shared/tcp/extract.js";
import { modelConnection, simulate } from "../../../src/shared/tcp/model.js";
import { retime } from "../../../src/shared/tcp/retime.js";
import type { ConnectionInput, } from "../../../src/shared/tcp/types.js";
import { checkLaws, checkRetiming, } from "./laws.js";
import { bytesOf, syntheticConnection, syntheticTrace } from "./synthetic.js";

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
        checkRetiming(trace, model, retime(trace, model));
        checkLaws(extractConnections(trace)[0]!, model[0]!, loss === 0);
      }
    });
  }
});
