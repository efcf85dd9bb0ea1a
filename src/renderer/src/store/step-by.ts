// Step granularity: which events a step stops at. A finer level also stops at every
// coarser one (stepping by Wire stops at wire, Engine.IO, Socket.IO and API events).

import type { Layer } from "../../../shared/trace/types";

export const STEP_BY = ["API", "Socket.IO", "Engine.IO", "Wire", "TCP"] as const;
export type StepBy = (typeof STEP_BY)[number];

const RANK: Record<Layer, number> = { api: 0, socketio: 1, engine: 2, wire: 3, tcp: 4, lab: 0 };

/** True when an event of `layer` is a stop at granularity `by`. Lab events always stop. */
export function isStop(layer: Layer, by: StepBy): boolean {
  return RANK[layer] <= STEP_BY.indexOf(by);
}
