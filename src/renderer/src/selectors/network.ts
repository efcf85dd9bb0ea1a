// The network settings the TCP model runs with: the one default network (shared with the
// command line), then the
// settings the trace's scenario recorded (a `lab fault` of kind "network"), then the
// teacher's own changes from the TCP view. Derived, never stored whole.

import { clampNetwork } from "../../../shared/network-limits";
import { DEFAULT_NETWORK, type NetworkSettings } from "../../../shared/network-settings";
import { networkFromTrace } from "../../../shared/tcp/index";
import type { TraceEvent } from "../../../shared/trace/types";
import type { TraceState } from "../store/initial-state";
import { memo } from "./memo";

/** The trace's own settings (its scenario's), before the teacher changed anything. */
export const selectTraceNetwork = memo(
  // Faults are structural events: a trace that only gained data events keeps its settings
  // object, so selectors keyed on the network do not re-run for every live batch.
  (s: TraceState) => [s.trace, s.trace.structural.length],
  (s: TraceState): NetworkSettings => {
    // Lab events are structural, so only those need reading, not the whole trace.
    const faults: TraceEvent[] = [];
    for (const i of s.trace.structural) {
      const e = s.trace.events[i];
      if (e && e.layer === "lab" && e.kind === "fault") faults.push(e);
    }
    return sameFaults(s, faults) ?? (lastNetwork = { trace: s.trace, faults, settings: networkFromTrace(faults, DEFAULT_NETWORK) }).settings;
  },
);

let lastNetwork: { trace: TraceState["trace"]; faults: TraceEvent[]; settings: NetworkSettings } | null = null;

/** The settings computed last time, when they came from the same fault events. */
function sameFaults(s: TraceState, faults: readonly TraceEvent[]): NetworkSettings | null {
  const last = lastNetwork;
  if (!last || last.trace !== s.trace || last.faults.length !== faults.length) return null;
  return last.faults.every((f, i) => f === faults[i]) ? last.settings : null;
}

export const selectNetwork = memo(
  (s: TraceState) => [selectTraceNetwork(s), s.networkPatch],
  // a trace file or the teacher may ask for anything: the model gets the documented ranges
  (s: TraceState): NetworkSettings => clampNetwork({ ...selectTraceNetwork(s), ...s.networkPatch }),
);
