// Timeline: every event as a filterable list with the playhead. Virtualised: only the rows
// in view are rendered, and scroll height is capped (rows map proportionally beyond it),
// so 1,000,000 events scroll.

import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { Panel } from "./panel";
import { useActions, useTrace } from "../store/store-context";
import { createTimelineSelector, rowOfCursor } from "../selectors/timeline";
import { describeEvent, LAYER_LABEL } from "../selectors/describe-event";
import { LAYERS, type Layer } from "../../../shared/trace/types";
import { useSize } from "../hooks/use-size";
import { listKey } from "./list-key";
import { selectConnOptions, selectHostOptions, selectNamespaceOptions } from "../selectors/filter-options";

export const ROW_H = 24;
export const MAX_PX = 8_000_000;

/**
 * The rows' window for a scroll position: the first row shown and where the window sits in the
 * spacer. Up to MAX_PX the list scrolls as it is; beyond, the scroll range maps proportionally
 * onto the list so that at the end the last row sits at the bottom of the view, not below it.
 */
export function rowWindow(scrollTop: number, count: number, height: number): { first: number; top: number } {
  const full = count * ROW_H;
  if (full <= MAX_PX) {
    const first = Math.floor(scrollTop / ROW_H);
    return { first, top: first * ROW_H };
  }
  const frac = Math.min(1, Math.max(0, scrollTop / Math.max(1, MAX_PX - height)));
  const virtualTop = frac * Math.max(0, full - height);
  const first = Math.floor(virtualTop / ROW_H);
  return { first, top: scrollTop - (virtualTop - first * ROW_H) };
}

function scrollTopFor(row: number, count: number, height: number): number {
  const full = count * ROW_H;
  if (full <= MAX_PX) return row * ROW_H;
  const virtualTop = Math.min(row * ROW_H, full - height);
  return (virtualTop / Math.max(1, full - height)) * (MAX_PX - height);
}

function Filters() {
  const filters = useTrace((s) => s.filters);
  const hosts = useTrace((s) => selectHostOptions(s));
  const { conns, hidden } = useTrace((s) => selectConnOptions(s));
  const nsps = useTrace((s) => selectNamespaceOptions(s));
  const actions = useActions();
  const toggle = (layer: Layer) => actions.setFilters({ layers: { ...filters.layers, [layer]: !filters.layers[layer] } });
  return (
    <div className="filters" role="group" aria-label="Timeline filters">
      {LAYERS.map((l) => (
        <label key={l} className={`chip layer-${l}`}>
          <input type="checkbox" checked={filters.layers[l]} onChange={() => toggle(l)} /> {LAYER_LABEL[l]}
        </label>
      ))}
      <select key={`hosts ${listKey(hosts.length)}`} aria-label="Host filter" value={filters.host ?? ""} onChange={(e) => actions.setFilters({ host: e.target.value || null })}>
        <option value="">all hosts</option>
        {hosts.map((h) => <option key={h} value={h}>{h}</option>)}
      </select>
      <select key={`nsps ${listKey(nsps.length)}`} aria-label="Namespace filter" value={filters.nsp ?? ""} onChange={(e) => actions.setFilters({ nsp: e.target.value || null })}>
        <option value="">all namespaces</option>
        {nsps.map((h) => <option key={h} value={h}>{h}</option>)}
      </select>
      <select aria-label="Connection filter" value={filters.conn ?? ""} onChange={(e) => actions.setFilters({ conn: e.target.value || null })}>
        <option value="">all connections</option>
        {conns.map((h) => <option key={h} value={h}>{h}</option>)}
        {hidden > 0 ? <option value="not listed" disabled>{`+${hidden.toLocaleString("en")} more not listed`}</option> : null}
      </select>
      <label className="chip">
        <input type="checkbox" checked={filters.hideHeartbeats} onChange={(e) => actions.setFilters({ hideHeartbeats: e.target.checked })} /> hide heartbeats
      </label>
    </div>
  );
}

export function TimelineView() {
  const selectRows = useMemo(() => createTimelineSelector(), []);
  const rows = useTrace((s) => selectRows(s));
  const trace = useTrace((s) => s.trace);
  const cursor = useTrace((s) => s.cursor);
  const selection = useTrace((s) => s.selection);
  const actions = useActions();
  const scroller = useRef<HTMLDivElement | null>(null);
  const { height } = useSize(scroller, { width: 600, height: 240 });
  const [scrollTop, setScrollTop] = useState(0);
  const viewRows = Math.ceil(height / ROW_H) + 1;
  const count = rows.count;
  const playRow = rowOfCursor(rows, cursor);
  // Keep the playhead in view as it moves: the scroll position follows within this render, so
  // the rows of the new window are committed once, and the layout effect only writes it (one
  // layout, with the DOM already final). Only a moving playhead scrolls; the user's own
  // scrolling is left alone.
  const [followed, setFollowed] = useState(-2);
  const pendingScroll = useRef<number | null>(null);
  if (followed !== playRow) {
    setFollowed(playRow);
    const w = rowWindow(scrollTop, count, height);
    const shownFirst = Math.min(w.first, Math.max(0, count - viewRows + 1));
    if (playRow >= 0 && (playRow < shownFirst || playRow >= shownFirst + viewRows - 2)) {
      const top = scrollTopFor(Math.max(0, playRow - Math.floor(viewRows / 2)), count, height);
      pendingScroll.current = top;
      setScrollTop(top);
    }
  }
  const win = rowWindow(scrollTop, count, height);
  const first = Math.min(win.first, Math.max(0, count - viewRows + 1));
  const total = Math.min(count * ROW_H, MAX_PX);
  const windowTop = count * ROW_H <= MAX_PX ? first * ROW_H : win.top;

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || pendingScroll.current === null) return;
    el.scrollTop = pendingScroll.current;
    pendingScroll.current = null;
  });
  useEffect(() => {
    const el = scroller.current;
    if (el && scrollTop > total) el.scrollTop = 0;
  }, [total, scrollTop]);

  const items = [];
  for (let r = first; r < Math.min(count, first + viewRows); r++) {
    const index = rows.indices[r] ?? 0;
    const e = trace.events[index];
    if (!e) continue;
    const cls = `trow layer-${e.layer} ${index === cursor ? "playhead" : ""} ${index > cursor ? "future" : ""} ${e.id === selection ? "selected" : ""}`;
    items.push(
      <div key={e.id} role="row" className={cls} style={{ transform: `translateY(${(r - first) * ROW_H}px)` }} aria-selected={e.id === selection}
        onClick={() => { actions.select(e.id); actions.seek(index, performance.now()); }}>
        <span role="cell" className="tcol-id">#{e.id}</span>
        <span role="cell" className="tcol-host" title={`${e.t.toFixed(3)} ms`}>{e.host}</span>
        <span role="cell" className="tcol-layer">{LAYER_LABEL[e.layer]}</span>
        <span role="cell" className="tcol-desc">{e.dir === "out" ? "→ " : e.dir === "in" ? "← " : ""}{describeEvent(e)}</span>
      </div>,
    );
  }
  return (
    <Panel name="Timeline" note={`${count.toLocaleString("en")} of ${trace.events.length.toLocaleString("en")} events`}>
      <Filters />
      <div className="timeline-scroll" ref={scroller} role="grid" aria-rowcount={count} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
        <div className="timeline-spacer" style={{ height: `${total}px` }}>
          <div className="timeline-window" style={{ transform: `translateY(${windowTop}px)` }}>{items}</div>
        </div>
      </div>
    </Panel>
  );
}
