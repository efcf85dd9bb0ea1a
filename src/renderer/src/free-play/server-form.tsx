// Stop and restart the lab's Socket.IO server: its clients see the connections close and
// retry with back-off until it listens again.

import type { LabApi } from "../../../shared/lab-api";
import { ResultLine } from "./fields";
import { useCommand } from "./use-command";

export function ServerForm(props: { api: LabApi }) {
  const command = useCommand();
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
