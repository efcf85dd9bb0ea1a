// The shared TCP model run over the whole trace at once (so hosts in several connections
// share one clock shift, as in the command line), and every event's model time. It covers the
// first `modelLength` events and runs only when a view asks (a shown connection, an inspected
// event), never on load or per live batch.

import { retimeTrace, type ConnectionOutput } from "../../../shared/tcp/index";
import type { TraceEvent } from "../../../shared/trace/types";
import type { TraceState } from "../store/initial-state";
import { memo } from "./memo";
import { selectNetwork } from "./network";

export interface TraceModel {
  connections: ConnectionOutput[];
  /** Model time (ms) of each event, by event id. */
  times: Map<number, number>;
  /** Why the model could not run, if it could not (the views then show real times only). */
  error: string | null;
}

const EMPTY: TraceModel = { connections: [], times: new Map(), error: null };

export const selectTraceModel = memo(
  (s: TraceState) => [s.trace, s.modelLength, selectNetwork(s)],
  (s: TraceState): TraceModel => {
    const n = s.modelLength;
    if (n === 0) return EMPTY;
    // The model reads only tcp events and listening sockets; retiming needs every event.
    const events: TraceEvent[] = n === s.trace.events.length ? s.trace.events : s.trace.events.slice(0, n);
    try {
      const { model, times } = retimeTrace(events, selectNetwork(s));
      return { connections: model, times, error: null };
    } catch (err) {
      return { connections: [], times: new Map(), error: err instanceof Error ? err.message : String(err) };
    }
  },
);

/** The modelled connection one of whose ends has this trace conn id. */
export function modelOfConn(m: TraceModel, conn: string | undefined): ConnectionOutput | undefined {
  if (conn === undefined) return undefined;
  return m.connections.find((c) => c.traceConns.client === conn || c.traceConns.server === conn || c.conn === conn);
}
