// BoundedMap keeps what a Map trimmed by "delete the first key" keeps, in the same order,
// through sets, re-sets, deletes, clears and the table rebuilds they cause.
import { describe, expect, it } from "vitest";
import { BoundedMap } from "../../../../src/main/lab/capture/bounded-map.js";

/** The plain way: a new iterator per drop (correct, but walks every hole). */
function referenceSet(map: Map<number, number>, limit: number, key: number, value: number): void {
  map.set(key, value);
  if (map.size > limit) map.delete(map.keys().next().value!);
}

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe("BoundedMap", () => {
  it.each([1, 7, 64, 1000])("keeps the newest %i entries, as a map trimmed from its front would", (limit) => {
    const rnd = random(limit);
    const bounded = new BoundedMap<number, number>(limit);
    const reference = new Map<number, number>();
    let next = 0;
    for (let step = 0; step < 30_000; step++) {
      const roll = rnd();
      if (roll < 0.6) {
        const key = next++;
        bounded.set(key, step);
        referenceSet(reference, limit, key, step);
      } else if (roll < 0.75) {
        // Re-set a key that may or may not still be there.
        const key = Math.floor(rnd() * next);
        bounded.set(key, step);
        referenceSet(reference, limit, key, step);
      } else if (roll < 0.9995) {
        const key = Math.floor(rnd() * next);
        expect(bounded.delete(key)).toBe(reference.delete(key));
      } else {
        bounded.clear();
        reference.clear();
      }
      expect(bounded.size).toBeLessThanOrEqual(limit);
      if (step % 997 === 0) expect([...bounded]).toEqual([...reference]);
    }
    expect([...bounded]).toEqual([...reference]);
  });
});
