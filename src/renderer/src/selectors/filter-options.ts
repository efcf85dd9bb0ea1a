// What the timeline's filter selects offer. Hosts and namespaces are few and all listed; of
// connections a long session has thousands, so past a class's handful only those the views
// show at the playhead are listed (both ends of each), and the filter's own.

import type { TraceState } from "../store/initial-state";
import { memo } from "./memo";
import { selectShownLinks } from "./shown-links";

/** Up to this many connection ids (a class's lab: 20 clients, both ends) are all listed. */
export const LISTED_CONNS = 40;

export interface ConnOptions {
  conns: string[];
  /** Connection ids of the trace not listed. */
  hidden: number;
}

export const selectHostOptions = memo(
  (s: TraceState) => [s.trace, s.trace.hosts.length],
  (s: TraceState): string[] => s.trace.hosts.slice(),
);

export const selectNamespaceOptions = memo(
  (s: TraceState) => [s.trace, s.trace.namespaces.length],
  (s: TraceState): string[] => s.trace.namespaces.slice(),
);

const connOptions = memo(
  (s: TraceState, total: number) => [s.trace, total, total > LISTED_CONNS ? selectShownLinks(s) : null, s.filters.conn],
  (s: TraceState, total: number): ConnOptions => {
    if (total <= LISTED_CONNS) return { conns: s.trace.conns.slice(), hidden: 0 };
    const conns = selectShownLinks(s).links.flatMap((l) => l.conns);
    if (s.filters.conn !== null && !conns.includes(s.filters.conn)) conns.push(s.filters.conn);
    return { conns, hidden: total - conns.length };
  },
);

export const selectConnOptions = (s: TraceState): ConnOptions => connOptions(s, s.trace.conns.length);
