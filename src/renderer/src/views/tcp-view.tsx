// TCP: a ladder diagram of the selected connection's modelled segments (handshake, data
// with seq/len, ACKs, loss, retransmits, FIN), clearly labelled as a model of real bytes.

import { useCallback, useRef } from "react";
import { Panel } from "./panel";
import { useActions, useTrace } from "../store/store-context";
import { selectLadder } from "../selectors/tcp-ladder";
import { selectAddressing, endpointText } from "../selectors/addressing";
import { useSize } from "../hooks/use-size";
import { layoutTcp } from "./tcp-layout";
import { useFlightScene } from "../scenes/use-flight-scene";
import type { TraceState } from "../store/initial-state";

const MSS_CHOICES = [16, 64, 536, 1460];

function TcpSettings() {
  const network = useTrace((s) => s.network);
  const links = useTrace((s) => selectAddressing(s).links);
  const selectedConn = useTrace((s) => s.selectedConn);
  const actions = useActions();
  return (
    <div className="tcp-settings">
      <label>
        Connection{" "}
        <select value={selectedConn ?? ""} onChange={(e) => actions.selectConn(e.target.value || null)}>
          <option value="">follow playhead</option>
          {links.map((l) => (
            <option key={l.key} value={l.conns[0]}>
              {l.tuple}
            </option>
          ))}
        </select>
      </label>
      <label>
        MSS{" "}
        <select value={network.mss} onChange={(e) => actions.setNetwork({ mss: Number(e.target.value) })}>
          {MSS_CHOICES.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      </label>
      <label>
        <input type="checkbox" checked={network.relative} onChange={(e) => actions.setNetwork({ relative: e.target.checked })} /> relative seq
      </label>
    </div>
  );
}

export function TcpView() {
  const ladder = useTrace((s) => selectLadder(s));
  const cursor = useTrace((s) => s.cursor);
  const network = useTrace((s) => s.network);
  const presenter = useTrace((s) => s.presenter);
  const ref = useRef<HTMLDivElement | null>(null);
  const { width, height } = useSize(ref, { width: 420, height: 420 });
  const font = presenter ? 17 : 13;
  const layout = ladder ? layoutTcp(ladder, cursor, width, height, font) : null;
  const pathFor = useCallback(
    (s: TraceState) => {
      if (!layout || !s.flight) return null;
      const a = [...layout.arrows].reverse().find((x) => x.seg.sendAt === s.flight?.to || x.seg.landAt === s.flight?.to);
      if (!a) return null;
      return { points: [[a.x1, a.y1], [a.x2, a.y2]] as [number, number][], className: "layer-tcp", ...(a.seg.lost ? { lostAt: 0.5 } : {}) };
    },
    [layout],
  );
  const sceneRef = useFlightScene(pathFor);
  return (
    <Panel name="TCP" note={<span className="model-badge">modelled from real bytes</span>}>
      <TcpSettings />
      <p className="tcp-network">
        latency {network.latency} ms · loss {Math.round(network.loss * 100)}% · MSS {network.mss} · {network.relative ? "relative" : "absolute"} numbers
      </p>
      <div className="svg-box" ref={ref}>
        <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} className="view-svg" role="img" aria-label="TCP sequence diagram">
          {ladder && layout ? (
            <>
              <text x={4} y={font * 1.2} className="lane-title">{ladder.clientHost}</text>
              <text x={4} y={font * 2.4} className="lane-sub">{endpointText(ladder.client)}</text>
              <text x={width - 4} y={font * 1.2} textAnchor="end" className="lane-title">{ladder.serverHost}</text>
              <text x={width - 4} y={font * 2.4} textAnchor="end" className="lane-sub">{endpointText(ladder.server)}</text>
              <line x1={layout.leftX} y1={layout.top - 6} x2={layout.leftX} y2={layout.bottom} className="lane" />
              <line x1={layout.rightX} y1={layout.top - 6} x2={layout.rightX} y2={layout.bottom} className="lane" />
              {layout.arrows.map((a) => {
                const lost = a.seg.lost;
                const x2 = lost ? (a.x1 + a.x2) / 2 : a.x2;
                const y2 = lost ? (a.y1 + a.y2) / 2 : a.y2;
                const current = a.seg.sendAt === cursor || a.seg.landAt === cursor;
                const cls = `segment ${a.seg.len > 0 ? "seg-data" : a.seg.flags.includes("SYN") || a.seg.flags.includes("FIN") ? "seg-ctl" : "seg-ack"} ${lost ? "seg-lost" : ""} ${a.seg.retransmission ? "seg-rtx" : ""} ${current ? "current" : ""}`;
                return (
                  <g key={a.seg.key} className={cls}>
                    <line x1={a.x1} y1={a.y1} x2={x2} y2={y2} markerEnd={lost ? undefined : "url(#tcp-arrow)"} />
                    <text x={a.x1 + (a.x2 > a.x1 ? 8 : -8)} y={a.y1 - 3} textAnchor={a.x2 > a.x1 ? "start" : "end"} paintOrder="stroke" className="seg-label">
                      {a.label}
                    </text>
                  </g>
                );
              })}
              {layout.hidden > 0 ? <text x={width / 2} y={font * 3.6} textAnchor="middle" className="lane-sub">↑ {layout.hidden} earlier segments</text> : null}
              <defs>
                <marker id="tcp-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                  <path d="M0,0 L10,5 L0,10 z" className="arrow-head" />
                </marker>
              </defs>
            </>
          ) : (
            <text x={width / 2} y={height / 2} textAnchor="middle" className="empty-note">No TCP connection yet</text>
          )}
          <g ref={sceneRef} className="flight" />
        </svg>
      </div>
    </Panel>
  );
}
