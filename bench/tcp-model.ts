// The TCP model's speed, from the model's own benchmark (bench/tcp-model-bench.ts).

import { benchTcpModel } from "./tcp-model-bench.js";

export async function measureTcpModel(): Promise<{ segmentsPerS: number; segments: number; medianMs: number }> {
  const r = await benchTcpModel();
  return { segmentsPerS: r.segmentsPerSecond, segments: r.segments, medianMs: r.medianMs };
}
