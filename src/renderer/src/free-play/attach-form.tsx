// Attach: a lab client connects to a Socket.IO server the user runs elsewhere; its side of
// the traffic is traced like any other client's.

import { useState, type FormEvent } from "react";
import type { ClientTransports, LabApi } from "../../../shared/lab-api";
import { ResultLine, TextField, TransportSelect } from "./fields";
import { useCommand } from "./use-command";

export const DEFAULT_ATTACH_URL = "http://127.0.0.1:3000";

export function AttachForm(props: { api: LabApi }) {
  const [url, setUrl] = useState(DEFAULT_ATTACH_URL);
  const [transports, setTransports] = useState<ClientTransports>("polling-upgrade");
  const [urlError, setUrlError] = useState<string | null>(null);
  const command = useCommand();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (url.trim() === "") return setUrlError("A URL is required, e.g. http://127.0.0.1:3000");
    setUrlError(null);
    void command.run(() => props.api.attach(url.trim(), { transports }));
  };
  return (
    <form className="fp-form" aria-label="Attach to a server" onSubmit={submit} noValidate>
      <div className="fp-row">
        <TextField label="Socket.IO server URL" value={url} onChange={setUrl} error={urlError} className="fp-url" mono />
        <TransportSelect value={transports} onChange={setTransports} />
        <button type="submit" className="primary" disabled={command.busy}>
          Attach
        </button>
      </div>
      <p className="fp-hint">
        A new lab client connects to your own server at this URL (a path picks the namespace, e.g. <code>/chat</code>). Only its side of the traffic is traced.
      </p>
      <ResultLine command={command} />
    </form>
  );
}
