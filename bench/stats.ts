// Small statistics and timing helpers shared by the benchmarks (no I/O).

import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** The q-quantile by linear interpolation between closest ranks (q in [0, 1]). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export const round = (value: number, digits = 0): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/** Per-round samples by name, and their medians (rounded) once the rounds are done. */
export class Samples<Name extends string> {
  private readonly values = new Map<Name, number[]>();

  add(sample: Partial<Record<Name, number>>): void {
    for (const [name, value] of Object.entries(sample) as [Name, number][]) {
      const list = this.values.get(name);
      if (list) list.push(value);
      else this.values.set(name, [value]);
    }
  }

  median(name: Name, digits: number): number {
    return round(median(this.values.get(name) ?? []), digits);
  }
}

let gcFn: (() => void) | undefined;

/** A full garbage collection between measurements, so one round's garbage is not billed to the next. */
export function collectGarbage(): void {
  if (!gcFn) {
    // tsx runs without --expose-gc; the flag can still be set at run time for a new context.
    setFlagsFromString("--expose-gc");
    gcFn = runInNewContext("gc") as () => void;
  }
  gcFn();
}
