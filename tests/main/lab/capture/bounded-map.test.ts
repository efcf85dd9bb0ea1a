// BoundedMap keeps what a Map trimmed by "delete the first key" keeps, in the same order,
// through sets, re-sets, deletes, clears and the table rebuilds they cause.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { BoundedMap, RefTable } from "../../../../src/main/lab/capture/bounded-map.js";

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

  it("keeps no old tables once it stops dropping: filled past its limit, drained, then busy below it", () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const heap = (): number => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const map = new BoundedMap<number, number[]>(10_000);
    let key = 0;
    for (let i = 0; i <= 10_000; i++) map.set(key++, new Array(100).fill(i));
    for (const k of [...map.keys()].slice(0, map.size - 100)) map.delete(k);
    const before = heap();
    // 200,000 entries of ~1 KB each pass through, 100 to 200 pending at a time.
    for (let round = 0; round < 2000; round++) {
      for (let i = 0; i < 100; i++) map.set(key, new Array(100).fill(key++));
      for (let i = 0; i < 100; i++) map.delete(key - 200 + i);
    }
    expect(map.size).toBe(100);
    // An iterator kept from the first drop would hold every table these passed through: ~190 MB.
    expect(heap() - before).toBeLessThan(20 * 1024 * 1024);
  });
});

describe("RefTable", () => {
  it("gives each reference's event while it is among the newest `size`", () => {
    const t = new RefTable(8);
    for (let ref = 1; ref <= 20; ref++) t.set(ref, ref * 10);
    // 13..20 are the newest eight; 12 and older were overwritten by them.
    for (let ref = 13; ref <= 20; ref++) expect(t.get(ref)).toBe(ref * 10);
    for (let ref = 1; ref <= 12; ref++) expect(t.get(ref)).toBeUndefined();
  });

  it("knows nothing of a reference never set, negative ones and huge ones included", () => {
    const t = new RefTable(8);
    t.set(3, 30);
    expect(t.get(11)).toBeUndefined();
    expect(t.get(0)).toBeUndefined();
    expect(t.get(-2)).toBeUndefined();
    t.set(2 ** 40 + 3, 7);
    expect(t.get(2 ** 40 + 3)).toBe(7);
    expect(t.get(3)).toBeUndefined();
  });
});
