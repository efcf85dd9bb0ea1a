// The targets, reported against and never asserted as timed tests.

export interface Target {
  field: string;
  op: "<=" | ">=";
  value: number;
}

export const TARGETS: readonly Target[] = [
  { field: "capture_overhead_ws", op: "<=", value: 1.25 },
  { field: "pipeline_events_per_s", op: ">=", value: 200_000 },
  { field: "trace_bytes_per_event", op: "<=", value: 300 },
  { field: "load_1m_ms", op: "<=", value: 10_000 },
  { field: "ui_frame_ms_p95", op: "<=", value: 16.7 },
  { field: "ui_step_ms_p95", op: "<=", value: 100 },
  { field: "ui_first_frame_ms", op: "<=", value: 1_000 },
  { field: "ui_heap_mb", op: "<=", value: 300 },
];

/** "yes", "no", or "–" where there is no target or no figure. */
export function met(field: string, value: unknown): "yes" | "no" | "–" {
  const t = TARGETS.find((x) => x.field === field);
  if (!t || typeof value !== "number" || !Number.isFinite(value)) return "–";
  return (t.op === "<=" ? value <= t.value : value >= t.value) ? "yes" : "no";
}

export function targetText(field: string): string {
  const t = TARGETS.find((x) => x.field === field);
  return t ? `${t.op === "<=" ? "≤" : "≥"} ${t.value.toLocaleString("en")}` : "";
}
