// Timeline: every event as a filterable list with the playhead. Virtualised: only the rows
// in view are rendered, and scroll height is capped (rows map proportionally beyond it),
// so 1,000,000 events scroll. A listbox for the keyboard: ↑/↓ move the active row (it follows
// the playhead until then), Enter seeks to it.

import { useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { useBaseFont } from "../hooks/use-base-font";
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
export function rowWindow(scrollTop: number, count: number, height: number, rowH = ROW_H): { first: number; top: number } {
  const full = count * rowH;
  if (full <= MAX_PX) {
    const first = Math.floor(scrollTop / rowH);
    return { first, top: first * rowH };
  }
  const frac = Math.min(1, Math.max(0, scrollTop / Math.max(1, MAX_PX - height)));
  const virtualTop = frac * Math.max(0, full - height);
  const first = Math.floor(virtualTop / rowH);
  return { first, top: scrollTop - (virtualTop - first * rowH) };
}

function scrollTopFor(row: number, count: number, height: number, rowH: number): number {
  const full = count * rowH;
  if (full <= MAX_PX) return row * rowH;
  const virtualTop = Math.min(row * rowH, full - height);
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
  const base = useBaseFont();
  // Rows grow with the text (24 px at the 14 px base).
  const rowH = Math.max(ROW_H, Math.round(base * 1.65));
  const [scrollTop, setScrollTop] = useState(0);
  const viewRows = Math.ceil(height / rowH) + 1;
  const count = rows.count;
  const playRow = rowOfCursor(rows, cursor);
  // The keyboard's row: follows the playhead until ↑/↓ move it (null: the playhead's row).
  const [picked, setPicked] = useState<number | null>(null);
  const active = Math.min(count - 1, picked ?? playRow);
  // Keep the playhead in view as it moves, and as the list is resized while it was in view (a
  // height measured after a deep link's seek, a window made smaller, a larger font): the scroll
  // position follows within this render, so the rows of the new window are committed once, and
  // the layout effect only writes it (one layout, with the DOM already final). The user's own
  // scrolling is left alone: a new size does not bring back a playhead scrolled away from.
  const [followed, setFollowed] = useState<{ active: number; height: number; rowH: number } | null>(null);
  const pendingScroll = useRef<number | null>(null);
  if (followed === null || followed.active !== active || followed.height !== height || followed.rowH !== rowH) {
    setFollowed({ active, height, rowH });
    const outOf = (h: number, rh: number): boolean => {
      const rowsShown = Math.ceil(h / rh) + 1;
      const w = rowWindow(scrollTop, count, h, rh);
      const shownFirst = Math.min(w.first, Math.max(0, count - rowsShown + 1));
      return active < shownFirst || active >= shownFirst + rowsShown - 2;
    };
    const moved = followed === null || followed.active !== active;
    if (active >= 0 && (moved || !outOf(followed.height, followed.rowH)) && outOf(height, rowH)) {
      const top = scrollTopFor(Math.max(0, active - Math.floor(viewRows / 2)), count, height, rowH);
      pendingScroll.current = top;
      setScrollTop(top);
    }
  }
  // biome-ignore lint/correctness/useExhaustiveDependencies: a pick is forgotten when the playhead moves
  useEffect(() => setPicked(null), [cursor]);
  const win = rowWindow(scrollTop, count, height, rowH);
  const first = Math.min(win.first, Math.max(0, count - viewRows + 1));
  const total = Math.min(count * rowH, MAX_PX);
  const windowTop = count * rowH <= MAX_PX ? first * rowH : win.top;
  const seekRow = (r: number): void => {
    const index = rows.indices[r];
    const e = index === undefined ? undefined : trace.events[index];
    if (index === undefined || !e) return;
    actions.select(e.id);
    actions.seek(index, performance.now());
  };
  const onKey = (e: KeyboardEvent<HTMLDivElement>): void => {
    const by = e.key === "ArrowDown" ? 1 : e.key === "ArrowUp" ? -1 : e.key === "PageDown" ? viewRows - 2 : e.key === "PageUp" ? 2 - viewRows : 0;
    if (by !== 0) {
      e.preventDefault();
      e.stopPropagation();
      setPicked(Math.max(0, Math.min(count - 1, (active < 0 ? -1 : active) + by)));
    } else if (e.key === "Enter" && active >= 0) {
      e.preventDefault();
      e.stopPropagation();
      seekRow(active);
    }
  };

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

  const activeId = active >= first && active < first + viewRows ? trace.events[rows.indices[active] ?? -1]?.id : undefined;
  const items = [];
  for (let r = first; r < Math.min(count, first + viewRows); r++) {
    const index = rows.indices[r] ?? 0;
    const e = trace.events[index];
    if (!e) continue;
    const cls = `trow layer-${e.layer} ${index === cursor ? "playhead" : ""} ${index > cursor ? "future" : ""} ${e.id === selection ? "selected" : ""} ${r === active ? "active" : ""}`;
    const row = r;
    items.push(
      // biome-ignore lint/a11y/useKeyWithClickEvents: the listbox takes the keys (↑/↓, Enter) and names the active row; rows are not tab stops
      // biome-ignore lint/a11y/useFocusableInteractive: see above: focus stays on the listbox (aria-activedescendant)
      <div key={e.id} id={`tl-${e.id}`} role="option" className={cls} style={{ transform: `translateY(${(r - first) * rowH}px)`, height: `${rowH}px` }} aria-selected={r === active}
        onClick={() => seekRow(row)}>
        <span className="tcol-id">#{e.id}</span>
        <span className="tcol-host" title={`${e.t.toFixed(3)} ms`}>{e.host}</span>
        <span className="tcol-layer">{LAYER_LABEL[e.layer]}</span>
        <span className="tcol-desc">{e.dir === "out" ? "→ " : e.dir === "in" ? "← " : ""}{describeEvent(e)}</span>
      </div>,
    );
  }
  return (
    <Panel name="Timeline" note={`${count.toLocaleString("en")} of ${trace.events.length.toLocaleString("en")} events`}>
      <Filters />
      <div
        className="timeline-scroll"
        ref={scroller}
        role="listbox"
        aria-label="Events (↑ ↓ to move, Enter to go there)"
        tabIndex={0}
        aria-activedescendant={activeId === undefined ? undefined : `tl-${activeId}`}
        onKeyDown={onKey}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      >
        <div className="timeline-spacer" style={{ height: `${total}px` }}>
          <div className="timeline-window" style={{ transform: `translateY(${windowTop}px)` }}>{items}</div>
        </div>
      </div>
    </Panel>
  );
}
