// The documented range of every network setting (docs/tcp-model.md), and the one function that
// brings settings from anywhere (the page, the `tcp` command, a trace file) into it, so no
// source can ask the TCP model for a network it cannot finish modelling.

import type { NetworkSettings } from "./network-settings.js";

interface Range {
  min: number;
  max: number;
  integer?: boolean;
}

export const NETWORK_LIMITS = {
  latency: { min: 0, max: 60_000 },
  jitter: { min: 0, max: 10_000 },
  // 1 would lose every segment for good; 0.9 already costs ten sends per segment on average
  loss: { min: 0, max: 0.9 },
  duplication: { min: 0, max: 1 },
  reordering: { min: 0, max: 1 },
  mss: { min: 1, max: 65_535, integer: true },
  seed: { min: 0, max: 2 ** 32 - 1, integer: true },
  window: { min: 1, max: 65_535, integer: true },
  isn: { min: 0, max: 2 ** 32 - 1, integer: true },
  delayedAck: { min: 0, max: 500 },
} as const satisfies Record<string, Range>;

/** Segment indices `drop` may hold, and how many. */
export const DROP_LIMITS = { max: 1_000_000, count: 1_000 } as const;

export function clampSetting(key: keyof typeof NETWORK_LIMITS, value: number): number {
  const r: Range = NETWORK_LIMITS[key];
  const v = r.integer ? Math.round(value) : value;
  return Math.min(r.max, Math.max(r.min, v));
}

/** `settings` with every number in its range and `drop` cut to its first valid indices. */
export function clampNetwork(settings: NetworkSettings): NetworkSettings {
  const out: NetworkSettings = { ...settings };
  for (const key of Object.keys(NETWORK_LIMITS) as (keyof typeof NETWORK_LIMITS)[]) {
    const v = out[key];
    if (v === undefined) continue;
    // a non-finite number (NaN from a bad field) falls back to the range's low end
    out[key] = Number.isFinite(v) ? clampSetting(key, v) : NETWORK_LIMITS[key].min;
  }
  if (out.mss < 1) out.mss = 1;
  out.drop = out.drop.filter((i) => Number.isSafeInteger(i) && i >= 0 && i <= DROP_LIMITS.max).slice(0, DROP_LIMITS.count);
  return out;
}
