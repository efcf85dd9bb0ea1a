// The shared TCP model run over the whole trace at once (so hosts in several connections
// share one clock shift, as in the command line), and every event's model time. It covers the
// first `modelLength` events and runs only when a view asks (a shown connection, an inspected
// event), never on load or per live batch. A file read by the trace worker is modelled there:
// until the worker answers, the model is pending and the views say so.

import { retimeTrace, type ConnectionOutput } from "../../../shared/tcp/index";
import type { TraceEvent } from "../../../shared/trace/types";
import type { TraceState } from "../store/initial-state";
import { memo } from "./memo";
import { selectNetwork } from "./network";

export interface TraceModel {
  /** Model time (ms) of each event, by event id. */
  times: { get(id: number): number | undefined; has(id: number): boolean };
  /** Why the model could not run, if it could not (the views then show real times only). */
  error: string | null;
  /** True while the trace worker computes the model: nothing is known yet. */
  pending: boolean;
  /** The modelled connection one of whose ends has this trace conn id; "pending" while it is fetched. */
  connection(conn: string): ConnectionOutput | undefined | "pending";
}

const NO_TIMES = new Map<number, number>();
const EMPTY: TraceModel = { times: NO_TIMES, error: null, pending: false, connection: () => undefined };

/** The model of a whole connection list, as computed on this thread. */
function modelOf(connections: readonly ConnectionOutput[], times: Map<number, number>, error: string | null): TraceModel {
  return {
    times,
    error,
    pending: false,
    connection: (conn) => connections.find((c) => c.traceConns.client === conn || c.traceConns.server === conn || c.conn === conn),
  };
}

export const selectTraceModel = memo(
  (s: TraceState) => [s.trace, s.modelLength, selectNetwork(s), s.modeller, s.modelVersion],
  (s: TraceState): TraceModel => {
    const n = s.modelLength;
    if (n === 0) return EMPTY;
    const network = selectNetwork(s);
    const modeller = s.modeller;
    if (modeller) {
      // The worker holds exactly the file's events (a file trace does not grow).
      const answer = modeller.model(network);
      if (!answer) return { ...EMPTY, pending: true };
      const { times, error } = answer;
      const { indexById } = s.trace;
      const timeOf = (id: number): number | undefined => {
        const i = indexById.get(id);
        const m = i === undefined ? undefined : times[i];
        return m === undefined || Number.isNaN(m) ? undefined : m;
      };
      return {
        times: { get: timeOf, has: (id) => timeOf(id) !== undefined },
        error,
        pending: false,
        connection: (conn) => {
          const out = modeller.connection(network, conn);
          return out === null ? undefined : out;
        },
      };
    }
    // The model reads only tcp events and listening sockets; retiming needs every event.
    const events: TraceEvent[] = n === s.trace.events.length ? s.trace.events : s.trace.events.slice(0, n);
    try {
      const { model, times } = retimeTrace(events, network);
      return modelOf(model, times, null);
    } catch (err) {
      return modelOf([], new Map(), err instanceof Error ? err.message : String(err));
    }
  },
);

/** The modelled connection one of whose ends has this trace conn id (undefined while pending). */
export function modelOfConn(m: TraceModel, conn: string | undefined): ConnectionOutput | undefined {
  if (conn === undefined) return undefined;
  const out = m.connection(conn);
  return out === "pending" ? undefined : out;
}

/** True while the model, or this connection's part of it, is still on its way from the worker. */
export function modelPending(m: TraceModel, conns: readonly (string | undefined)[]): boolean {
  return m.pending || conns.some((c) => c !== undefined && m.connection(c) === "pending");
}
