// The modelled path between two ends: one-way latency plus jitter, and faults drawn from a seeded
// PRNG (loss, duplication, reordering) or forced ("drop segment i"). It decides each copy's fate;
// it never looks inside a segment beyond its flags.

import type { NetworkSettings } from "../network-settings.js";
import { createPrng, type Prng } from "./prng.js";
import type { Side, TcpFlag } from "./types.js";

export interface Copy {
  index: number;
  /** Model time of arrival, or null when lost. */
  arrived: number | null;
  duplicate: boolean;
}

export interface Network {
  /** The fates of a segment sent at `now` from `from`, as the copies that travel (one, or two when duplicated). */
  send(from: Side, flags: readonly TcpFlag[], now: number, nextIndex: () => number): Copy[];
}

export function createNetwork(settings: NetworkSettings, seed: number): Network {
  const prng: Prng = createPrng(seed);
  const drop = new Set(settings.drop);
  const latency = Math.max(0, settings.latency);
  const jitter = Math.max(0, settings.jitter ?? 0);
  // The path is first-in first-out, except for segments the network chose to hold back.
  const lastArrival: Record<Side, number> = { client: -Infinity, server: -Infinity };

  return {
    send(from, flags, now, nextIndex) {
      // Always draw the same number of values, so one setting does not shift another's draws.
      const rLoss = prng.next();
      const rJitter = prng.next();
      const rReorder = prng.next();
      const rDup = prng.next();
      const rDupDelay = prng.next();
      const rDupLoss = prng.next();
      // A reset is never lost: the model's connection must end when the real one did.
      const immune = flags.includes("RST");
      const index = nextIndex();
      const copies: Copy[] = [];
      const lost = !immune && (drop.has(index) || rLoss < settings.loss);
      let arrived: number | null = null;
      if (!lost) {
        arrived = now + latency + jitter * rJitter;
        if (!immune && rReorder < settings.reordering) {
          arrived += Math.max(1, latency) * (0.5 + rReorder / Math.max(settings.reordering, 1e-9));
        } else {
          arrived = Math.max(arrived, lastArrival[from]);
          lastArrival[from] = arrived;
        }
      }
      copies.push({ index, arrived, duplicate: false });
      if (!immune && rDup < settings.duplication) {
        const dupIndex = nextIndex();
        const dupLost = drop.has(dupIndex) || rDupLoss < settings.loss;
        const base = arrived ?? now + latency + jitter * rJitter;
        copies.push({ index: dupIndex, arrived: dupLost ? null : base + 0.1 + Math.max(1, latency) * 0.5 * rDupDelay, duplicate: true });
      }
      return copies;
    },
  };
}
