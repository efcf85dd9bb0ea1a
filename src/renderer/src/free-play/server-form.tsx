// Stop and restart the lab's Socket.IO server: its clients see the connections close and
// retry with back-off until it listens again.

import { useState } from "react";
import type { LabApi } from "../../../shared/lab-api";
import { useTrace } from "../store/store-context";
import { selectAddressing } from "../selectors/addressing";
import { ResultLine } from "./fields";
import { useCommand } from "./use-command";

/** The server nodes of a scaled-out lab (hosts `node-N`), as Addressing knows them. */
function useNodes(): string[] {
  const hosts = useTrace((s) => selectAddressing(s).hosts);
  return hosts.filter((h) => h.role === "server" && h.id.startsWith("node-")).map((h) => h.id);
}

function NodeStop(props: { api: LabApi; nodes: string[] }) {
  const command = useCommand();
  const [node, setNode] = useState(props.nodes[0] ?? "");
  const chosen = props.nodes.includes(node) ? node : (props.nodes[0] ?? "");
  return (
    <div className="fp-form">
      <div className="fp-row">
        <div className="fp-field">
          <label htmlFor="fp-node">Node</label>
          <select id="fp-node" value={chosen} onChange={(e) => setNode(e.target.value)}>
            {props.nodes.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </div>
        <button type="button" disabled={command.busy || !chosen} onClick={() => void command.run(() => props.api.command({ type: "node-stop", node: chosen }))}>
          Stop node
        </button>
      </div>
      <p className="fp-hint">A node that stops closes its connections; its clients come back through the balancer to another node, with a new session.</p>
      <ResultLine command={command} />
    </div>
  );
}

export function ServerForm(props: { api: LabApi }) {
  const command = useCommand();
  const nodes = useNodes();
  if (nodes.length > 1) return <NodeStop api={props.api} nodes={nodes} />;
  return (
    <div className="fp-form">
      <div className="fp-row">
        <button type="button" disabled={command.busy} onClick={() => void command.run(() => props.api.command({ type: "server-stop" }))}>
          Stop server
        </button>
        <button type="button" className="primary" disabled={command.busy} onClick={() => void command.run(() => props.api.command({ type: "server-start" }))}>
          Start server
        </button>
      </div>
      <p className="fp-hint">
        Stopping the server closes every TCP connection: clients report <code>transport close</code> and retry with back-off. Start it again and they reconnect with a new
        session id.
      </p>
      <ResultLine command={command} />
    </div>
  );
}
