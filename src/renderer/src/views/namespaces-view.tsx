// Namespaces: each client's Engine.IO session and TCP connection as one pipe, with its
// namespace sockets as coloured lanes inside (multiplexing over one connection).

import { useRef } from "react";
import { Panel } from "./panel";
import { useTrace } from "../store/store-context";
import { selectNamespaces } from "../selectors/namespaces";
import { useSize } from "../hooks/use-size";
import { nspClass } from "./layer-colors";
import { clip } from "./layers-layout";

export function NamespacesView() {
  const pipes = useTrace((s) => selectNamespaces(s));
  const namespaces = useTrace((s) => s.trace.namespaces.slice(0, s.length > 0 ? undefined : 0));
  const cursor = useTrace((s) => s.cursor);
  const ref = useRef<HTMLDivElement | null>(null);
  const { width, height } = useSize(ref, { width: 420, height: 220 });
  const font = 13;
  const laneH = font * 1.9;
  let y = 6;
  const maxChars = Math.floor((width - 40) / (font * 0.6));
  return (
    <Panel name="Namespaces" note="one connection, many sockets">
      <div className="svg-box" ref={ref}>
        <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} className="view-svg" role="img" aria-label="Namespaces multiplexed over each connection">
          {pipes.length === 0 ? (
            <text x={width / 2} y={height / 2} textAnchor="middle" className="empty-note">No client sessions yet</text>
          ) : null}
          {pipes.map((p) => {
            const top = y;
            const lanes = Math.max(1, p.lanes.length);
            const h = font * 2.6 + lanes * laneH + 8;
            y += h + 10;
            return (
              <g key={p.host} className="pipe">
                <rect x={6} y={top} width={width - 12} height={h} rx={h / 4 > 18 ? 18 : h / 4} className="pipe-body" />
                <text x={18} y={top + font * 1.4} className="pipe-title">
                  {clip(`${p.host} · engine sid ${p.sid ?? "…"} · ${p.tuple}`, maxChars)}
                </text>
                {p.lanes.map((lane, i) => (
                  <g key={lane.nsp} className={`lane-nsp ${nspClass(Math.max(0, namespaces.indexOf(lane.nsp)))} ${lane.lastIndex === cursor ? "current" : ""}`}>
                    <rect x={16} y={top + font * 2.2 + i * laneH} width={width - 32} height={laneH - 4} rx={(laneH - 4) / 2} />
                    <text x={28} y={top + font * 2.2 + i * laneH + laneH * 0.62}>
                      {clip(`${lane.nsp}  socket ${lane.socketId ?? "…"} · ${lane.packets} pkts · ${lane.lastEncoded}`, maxChars - 4)}
                    </text>
                  </g>
                ))}
              </g>
            );
          })}
        </svg>
      </div>
    </Panel>
  );
}
