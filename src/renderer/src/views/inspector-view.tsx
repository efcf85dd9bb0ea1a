// Inspector: the focused event's fields, raw bytes in hex and text, real and model
// times, and links to the events it came from and led to.

import { Panel } from "./panel";
import { useActions, useTrace } from "../store/store-context";
import { selectInspected } from "../selectors/inspector";
import { describeEvent, LAYER_LABEL } from "../selectors/describe-event";
import { hex, printable } from "../selectors/bytes";
import type { TraceEvent } from "../../../shared/trace/types";

function EventLink(props: { e: TraceEvent }) {
  const actions = useActions();
  return (
    <li>
      <button type="button" className={`event-link layer-${props.e.layer}`} onClick={() => actions.select(props.e.id)}>
        #{props.e.id} {props.e.host} {LAYER_LABEL[props.e.layer]}: {describeEvent(props.e)}
      </button>
    </li>
  );
}

const BYTES_SHOWN = 256;

export function InspectorView() {
  const ins = useTrace((s) => selectInspected(s));
  const selection = useTrace((s) => s.selection);
  const actions = useActions();
  if (!ins) {
    return (
      <Panel name="Inspector">
        <p className="empty-note">Nothing selected. Step, or click an event in the timeline.</p>
      </Panel>
    );
  }
  const rows: Uint8Array[] = [];
  if (ins.bytes) for (let i = 0; i < Math.min(ins.bytes.length, BYTES_SHOWN); i += 16) rows.push(ins.bytes.subarray(i, i + 16));
  return (
    <Panel
      name="Inspector"
      note={selection !== null ? <button type="button" onClick={() => actions.select(null)}>Follow playhead</button> : "following playhead"}
    >
      <h3 className={`inspect-title layer-${ins.event.layer}`}>
        #{ins.event.id} {LAYER_LABEL[ins.event.layer]} {ins.event.kind}
      </h3>
      <dl className="fields">
        <dt>real time</dt>
        <dd>{ins.realTime}</dd>
        <dt>model time</dt>
        <dd>{ins.modelTime}</dd>
        {ins.fields.map(([k, v]) => (
          <div key={k} className="field">
            <dt>{k}</dt>
            <dd>{v.length > 300 ? `${v.slice(0, 300)}…` : v}</dd>
          </div>
        ))}
      </dl>
      {ins.carriedBy ? (
        <>
          <h4>
            Carried by {ins.carriedBy.length} modelled segment(s) <span className="muted">model clock</span>
          </h4>
          <table className="carried" aria-label="Segments that carried these bytes">
            <thead>
              <tr>
                <th>segment</th>
                <th>sent</th>
                <th>arrived</th>
              </tr>
            </thead>
            <tbody>
              {ins.carriedBy.map((c) => (
                <tr key={c.index}>
                  <td>
                    {c.text}
                    {c.notes.length > 0 ? ` ${c.notes.join(" ")}` : ""}
                  </td>
                  <td>{c.sent}</td>
                  <td className={c.arrived === "lost" ? "lost" : ""}>{c.arrived}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      {ins.bytes ? (
        <>
          <h4>
            Bytes ({ins.bytes.length}) <span className="muted">{ins.bytesNote}</span>
          </h4>
          <pre className="hexdump" role="group" aria-label="Raw bytes" tabIndex={0}>
            {rows.map((r, i) => `${(i * 16).toString(16).padStart(4, "0")}  ${hex(r).padEnd(47)}  ${printable(r)}`).join("\n")}
            {ins.bytes.length > BYTES_SHOWN ? `\n… ${ins.bytes.length - BYTES_SHOWN} more bytes` : ""}
          </pre>
        </>
      ) : null}
      <h4>Came from</h4>
      {ins.parents.length ? <ul className="links">{ins.parents.map((p) => <EventLink key={p.id} e={p} />)}</ul> : <p className="muted">no parent event</p>}
      <h4>Led to</h4>
      {ins.children.length ? <ul className="links">{ins.children.map((p) => <EventLink key={p.id} e={p} />)}</ul> : <p className="muted">nothing yet</p>}
    </Panel>
  );
}
