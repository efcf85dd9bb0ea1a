// Console: what the learners' code logged (`console.log` in the server's handlers and the
// clients' callbacks, recorded as lab `log` events), per host, up to the playhead, newest last.

import type { TraceState } from "../store/initial-state";
import { memo } from "./memo";

export interface ConsoleLine {
  id: number;
  /** Index in the trace, so a click can move the playhead there. */
  index: number;
  text: string;
}

export interface ConsoleHost {
  host: string;
  label: string;
  /** The latest lines at or before the playhead, oldest first (at most `CONSOLE_LINES`). */
  lines: ConsoleLine[];
  /** How many lines this host logged up to the playhead, including those left out. */
  total: number;
}

/** Lines kept per host: the strip shows the last few; older ones are in the timeline. */
export const CONSOLE_LINES = 50;

/**
 * One entry per host that logs anywhere in the trace (so the strip does not jump as the
 * playhead moves), in the order hosts were declared; a host's lines are those up to the playhead.
 */
export const selectConsole = memo(
  (s: TraceState) => [s.trace, s.trace.structural.length, s.cursor],
  (s: TraceState): ConsoleHost[] => {
    const labels = new Map<string, string>();
    const byHost = new Map<string, ConsoleHost>();
    for (const i of s.trace.structural) {
      const e = s.trace.events[i];
      if (e?.layer !== "lab") continue;
      if (e.kind === "host" && !e.removed && !labels.has(e.host)) labels.set(e.host, e.label);
      if (e.kind !== "log") continue;
      let h = byHost.get(e.host);
      if (!h) byHost.set(e.host, (h = { host: e.host, label: e.host, lines: [], total: 0 }));
      if (i > s.cursor) continue;
      h.total++;
      h.lines.push({ id: e.id, index: i, text: e.text });
      if (h.lines.length > CONSOLE_LINES) h.lines.shift();
    }
    const order = [...labels.keys()];
    const rank = (host: string): number => (order.includes(host) ? order.indexOf(host) : order.length);
    return [...byHost.values()].map((h) => ({ ...h, label: labels.get(h.host) ?? h.host })).sort((a, b) => rank(a.host) - rank(b.host));
  },
);
