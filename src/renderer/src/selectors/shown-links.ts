// The connections worth drawing and listing at the playhead: in a class's trace all of them;
// in a long session (thousands) those open at the playhead, the latest few closed, and the
// playhead's and the selected connection, with counts of the ones left out.

import type { TraceState } from "../store/initial-state";
import { linkForConn, selectAddressing, type Addressing, type ConnLink } from "./addressing";

/** At most this many closed connections are drawn: the latest to close. */
export const CLOSED_SHOWN = 12;
/**
 * At most this many open ones (the latest opened): only a safeguard. A full lab (20 clients,
 * each with its polling and WebSocket connections) stays well below it, so the connections
 * open at the playhead are all drawn, and none comes and goes as the playhead moves.
 */
export const OPEN_SHOWN = 200;

export interface ShownLinks {
  /** In the order of `Addressing.links` (first seen first). */
  links: ConnLink[];
  hiddenClosed: number;
  hiddenOpen: number;
}

/** The latest `cap` of `items` by `at` (ascending), found in one pass. */
function latest(items: ConnLink[], at: (l: ConnLink) => number, cap: number): Set<ConnLink> {
  const top: ConnLink[] = [];
  for (const l of items) {
    if (top.length === cap && at(l) <= at(top[0] as ConnLink)) continue;
    if (top.length === cap) top.shift();
    let k = top.length;
    while (k > 0 && at(top[k - 1] as ConnLink) > at(l)) k--;
    top.splice(k, 0, l);
  }
  return new Set(top);
}

export function shownLinks(a: Addressing, keep: readonly (ConnLink | undefined)[]): ShownLinks {
  const open: ConnLink[] = [];
  const closed: ConnLink[] = [];
  for (const l of a.links) (l.open ? open : closed).push(l);
  if (open.length <= OPEN_SHOWN && closed.length <= CLOSED_SHOWN) return { links: a.links, hiddenClosed: 0, hiddenOpen: 0 };
  // Links are in order of first open: a link's position stands for when it opened.
  const order = new Map(open.map((l, i) => [l, i]));
  const shownOpen = open.length <= OPEN_SHOWN ? new Set(open) : latest(open, (l) => order.get(l) ?? 0, OPEN_SHOWN);
  const shownClosed = closed.length <= CLOSED_SHOWN ? new Set(closed) : latest(closed, (l) => l.closedAt ?? -1, CLOSED_SHOWN);
  const kept = new Set(keep.filter((l): l is ConnLink => l !== undefined));
  const links = a.links.filter((l) => shownOpen.has(l) || shownClosed.has(l) || kept.has(l));
  const shown = (l: ConnLink): boolean => shownOpen.has(l) || shownClosed.has(l) || kept.has(l);
  return { links, hiddenClosed: closed.filter((l) => !shown(l)).length, hiddenOpen: open.filter((l) => !shown(l)).length };
}

let last: { a: Addressing; keep: (ConnLink | undefined)[]; value: ShownLinks } | null = null;

/**
 * Shown links at the playhead, keeping the playhead's and the selected connection. Recomputed
 * only when the addressing or those two change, and the same object while the same links are
 * shown, so views do not redraw for nothing.
 */
export function selectShownLinks(s: TraceState): ShownLinks {
  const a = selectAddressing(s);
  const current = s.cursor >= 0 ? s.trace.events[s.cursor]?.conn : undefined;
  const keep = [linkForConn(a, current), linkForConn(a, s.selectedConn ?? undefined)];
  if (last && last.a === a && keep.every((l, i) => l === last?.keep[i])) return last.value;
  const value = shownLinks(a, keep);
  const prev = last?.value;
  const same = prev && prev.hiddenClosed === value.hiddenClosed && prev.hiddenOpen === value.hiddenOpen && prev.links.length === value.links.length && prev.links.every((l, i) => l === value.links[i]);
  last = { a, keep, value: same ? prev : value };
  return last.value;
}
