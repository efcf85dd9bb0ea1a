// What each drawn connection carries, as of the playhead: Engine.IO's long-polling, a
// WebSocket, Redis's protocol or plain HTTP, read from the first wire unit on either end;
// and the rows of the Addressing view's connection table (numbered as the drawing marks them).

import type { TraceState } from "../store/initial-state";
import type { ConnLink } from "./addressing";
import { selectShownLinks } from "./shown-links";
import { memo } from "./memo";

export type LinkTransport = "WebSocket" | "polling" | "HTTP" | "Redis" | "unknown";

export interface LinkRow {
  /** 1-based: the number on the link in the drawing. */
  n: number;
  link: ConnLink;
  transport: LinkTransport;
  /** The Engine.IO session it belongs to, when a wire unit named one. */
  sid?: string;
  current: boolean;
}

/** The first wire unit of a connection up to trace index `upTo` decides what it carries. */
export function transportOf(s: TraceState, conns: readonly string[], upTo: number): { transport: LinkTransport; sid?: string } {
  let first: { index: number; transport: LinkTransport } | null = null;
  let sid: string | undefined;
  for (const conn of conns) {
    for (const i of s.trace.byConn.get(conn) ?? []) {
      if (i > upTo) break;
      const e = s.trace.events[i];
      if (e?.layer !== "wire") continue;
      if (sid === undefined && e.sid) sid = e.sid;
      if (first && first.index <= i) break;
      let transport: LinkTransport;
      if (e.kind === "ws-frame" || e.kind === "ws-upgrade") transport = "WebSocket";
      else if (e.kind === "resp") transport = "Redis";
      else if (e.kind === "http-request") transport = e.upgrade || /[?&]transport=websocket/.test(e.path) ? "WebSocket" : /[?&]transport=polling/.test(e.path) ? "polling" : "HTTP";
      else transport = "HTTP";
      first = { index: i, transport };
      if (sid !== undefined) break;
    }
  }
  return { transport: first?.transport ?? "unknown", ...(sid !== undefined ? { sid } : {}) };
}

export const selectLinkRows = memo(
  (s: TraceState) => [selectShownLinks(s), s.trace, s.cursor],
  (s: TraceState): LinkRow[] => {
    const current = s.cursor >= 0 ? s.trace.events[s.cursor]?.conn : undefined;
    return selectShownLinks(s).links.map((link, i) => ({
      n: i + 1,
      link,
      ...transportOf(s, link.conns, s.cursor),
      current: current !== undefined && link.conns.includes(current),
    }));
  },
);

/** How the table and the drawing name a transport. */
export const TRANSPORT_LABEL: Record<LinkTransport, string> = {
  WebSocket: "WebSocket",
  polling: "long-polling",
  HTTP: "HTTP",
  Redis: "Redis (RESP)",
  unknown: "no data yet",
};
