// The network settings the TCP model runs with: the renderer's teaching defaults, then the
// settings the trace's scenario recorded (a `lab fault` of kind "network"), then the
// teacher's own changes from the TCP view. Derived, never stored whole.

import { DEFAULT_NETWORK, type NetworkSettings } from "../../../shared/network-settings";
import { networkFromTrace } from "../../../shared/tcp/index";
import type { TraceEvent } from "../../../shared/trace/types";
import type { TraceState } from "../store/initial-state";
import { memo } from "./memo";

/** Small segments by default, so even a short message is cut into several. */
export const RENDERER_NETWORK: NetworkSettings = { ...DEFAULT_NETWORK, mss: 64 };

/** The trace's own settings (its scenario's), before the teacher changed anything. */
export const selectTraceNetwork = memo(
  (s: TraceState) => [s.trace, s.length],
  (s: TraceState): NetworkSettings => {
    // Lab events are structural, so only those need reading, not the whole trace.
    const faults: TraceEvent[] = [];
    for (const i of s.trace.structural) {
      const e = s.trace.events[i];
      if (e && e.layer === "lab" && e.kind === "fault") faults.push(e);
    }
    return networkFromTrace(faults, RENDERER_NETWORK);
  },
);

export const selectNetwork = memo(
  (s: TraceState) => [selectTraceNetwork(s), s.networkPatch],
  (s: TraceState): NetworkSettings => ({ ...selectTraceNetwork(s), ...s.networkPatch }),
);
