// Layers: the focused message as an encapsulation stack on both hosts. Rows appear as the
// playhead reaches them; the packet moves down the sender and up the receiver.

import { useCallback, useRef, useState, type KeyboardEvent } from "react";
import { Panel } from "./panel";
import { useActions, useTrace } from "../store/store-context";
import { selectLayerStacks, type LayerStacks, type StackSide } from "../selectors/layers";
import { useSize } from "../hooks/use-size";
import { useBaseFont } from "../hooks/use-base-font";
import { charsPerRow, layersPath, layoutLayers, rowLineY, rowLines, type LayersLayout } from "./layers-layout";
import { STACK_LEVELS } from "../selectors/layers";
import { ENGINE_PACKET_TYPES, SOCKETIO_PACKET_TYPES } from "../../../shared/trace/types";
import { useFlightScene } from "../scenes/use-flight-scene";
import { packetLabel } from "../selectors/envelope";
import type { TraceState } from "../store/initial-state";

const LEVEL_CLASS: Record<string, string> = { API: "layer-api", "Socket.IO": "layer-socketio", "Engine.IO": "layer-engine", Wire: "layer-wire", TCP: "layer-tcp", IP: "layer-ip" };

function Stack(props: { side: StackSide | null; index: 0 | 1; l: LayersLayout; onOpen: (id: number) => void }) {
  const { side, index, l, onOpen } = props;
  const x = l.colX[index];
  const arrow = index === 0 ? "↓" : "↑";
  return (
    <g className={`stack stack-${index === 0 ? "sender" : "receiver"}`}>
      <text x={x + l.colW / 2} y={l.font * 1.3} textAnchor="middle" className="stack-title">
        {side ? `${side.host} ${index === 0 ? "sends" : "receives"} ${arrow}` : index === 0 ? "sender" : "receiver"}
      </text>
      {(side?.rows ?? []).map((r, i) => {
        // Every string whole: a row wraps its detail and its text onto as many lines as they take.
        const lines = r.reached ? rowLines(r.level, r.detail, r.text, l.maxChars) : { head: "", details: [], text: ["·"] };
        const id = r.reached ? r.ids[0] : undefined;
        return (
          // biome-ignore lint/a11y/noStaticElementInteractions: a pointer shortcut; the row's "Open" handle below is the keyboard way
          <g
            key={r.level}
            className={`stack-row ${LEVEL_CLASS[r.level]} ${r.reached ? "reached" : "pending"} ${r.current ? "current" : ""} ${id !== undefined ? "clickable" : ""}`}
            onClick={id === undefined ? undefined : () => onOpen(id)}
          >
            <rect x={x} y={l.rowY(i)} width={l.colW} height={l.rowHeight(i) - 6} rx={6} />
            {id !== undefined ? (
              // The whole row opens the envelope on a click; this is its keyboard handle (Tab, Enter).
              <g
                role="button"
                tabIndex={0}
                className="row-open"
                aria-label={`Open the envelope at ${r.level} on ${side?.host ?? ""}`}
                onKeyDown={(e: KeyboardEvent<SVGGElement>) => {
                  if (e.key !== "Enter" && e.key !== " ") return;
                  e.preventDefault();
                  e.stopPropagation();
                  onOpen(id);
                }}
              >
                <text x={x + l.colW - 8} y={l.rowY(i) + l.font * 1.2} textAnchor="end">
                  Open
                </text>
              </g>
            ) : null}
            <text x={x + 8} y={l.rowY(i) + l.font * 1.2} className="row-level">
              {r.level}
              <tspan className="row-detail" dx={8}>
                {lines.head}
              </tspan>
            </text>
            {lines.details.map((line, k) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the lines of one wrapped string: their order is what tells them apart
              <text key={`d${k}`} x={x + 8} y={rowLineY(l, i, k)} className="row-detail">
                {line}
              </text>
            ))}
            {lines.text.map((line, k) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the lines of one wrapped string: their order is what tells them apart
              <text key={`t${k}`} x={x + 8} y={rowLineY(l, i, lines.details.length + k)} className="row-text">
                {line}
              </text>
            ))}
          </g>
        );
      })}
    </g>
  );
}

/** The two digit tables a packet string starts with: `4` + `2` in `42["hello"]` is message + EVENT. */
function DigitLegend() {
  return (
    <details className="digit-legend">
      <summary>What the first digits mean</summary>
      <dl>
        <dt>Engine.IO</dt>
        <dd>{ENGINE_PACKET_TYPES.map((t, i) => `${i} ${t}`).join(" · ")}</dd>
        <dt>Socket.IO</dt>
        <dd>{SOCKETIO_PACKET_TYPES.map((t, i) => `${i} ${t}`).join(" · ")}</dd>
      </dl>
    </details>
  );
}

/** A broadcast's recipients, one button each (the right-hand stack shows the one picked), and whom it left out. */
function ReceiverPick(props: { stacks: LayerStacks; picked: number; onPick: (i: number) => void }) {
  const { stacks, picked, onPick } = props;
  if (stacks.receivers.length < 2 && stacks.leftOut.length === 0) return null;
  return (
    <div className="receiver-pick" role="group" aria-label="Recipients">
      <span>{stacks.receivers.length} recipient{stacks.receivers.length === 1 ? "" : "s"}:</span>
      {stacks.receivers.map((r, i) => (
        <button key={r.host} type="button" aria-pressed={i === picked} onClick={() => onPick(i)}>
          {r.host} ✓
        </button>
      ))}
      {stacks.leftOut.map((o) => (
        <span key={o.socketId} className="left-out">
          {o.host} ✗ {o.reason}
        </span>
      ))}
    </div>
  );
}

export function LayersView() {
  const all = useTrace((s) => selectLayerStacks(s));
  const actions = useActions();
  const [pickedHost, setPickedHost] = useState<string | null>(null);
  // Unless one is picked, the recipient the playhead is on (or the first).
  const onPlayhead = all?.receivers.findIndex((r) => r.rows.some((row) => row.current)) ?? -1;
  const pickedIndex = Math.max(0, pickedHost !== null ? (all?.receivers.findIndex((r) => r.host === pickedHost) ?? 0) : onPlayhead);
  const stacks = all && all.receivers.length > 1 ? { ...all, receiver: all.receivers[pickedIndex] ?? all.receiver } : all;
  const presenter = useTrace((s) => s.presenter);
  const ref = useRef<HTMLDivElement | null>(null);
  const { width, height } = useSize(ref, { width: 560, height: 420 });
  const base = useBaseFont();
  const font = presenter ? base : base * 0.95;
  // Rows are as tall as the longer side's text needs at this width.
  const maxChars = charsPerRow(width, font);
  const need = STACK_LEVELS.map((_, i) =>
    Math.max(
      1,
      ...[stacks?.sender, stacks?.receiver].map((side) => {
        const r = side?.rows[i];
        if (!r?.reached) return 1;
        const lines = rowLines(r.level, r.detail, r.text, maxChars);
        return 1 + lines.details.length + lines.text.length;
      }),
    ),
  );
  const l = layoutLayers(width, height, font, need);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `l` is a new object every render; the callback changes only when its geometry does
  const pathFor = useCallback(
    (s: TraceState) => {
      const id = s.flight ? s.trace.events[s.flight.to]?.id : undefined;
      const current = selectLayerStacks(s);
      const on = current?.receivers.find((r) => (pickedHost !== null ? r.host === pickedHost : r.rows.some((row) => row.current)));
      const shown = current && on ? { ...current, receiver: on } : current;
      const points = layersPath(shown, l, id);
      const e = s.flight ? s.trace.events[s.flight.to] : undefined;
      return points && e ? { points, className: `layer-${e.layer}`, label: packetLabel(e), eventId: e.id, size: l.font } : null;
    },
    [l.colW, l.contentHeight, l.font, pickedHost, ...need],
  );
  const sceneRef = useFlightScene(pathFor);
  return (
    <Panel name="Layers" note="one message, encapsulated · click a row to open the envelope">
      {all ? <ReceiverPick stacks={all} picked={pickedIndex} onPick={(i) => setPickedHost(all.receivers[i]?.host ?? null)} /> : null}
      <div className="svg-box" ref={ref} tabIndex={0} role="group" aria-label="Encapsulation stacks (scroll when taller than the panel)">
        <svg width={width} height={l.contentHeight} viewBox={`0 0 ${width} ${l.contentHeight}`} className="view-svg" role="group" aria-label="Encapsulation stacks">
          {stacks ? (
            <>
              <Stack side={stacks.sender} index={0} l={l} onOpen={(id) => actions.openEnvelope(id)} />
              <Stack side={stacks.receiver} index={1} l={l} onOpen={(id) => actions.openEnvelope(id)} />
            </>
          ) : (
            <text x={width / 2} y={height / 2} textAnchor="middle" className="empty-note">
              Step to a message to see its layers
            </text>
          )}
          <g ref={sceneRef} className="flight" />
        </svg>
      </div>
      <DigitLegend />
    </Panel>
  );
}
