// TCP: a ladder diagram of the selected connection's modelled segments (handshake, data
// with seq/len, ACKs, loss, retransmits, FIN), each receiver's out-of-order buffer with its
// gap, and the network the model runs with (the trace's, or the teacher's changes).

import { useCallback, useRef, useState } from "react";
import { Panel } from "./panel";
import { useActions, useTrace } from "../store/store-context";
import { pickLink, selectLadder, selectModelling, visibleCount } from "../selectors/tcp-ladder";
import { endpointText } from "../selectors/addressing";
import { selectShownLinks } from "../selectors/shown-links";
import { selectNetwork, selectTraceNetwork } from "../selectors/network";
import { selectTraceModel } from "../selectors/tcp-model";
import { useSize } from "../hooks/use-size";
import { useBaseFont } from "../hooks/use-base-font";
import { layoutTcp, type TcpLayout } from "./tcp-layout";
import { useFlightScene } from "../scenes/use-flight-scene";
import type { TraceState } from "../store/initial-state";
import type { FlightPath } from "../scenes/flight-scene";

const MSS_CHOICES = [16, 32, 64, 128, 536, 1460];
const LOSS_CHOICES = [0, 0.05, 0.1, 0.2, 0.3, 0.5];

const pct = (x: number): string => `${Math.round(x * 100)}%`;

function NetworkControls() {
  const network = useTrace((s) => selectNetwork(s));
  const recorded = useTrace((s) => selectTraceNetwork(s));
  const changed = useTrace((s) => Object.keys(s.networkPatch).some((k) => k !== "relative"));
  const segments = useTrace((s) => selectLadder(s)?.segments.length ?? 0);
  const actions = useActions();
  const [drop, setDrop] = useState("");
  const mss = MSS_CHOICES.includes(network.mss) ? MSS_CHOICES : [...MSS_CHOICES, network.mss].sort((a, b) => a - b);
  const loss = LOSS_CHOICES.includes(network.loss) ? LOSS_CHOICES : [...LOSS_CHOICES, network.loss].sort((a, b) => a - b);
  const dropIndex = Number(drop);
  const canDrop = drop.trim() !== "" && Number.isInteger(dropIndex) && dropIndex >= 0 && !network.drop.includes(dropIndex);
  return (
    <details className="tcp-network">
      <summary>{changed || network.drop.length > 0 ? "Network (changed)" : "Network…"}</summary>
      <div className="tcp-settings">
        <label>
          Loss{" "}
          <select aria-label="Loss" value={network.loss} onChange={(e) => actions.setNetwork({ loss: Number(e.target.value) })}>
            {loss.map((x) => (
              <option key={x} value={x}>
                {pct(x)}
              </option>
            ))}
          </select>
        </label>
        <label>
          MSS{" "}
          <select aria-label="MSS" value={network.mss} onChange={(e) => actions.setNetwork({ mss: Number(e.target.value) })}>
            {mss.map((m) => (
              <option key={m} value={m}>
                {m} B
              </option>
            ))}
          </select>
        </label>
        <label>
          Seed{" "}
          <input
            aria-label="Seed"
            type="number"
            min={0}
            step={1}
            value={network.seed}
            onChange={(e) => {
              const v = Number(e.target.value);
              if (e.target.value !== "" && Number.isSafeInteger(v)) actions.setNetwork({ seed: v });
            }}
          />
        </label>
        <form
          className="drop-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (!canDrop) return;
            actions.setNetwork({ drop: [...network.drop, dropIndex].sort((a, b) => a - b) });
            setDrop("");
          }}
        >
          <label>
            Segment #{" "}
            <input aria-label="Segment number to drop" type="number" min={0} max={Math.max(0, segments - 1)} step={1} value={drop} onChange={(e) => setDrop(e.target.value)} />
          </label>
          <button type="submit" disabled={!canDrop}>
            Drop segment
          </button>
        </form>
        {network.drop.length > 0 || (network.dropData?.length ?? 0) > 0 ? (
          <button type="button" onClick={() => actions.setNetwork({ drop: [], dropData: [] })}>
            Stop dropping
          </button>
        ) : null}
        <button type="button" disabled={!changed} onClick={() => actions.resetNetwork()} title={`loss ${pct(recorded.loss)}, MSS ${recorded.mss} B, seed ${recorded.seed}`}>
          Use recorded settings
        </button>
      </div>
    </details>
  );
}

function TcpSettings() {
  const relative = useTrace((s) => selectNetwork(s).relative);
  // In a long session only the connections the Addressing view draws: open ones, the latest closed.
  const shown = useTrace((s) => selectShownLinks(s));
  const hidden = shown.hiddenOpen + shown.hiddenClosed;
  const selectedConn = useTrace((s) => s.selectedConn);
  // The connection the ladder shows, which Follow connection opens.
  const link = useTrace((s) => pickLink(s));
  const actions = useActions();
  return (
    <div className="tcp-settings">
      <label>
        Connection{" "}
        <select value={selectedConn ?? ""} onChange={(e) => actions.selectConn(e.target.value || null)}>
          <option value="">follow playhead</option>
          {shown.links.map((l) => (
            <option key={l.key} value={l.conns[0]}>
              {l.tuple}
            </option>
          ))}
          {hidden > 0 ? (
            <option value="not listed" disabled>
              {`+${hidden.toLocaleString("en")} ${shown.hiddenOpen === 0 ? "earlier (closed)" : "more"} not listed`}
            </option>
          ) : null}
        </select>
      </label>
      <label>
        <input type="checkbox" checked={relative} onChange={(e) => actions.setNetwork({ relative: e.target.checked })} /> relative seq
      </label>
      <NetworkControls />
      {link ? (
        <button type="button" className="tcp-follow" onClick={() => actions.followConn(link.conns[0] ?? null)}>
          Follow connection
        </button>
      ) : null}
    </div>
  );
}

/** The segments the current step revealed fly from their sender's lane (lost ones vanish half-way). */
function tcpPaths(s: TraceState, layout: TcpLayout | null, size?: number): FlightPath[] {
  if (!layout || !s.flight) return [];
  return layout.arrows
    .filter((a) => a.current)
    .map((a) => ({
      points: [[a.x1, a.y1], [a.x2, a.y2]] as [number, number][],
      className: "layer-tcp",
      label: a.seg.len > 0 ? `TCP ${a.seg.len} B` : a.seg.flags.join(" "),
      ...(size !== undefined ? { size } : {}),
      ...(a.seg.lost ? { lostAt: 0.5 } : {}),
    }));
}

export function TcpView() {
  const ladder = useTrace((s) => selectLadder(s));
  const current = useTrace((s) => {
    const l = selectLadder(s);
    if (!l || !s.flight || s.flight.to !== s.cursor) return { start: 0, end: 0 };
    return { start: s.flight.from < 0 ? 0 : visibleCount(l.segments, s.flight.from, s.flight.fromSub), end: l.visible };
  });
  // Only a shown connection runs the model (an empty view, as on opening a file, does not).
  const modelError = useTrace((s) => (pickLink(s) ? selectTraceModel(s).error : null));
  // A file's model runs in the trace worker: until it answers, the view says it is coming.
  const modelling = useTrace((s) => selectModelling(s));
  const presenter = useTrace((s) => s.presenter);
  const network = useTrace((s) => selectNetwork(s));
  const ref = useRef<HTMLDivElement | null>(null);
  const { width, height } = useSize(ref, { width: 420, height: 420 });
  const base = useBaseFont();
  const font = presenter ? base : base * 0.93;
  const layout = ladder ? layoutTcp(ladder, width, height, font, current, presenter ? base : base * 0.86) : null;
  const pathFor = useCallback((s: TraceState) => tcpPaths(s, layout, base), [layout, base]);
  const sceneRef = useFlightScene(pathFor);
  const shown = ladder ? ladder.segments.slice(0, ladder.visible) : [];
  const last = shown[shown.length - 1];
  // Send times fit beside the lanes up to 5 digits; later in a long session (100 s and beyond)
  // they count from the connection's first segment, and the line above says so.
  const since = last && last.sent >= 100_000 && ladder ? (ladder.segments[0]?.sent ?? 0) : null;
  const timeText = (t: number): string => (since === null ? t.toFixed(0) : `+${(t - since).toFixed(0)}`);
  return (
    <Panel name="TCP" note={<span className="model-badge">modelled from real bytes</span>}>
      <TcpSettings />

      {modelError ? <p className="notice-error tcp-error">The TCP model could not run: {modelError}</p> : null}
      <div className="svg-box" ref={ref}>
        <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} className="view-svg" role="img" aria-label={modelling ? "TCP sequence diagram (modelling)" : "TCP sequence diagram"}>
          {ladder && layout ? (
            <>
              <text x={4} y={font * 1.2} className="lane-title">{ladder.clientHost}</text>
              <text x={4} y={font * 2.4} className="lane-sub">{endpointText(ladder.client)}</text>
              <text x={width - 4} y={font * 1.2} textAnchor="end" className="lane-title">{ladder.serverHost}</text>
              <text x={width - 4} y={font * 2.4} textAnchor="end" className="lane-sub">{endpointText(ladder.server)}</text>
              <text x={width / 2} y={font * 3.6} textAnchor="middle" className="lane-sub net-line">
                {layout.hidden > 0 ? `↑${layout.hidden} · ` : ""}loss {pct(network.loss)} · MSS {network.mss}
                {network.drop.length > 0 ? ` · drop #${network.drop.join(",")}` : ""}
                {network.dropData && network.dropData.length > 0 ? " · scripted losses" : ""}
                {since !== null ? ` · times: ms after ${since.toFixed(0)}` : last ? ` · clock ${(last.arrived ?? last.sent).toFixed(0)} ms` : ""}
              </text>
              <line x1={layout.leftX} y1={layout.top - 6} x2={layout.leftX} y2={layout.bottom} className="lane" />
              <line x1={layout.rightX} y1={layout.top - 6} x2={layout.rightX} y2={layout.bottom} className="lane" />
              {layout.arrows.map((a) => {
                const lost = a.seg.lost;
                const x2 = lost ? (a.x1 + a.x2) / 2 : a.x2;
                const y2 = lost ? (a.y1 + a.y2) / 2 : a.y2;
                const kind = a.seg.len > 0 ? "seg-data" : a.seg.flags.includes("SYN") || a.seg.flags.includes("FIN") || a.seg.flags.includes("RST") ? "seg-ctl" : "seg-ack";
                const cls = `segment ${kind} ${lost ? "seg-lost" : ""} ${a.seg.retransmission ? "seg-rtx" : ""} ${a.seg.dupAck ? "seg-dup" : ""} ${a.current ? "current" : ""}`;
                const toRight = a.x2 > a.x1;
                return (
                  <g key={a.seg.key} className={cls} data-segment={a.seg.index}>
                    <line x1={a.x1} y1={a.y1} x2={x2} y2={y2} markerEnd={lost ? undefined : "url(#tcp-arrow)"} />
                    {lost ? (
                      <text x={x2} y={y2 + font * 0.35} textAnchor="middle" className="lost-x">
                        ✕
                      </text>
                    ) : null}
                    <text x={a.labelX} y={a.y1 - 3} textAnchor={a.anchor} paintOrder="stroke" className="seg-label">
                      {a.label}
                      {a.mark ? <tspan className="seg-mark"> {a.mark}</tspan> : null}
                    </text>
                    <text x={toRight ? a.x1 - 4 : a.x1 + 4} y={a.y1 + font * 0.35} textAnchor={toRight ? "end" : "start"} className="seg-time">
                      {timeText(a.seg.sent)}
                    </text>
                  </g>
                );
              })}
              {layout.strips.map((st) => (
                <g key={st.buf.side} className="rcv-buffer" aria-label={`${st.host} receive buffer`}>
                  <text x={st.x} y={st.y} className="buf-text">
                    {st.text}
                  </text>
                  <title>{`${st.host} receive buffer: ${st.text}`}</title>
                  {st.gapLabels.map((g) => (
                    <text key={g.text} x={g.x} y={st.barY + st.barH + font} textAnchor="middle" className="buf-gap-label">
                      {g.text}
                    </text>
                  ))}
                  <rect x={st.x} y={st.barY} width={st.width} height={st.barH} className="buf-bar" />
                  {st.pieces.map((p) => (
                    <rect key={`${p.kind}@${p.x}`} x={p.x} y={st.barY} width={p.width} height={st.barH} className={`buf-${p.kind}`} />
                  ))}
                </g>
              ))}
              <defs>
                <marker id="tcp-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth={font * 0.8} markerHeight={font * 0.8} markerUnits="userSpaceOnUse" orient="auto-start-reverse">
                  <path d="M0,0 L10,5 L0,10 z" className="arrow-head" />
                </marker>
                <pattern id="gap-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                  <rect width="6" height="6" className="hatch-bg" />
                  <line x1="0" y1="0" x2="0" y2="6" className="hatch-line" />
                </pattern>
              </defs>
            </>
          ) : (
            <text x={width / 2} y={height / 2} textAnchor="middle" className="empty-note">{modelling ? "Modelling TCP over the whole trace…" : "No TCP connection yet"}</text>
          )}
          <g ref={sceneRef} className="flight" />
        </svg>
      </div>
    </Panel>
  );
}
