// The modelled path between two ends: one-way latency plus jitter, and faults drawn from a seeded
// PRNG (loss, duplication, reordering) or forced ("drop segment i", "drop the k-th segment of
// bytes [from, to)"). It decides each copy's fate; it never looks inside a segment's payload.

import type { DataDropRule, NetworkSettings } from "../network-settings.js";
import { createPrng, type Prng } from "./prng.js";
import type { Side, TcpFlag } from "./types.js";

/** What the network may know of a segment: who sent it, its flags, and which stream bytes it carries. */
export interface SegmentShape {
  from: Side;
  flags: readonly TcpFlag[];
  /** Byte offset of its first payload byte in its direction's stream, and its payload length. */
  offset: number;
  len: number;
  /** Sent again by the sender: scripted drops (`dropData`) spare it. */
  retransmission: boolean;
}

export interface Copy {
  index: number;
  /** Model time of arrival, or null when lost. */
  arrived: number | null;
  duplicate: boolean;
}

export interface Network {
  /** The fates of a segment sent at `now` from `from`, as the copies that travel (one, or two when duplicated). */
  send(segment: SegmentShape, now: number, nextIndex: () => number): Copy[];
}

/**
 * `conns`: the connection's ids (the model's and each traced end's), which `dropData` rules name.
 */
export function createNetwork(settings: NetworkSettings, seed: number, conns: readonly string[] = []): Network {
  const prng: Prng = createPrng(seed);
  const drop = new Set(settings.drop);
  const scripted = scriptedDrops(settings.dropData ?? [], conns);
  const latency = Math.max(0, settings.latency);
  const jitter = Math.max(0, settings.jitter ?? 0);
  // The path is first-in first-out, except for segments the network chose to hold back.
  const lastArrival: Record<Side, number> = { client: -Infinity, server: -Infinity };

  return {
    send(segment, now, nextIndex) {
      const { from, flags } = segment;
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
      const lost = !immune && (drop.has(index) || scripted(segment) || rLoss < settings.loss);
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

/**
 * The `dropData` rules of one connection as a decision per segment. Each rule counts the first
 * transmissions of data segments that carry at least one byte of its range, in the order sent.
 */
function scriptedDrops(rules: readonly DataDropRule[], conns: readonly string[]): (segment: SegmentShape) => boolean {
  const mine = rules.filter((r) => r.conn === undefined || conns.includes(r.conn));
  if (mine.length === 0) return () => false;
  const seen = mine.map(() => 0);
  return (segment) => {
    if (segment.len === 0 || segment.retransmission) return false;
    let lost = false;
    mine.forEach((r, i) => {
      if (r.side !== segment.from || segment.offset >= r.to || segment.offset + segment.len <= r.from) return;
      seen[i]! += 1;
      if (r.segments.includes(seen[i]!)) lost = true;
    });
    return lost;
  };
}
