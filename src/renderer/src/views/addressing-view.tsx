// Addressing: hosts with IPs and listening sockets, links labelled with 4-tuples, and the
// current step's packet travelling along its link (drawn by a flight scene).

import { useCallback, useMemo, useRef } from "react";
import { Panel } from "./panel";
import { useTrace } from "../store/store-context";
import { selectAddressing } from "../selectors/addressing";
import { selectShownLinks, type ShownLinks } from "../selectors/shown-links";
import { useSize } from "../hooks/use-size";
import { useBaseFont } from "../hooks/use-base-font";
import { layoutAddressing, anchorOf, type AddressingLayout } from "./addressing-layout";
import { useFlightScene } from "../scenes/use-flight-scene";
import type { TraceState } from "../store/initial-state";
import { layerClass } from "./layer-colors";
import { LAYER_LABEL } from "../selectors/describe-event";

export function AddressingView() {
  const hosts = useTrace((s) => selectAddressing(s).hosts);
  const shown = useTrace((s) => selectShownLinks(s));
  const addressing = useMemo(() => ({ hosts, links: shown.links }), [hosts, shown]);
  const presenter = useTrace((s) => s.presenter);
  const ref = useRef<HTMLDivElement | null>(null);
  const { width, height } = useSize(ref, { width: 520, height: 300 });
  const base = useBaseFont();
  const font = presenter ? base * 1.05 : base;
  const small = presenter ? base : base * 0.93;
  const currentConn = useTrace((s) => (s.cursor >= 0 ? s.trace.events[s.cursor]?.conn : undefined));
  const layout = layoutAddressing(addressing, width, height, { font, ipFont: small, labelFont: small }, currentConn);
  const pathFor = useCallback((s: TraceState) => addressingPath(s, layout), [layout]);
  const sceneRef = useFlightScene(pathFor);
  const hidden = capNote(shown);
  return (
    <Panel name="Addressing" note={layout.unlabelled > 0 ? `+${layout.unlabelled} more 4-tuple${layout.unlabelled > 1 ? "s" : ""} in TCP → Connection` : "IP addresses, ports and 4-tuples"}>
      {hidden ? <p className="cap-note" role="note">{hidden}</p> : null}
      <div className="svg-box" ref={ref}>
        <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} className="view-svg" role="img" aria-label="Hosts and TCP connections">
          {layout.lines.map((l) => (
            <g key={l.link.key} className={`link ${l.link.open ? "link-open" : "link-closed"}`}>
              <line x1={l.x1} y1={l.y1} x2={l.x2} y2={l.y2} />
            </g>
          ))}
          {layout.lines.map((l) =>
            l.label ? (
              <text key={l.link.key} x={l.label.x} y={l.label.y} textAnchor="middle" className={`tuple-label ${l.link.open ? "" : "tuple-closed"}`} paintOrder="stroke">
                {l.link.tuple}
              </text>
            ) : null,
          )}
          {layout.boxes.map((b) => (
            <g key={b.host.id} className={`host host-${b.host.role}`}>
              <rect x={b.x} y={b.y} width={b.width} height={b.height} rx={8} />
              <text x={b.x + b.width / 2} y={b.y + font * 1.2} textAnchor="middle" className="host-label">
                {b.host.label}
              </text>
              <text x={b.x + b.width / 2} y={b.y + font * 1.3 + small * 1.1} textAnchor="middle" className="host-ip">
                {b.host.ips.join(", ")}
              </text>
              {b.sockets.map((k) => (
                <g key={`${k.ip}:${k.port}`} className="socket">
                  <rect x={k.x - font * 2.2} y={k.y - font * 0.6} width={font * 4.4} height={font * 1.3} rx={3} />
                  <text x={k.x} y={k.y + font * 0.4} textAnchor="middle">:{k.port}</text>
                </g>
              ))}
            </g>
          ))}
          {layout.boxes.length === 0 ? (
            <text x={width / 2} y={height / 2} textAnchor="middle" className="empty-note">
              No hosts yet
            </text>
          ) : null}
          <g ref={sceneRef} className="flight" />
        </svg>
      </div>
    </Panel>
  );
}

const count = (n: number, one: string, many: string): string => `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

/** What the drawing leaves out in a long session (null when every connection is drawn). */
export function capNote(shown: ShownLinks): string | null {
  const parts: string[] = [];
  if (shown.hiddenOpen > 0) parts.push(`+${count(shown.hiddenOpen, "other open connection", "other open connections")}`);
  if (shown.hiddenClosed > 0) parts.push(`+${count(shown.hiddenClosed, "earlier connection (closed)", "earlier connections (closed)")}`);
  if (parts.length === 0) return null;
  const open = shown.links.filter((l) => l.open).length;
  const closed = shown.links.length - open;
  return `${parts.join(", ")} not drawn · showing ${open} open at the playhead${closed > 0 ? `, the latest ${closed} closed` : ""}`;
}

/** The current event's route on this view: along its connection's link, half per side. */
export function addressingPath(s: TraceState, layout: AddressingLayout) {
  const e = s.flight ? s.trace.events[s.flight.to] : undefined;
  if (!e || e.layer === "lab" || !e.conn) return null;
  const line = layout.lines.find((l) => l.link.conns.includes(e.conn as string));
  if (!line) return null;
  const at = anchorOf(layout, line, e.host);
  const mid: [number, number] = [(line.x1 + line.x2) / 2, (line.y1 + line.y2) / 2];
  const points: [number, number][] = e.layer === "tcp" || e.layer === "wire" ? (e.dir === "in" ? [mid, at] : [at, mid]) : [at, at];
  return { points, className: layerClass(e.layer), label: LAYER_LABEL[e.layer] };
}
