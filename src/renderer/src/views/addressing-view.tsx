// Addressing: hosts with IPs and listening sockets, one numbered line per TCP connection (solid:
// WebSocket, dashed: long-polling, faded: closed), a table of the connections by number (client,
// transport, both ends, state) under the drawing, and the current step's packets travelling
// along their links (drawn by a flight scene).

import { useCallback, useMemo, useRef } from "react";
import { Panel } from "./panel";
import { useActions, useTrace } from "../store/store-context";
import { selectAddressing, endpointText } from "../selectors/addressing";
import { selectShownLinks, type ShownLinks } from "../selectors/shown-links";
import { selectLinkRows, TRANSPORT_LABEL, type LinkRow, type LinkTransport } from "../selectors/addressing-links";
import { useSize } from "../hooks/use-size";
import { useBaseFont } from "../hooks/use-base-font";
import { layoutAddressing, anchorOf, type AddressingLayout } from "./addressing-layout";
import { useFlightScene } from "../scenes/use-flight-scene";
import type { TraceState } from "../store/initial-state";
import type { FlightPath } from "../scenes/flight-scene";
import { layerClass } from "./layer-colors";
import { packetLabel } from "../selectors/envelope";

const TRANSPORT_CLASS: Record<LinkTransport, string> = { WebSocket: "link-ws", polling: "link-polling", HTTP: "link-http", Redis: "link-redis", unknown: "link-unknown" };

function LinkTable(props: { rows: LinkRow[] }) {
  const actions = useActions();
  const hosts = useTrace((s) => selectAddressing(s).hosts);
  const label = (id: string): string => hosts.find((h) => h.id === id)?.label ?? id;
  if (props.rows.length === 0) return null;
  return (
    <table className="link-table">
      <caption>
        <span className="key-ws">━ WebSocket</span> <span className="key-polling">┅ long-polling</span> <span className="muted">faded: closed</span>
      </caption>
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">client</th>
          <th scope="col">carries</th>
          <th scope="col">client end ↔ server end</th>
          <th scope="col">
            <span className="visually-hidden">Follow</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr key={r.link.key} className={`${r.link.open ? "" : "row-closed"} ${r.current ? "row-current" : ""}`}>
            <td>
              <span className={`link-no ${TRANSPORT_CLASS[r.transport]}`}>{r.n}</span>
            </td>
            <td className="nowrap">{label(r.link.clientHost)}</td>
            <td className="nowrap">
              {TRANSPORT_LABEL[r.transport]}
              {r.link.open ? "" : " (closed)"}
            </td>
            <td className="mono">
              {endpointText(r.link.client)} ↔ {endpointText(r.link.server)}
              {r.link.serverHost !== "server" ? ` (${label(r.link.serverHost)})` : ""}
            </td>
            <td>
              <button type="button" className="link-follow" aria-label={`Follow connection ${r.n}`} onClick={() => actions.followConn(r.link.conns[0] ?? null)}>
                Follow
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function AddressingView() {
  const hosts = useTrace((s) => selectAddressing(s).hosts);
  const shown = useTrace((s) => selectShownLinks(s));
  const rows = useTrace((s) => selectLinkRows(s));
  const addressing = useMemo(() => ({ hosts, links: shown.links }), [hosts, shown]);
  const presenter = useTrace((s) => s.presenter);
  const ref = useRef<HTMLDivElement | null>(null);
  const { width, height } = useSize(ref, { width: 520, height: 300 });
  const base = useBaseFont();
  const font = presenter ? base * 1.05 : base;
  const small = presenter ? base : base * 0.93;
  const layout = layoutAddressing(addressing, width, height, { font, ipFont: small, labelFont: small });
  const pathFor = useCallback((s: TraceState) => addressingPaths(s, layout, base), [layout, base]);
  const sceneRef = useFlightScene(pathFor);
  const hidden = capNote(shown);
  const transportOf = new Map(rows.map((r) => [r.link.key, r]));
  return (
    <Panel name="Addressing" note="IP addresses, ports and connections">
      {hidden ? <p className="cap-note" role="note">{hidden}</p> : null}
      {/* At least as tall as its hosts need: a short panel scrolls the drawing and the table together. */}
      <div className="svg-box" ref={ref} style={{ minHeight: layout.needed }}>
        <svg width={width} height={layout.height} viewBox={`0 0 ${width} ${layout.height}`} className="view-svg" role="img" aria-label="Hosts and TCP connections">
          {layout.lines.map((l) => {
            const row = transportOf.get(l.link.key);
            return (
              <g key={l.link.key} className={`link ${l.link.open ? "link-open" : "link-closed"} ${TRANSPORT_CLASS[row?.transport ?? "unknown"]} ${row?.current ? "link-current" : ""}`}>
                <line x1={l.x1} y1={l.y1} x2={l.x2} y2={l.y2} />
              </g>
            );
          })}
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
                  <rect x={k.x - k.width / 2} y={k.y - k.height * 0.45} width={k.width} height={k.height} rx={3} />
                  <text x={k.x} y={k.y + small * 0.38} textAnchor="middle">:{k.port}</text>
                </g>
              ))}
            </g>
          ))}
          {layout.lines.map((l) =>
            l.badge ? (
              <g key={`b${l.link.key}`} className={`link-badge ${l.link.open ? "" : "link-closed"} ${TRANSPORT_CLASS[transportOf.get(l.link.key)?.transport ?? "unknown"]}`}>
                <circle cx={l.badge.x} cy={l.badge.y} r={l.badge.r} />
                <text x={l.badge.x} y={l.badge.y + small * 0.36} textAnchor="middle">
                  {l.n}
                </text>
              </g>
            ) : null,
          )}
          {layout.boxes.length === 0 ? (
            <text x={width / 2} y={height / 2} textAnchor="middle" className="empty-note">
              No hosts yet
            </text>
          ) : null}
          <g ref={sceneRef} className="flight" />
        </svg>
      </div>
      <LinkTable rows={rows} />
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

/** Most packets drawn at once (a broadcast to a whole class fans out over this many links). */
const FAN_OUT = 12;

/**
 * The current step's packets on this view: one per connection the step's bytes travelled on
 * (a broadcast's fan-out flies at once), along its link, half per side; an event above the
 * wire stays at its host's end.
 */
export function addressingPaths(s: TraceState, layout: AddressingLayout, size = 16): FlightPath[] {
  const f = s.flight;
  if (!f) return [];
  const byConn = new Map<string, number>();
  for (let i = Math.max(f.from + 1, f.to - 4000); i <= f.to; i++) {
    const e = s.trace.events[i];
    if (!e || e.layer === "lab" || !e.conn || (e.layer !== "wire" && e.layer !== "tcp" && i !== f.to)) continue;
    if (e.layer === "tcp" && e.kind !== "data" && i !== f.to) continue;
    byConn.set(e.conn, i);
  }
  const out: FlightPath[] = [];
  for (const i of [...byConn.values()].sort((p, q) => p - q).slice(-FAN_OUT)) {
    const e = s.trace.events[i];
    if (!e || e.layer === "lab" || !e.conn) continue;
    const line = layout.lines.find((l) => l.link.conns.includes(e.conn as string));
    if (!line) continue;
    const at = anchorOf(line, e.host);
    const mid: [number, number] = [(line.x1 + line.x2) / 2, (line.y1 + line.y2) / 2];
    const points: [number, number][] = e.layer === "tcp" || e.layer === "wire" ? (e.dir === "in" ? [mid, at] : [at, mid]) : [at, at];
    out.push({ points, className: layerClass(e.layer), label: packetLabel(e), eventId: e.id, size });
  }
  return out;
}
