// The network settings a trace asks for: the last `lab fault` of kind "network" (a scenario's
// settings, or a change made in free play), laid over defaults. Unknown fields are ignored.

import type { NetworkSettings } from "../network-settings.js";
import type { TraceEvent } from "../trace/types.js";

const NUMERIC = ["latency", "loss", "duplication", "reordering", "mss", "seed", "window", "isn", "delayedAck", "jitter"] as const;

export function networkFromTrace(events: readonly TraceEvent[], defaults: NetworkSettings): NetworkSettings {
  const settings: NetworkSettings = { ...defaults };
  for (const ev of events) {
    if (ev.layer !== "lab" || ev.kind !== "fault" || ev.fault !== "network" || !ev.detail) continue;
    let detail: unknown;
    try {
      detail = JSON.parse(ev.detail);
    } catch {
      continue;
    }
    if (typeof detail !== "object" || detail === null) continue;
    const d = detail as Record<string, unknown>;
    for (const key of NUMERIC) {
      const v = d[key];
      if (typeof v === "number" && Number.isFinite(v)) settings[key] = v;
    }
    if (typeof d.relative === "boolean") settings.relative = d.relative;
    if (Array.isArray(d.drop) && d.drop.every((x) => Number.isInteger(x))) settings.drop = d.drop as number[];
  }
  return settings;
}
