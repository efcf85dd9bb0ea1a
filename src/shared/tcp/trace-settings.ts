// The network settings a trace asks for: every `lab fault` of kind "network" (a scenario's
// settings, its scripted drops, a change made in free play), in trace order, each a patch laid
// over the defaults and the faults before it: a field a fault names replaces the earlier value
// (`dropData` as a whole list). Unknown fields and malformed values are ignored.

import type { DataDropRule, NetworkSettings } from "../network-settings.js";
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
    if (Array.isArray(d.dropData)) settings.dropData = d.dropData.filter(isDropRule).slice(0, MAX_DROP_RULES);
  }
  return settings;
}

/** Bounds on scripted drops from a trace file: a few rules of a few segments is all a lesson needs. */
const MAX_DROP_RULES = 100;
const MAX_DROP_SEGMENTS = 1_000;

const isCount = (x: unknown): x is number => typeof x === "number" && Number.isInteger(x) && x >= 0;

function isDropRule(x: unknown): x is DataDropRule {
  if (typeof x !== "object" || x === null) return false;
  const r = x as Record<string, unknown>;
  return (
    (r.conn === undefined || typeof r.conn === "string") &&
    (r.side === "client" || r.side === "server") &&
    isCount(r.from) &&
    isCount(r.to) &&
    r.from < r.to &&
    Array.isArray(r.segments) &&
    r.segments.length <= MAX_DROP_SEGMENTS &&
    r.segments.every((k) => isCount(k) && k >= 1)
  );
}
