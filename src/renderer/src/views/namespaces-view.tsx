// Namespaces: each client's Engine.IO session and TCP connection as one pipe, with its
// namespace sockets as coloured lanes inside (multiplexing over one connection).

import { useRef } from "react";
import { Panel } from "./panel";
import { useTrace } from "../store/store-context";
import { RECENT_PACKETS, selectNamespaces } from "../selectors/namespaces";
import { useSize } from "../hooks/use-size";
import { useBaseFont } from "../hooks/use-base-font";
import { nspClass } from "./layer-colors";
import { clip } from "./layers-layout";

export function NamespacesView() {
  const pipes = useTrace((s) => selectNamespaces(s));
  const namespaces = useTrace((s) => s.trace.namespaces.slice(0, s.length > 0 ? undefined : 0));
  const cursor = useTrace((s) => s.cursor);
  const presenter = useTrace((s) => s.presenter);
  const ref = useRef<HTMLDivElement | null>(null);
  const { width, height } = useSize(ref, { width: 420, height: 220 });
  const base = useBaseFont();
  const font = presenter ? base : base * 0.93;
  const laneH = font * 1.9;
  // Under the lanes, the packets of every namespace interleaved on the one connection.
  const tileH = font * 1.7;
  const tileW = Math.max(font * 4.2, (width - 40) / RECENT_PACKETS);
  const pipeH = (lanes: number, packets: number): number => font * 2.6 + Math.max(1, lanes) * laneH + (packets > 0 ? tileH + font * 1.6 : 0) + 8;
  // Taller than the panel: the picture keeps its size and the panel scrolls, nothing is cut.
  const needed = pipes.reduce((sum, p) => sum + pipeH(p.lanes.length, p.recent.length) + 10, 6);
  const svgH = Math.max(height, Math.ceil(needed));
  let y = 6;
  const maxChars = Math.floor((width - 40) / (font * 0.6));
  return (
    <Panel name="Namespaces" note="one connection, many sockets">
      <div className="svg-box" ref={ref} tabIndex={0} role="group" aria-label="Namespaces picture (scrolls)">
        <svg width={width} height={svgH} viewBox={`0 0 ${width} ${svgH}`} className="view-svg" role="img" aria-label="Namespaces multiplexed over each connection">
          {pipes.length === 0 ? (
            <text x={width / 2} y={height / 2} textAnchor="middle" className="empty-note">No client sessions yet</text>
          ) : null}
          {pipes.map((p) => {
            const top = y;
            const h = pipeH(p.lanes.length, p.recent.length);
            const tilesY = top + font * 2.2 + p.lanes.length * laneH + font * 1.3;
            const perRow = Math.max(1, Math.floor((width - 32) / tileW));
            const shown = p.recent.slice(-perRow);
            y += h + 10;
            return (
              <g key={p.host} className="pipe">
                <rect x={6} y={top} width={width - 12} height={h} rx={Math.min(h / 4 , 18)} className="pipe-body" />
                <text x={18} y={top + font * 1.4} className="pipe-title">
                  {clip(`${p.host} · engine sid ${p.sid ?? "…"} · ${p.tuple}`, maxChars)}
                </text>
                {p.lanes.map((lane, i) => (
                  <g key={lane.nsp} className={`lane-nsp ${nspClass(Math.max(0, namespaces.indexOf(lane.nsp)))} ${lane.lastIndex === cursor ? "current" : ""}`}>
                    <rect x={16} y={top + font * 2.2 + i * laneH} width={width - 32} height={laneH - 4} rx={(laneH - 4) / 2} />
                    <text x={28} y={top + font * 2.2 + i * laneH + laneH * 0.62}>
                      {clip(`${lane.nsp}  socket ${lane.socketId ?? "…"}${lane.node ? ` on ${lane.node}` : ""} · ${lane.packets} pkts · ${lane.lastEncoded}`, maxChars - 4)}
                    </text>
                  </g>
                ))}
                {shown.length > 0 ? (
                  <>
                    <text x={18} y={tilesY - font * 0.35} className="pipe-note">
                      on the one connection, latest last (→ sent, ← received)
                    </text>
                    {shown.map((pk, k) => (
                      <g key={pk.index} className={`pipe-packet lane-nsp ${nspClass(Math.max(0, namespaces.indexOf(pk.nsp)))} ${pk.index === cursor ? "current" : ""}`}>
                        <title>{`${pk.dir === "out" ? "sent" : "received"} on ${pk.nsp}: ${pk.encoded}`}</title>
                        <rect x={16 + k * tileW} y={tilesY} width={tileW - 4} height={tileH} rx={4} />
                        <text x={16 + k * tileW + (tileW - 4) / 2} y={tilesY + tileH * 0.68} textAnchor="middle">
                          {clip(`${pk.dir === "out" ? "→" : "←"}${pk.nsp === "/" ? "/" : pk.nsp.slice(0, 6)}`, Math.max(3, Math.floor((tileW - 8) / (font * 0.6))))}
                        </text>
                      </g>
                    ))}
                  </>
                ) : null}
              </g>
            );
          })}
        </svg>
      </div>
    </Panel>
  );
}
