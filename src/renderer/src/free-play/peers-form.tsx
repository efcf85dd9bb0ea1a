// Open the lab's server to clients it did not start: loopback (this machine) by default;
// listening on another interface is a separate, clearly marked choice.

import { useId, useState, type FormEvent } from "react";
import type { LabApi, LabStatus } from "../../../shared/lab-api";
import { ResultLine, TextField } from "./fields";
import { useCommand } from "./use-command";

export const LOOPBACK = "127.0.0.1";

export function PeersForm(props: { api: LabApi; status: LabStatus }) {
  const [scope, setScope] = useState<"loopback" | "network">("loopback");
  const [address, setAddress] = useState("0.0.0.0");
  const [addressError, setAddressError] = useState<string | null>(null);
  const command = useCommand();
  const name = useId();
  const warnId = useId();
  const open = props.status.openToPeers;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (scope === "network" && address.trim() === "") return setAddressError("An address is required: 0.0.0.0 (every interface) or one of this machine's.");
    setAddressError(null);
    const host = scope === "loopback" ? LOOPBACK : address.trim();
    void command.run(() => props.api.openToPeers({ host }));
  };

  return (
    <form className="fp-form" aria-label="Open to peers" onSubmit={submit} noValidate>
      <fieldset className="fp-choice">
        <legend>Who can connect to the lab's server</legend>
        <label>
          <input type="radio" name={name} value="loopback" checked={scope === "loopback"} onChange={() => setScope("loopback")} /> Programs on this machine only
          (loopback, <code>{LOOPBACK}</code>)
        </label>
        <label className="fp-danger-choice">
          <input type="radio" name={name} value="network" checked={scope === "network"} onChange={() => setScope("network")} aria-describedby={warnId} /> Other machines too
          (listen on another interface)
        </label>
      </fieldset>
      {scope === "network" ? (
        <>
          <p id={warnId} className="fp-warning">
            <strong>Warning:</strong> anyone who can reach this address can join the lab, see its traffic and send events to it. Use it on a network you trust.
          </p>
          <div className="fp-row">
            <TextField label="Address to listen on" value={address} onChange={setAddress} error={addressError} mono />
          </div>
        </>
      ) : null}
      <div className="fp-row">
        <button type="submit" className="primary" disabled={command.busy}>
          {scope === "loopback" ? "Open on this machine" : "Open to other machines"}
        </button>
      </div>
      {open ? (
        <p className="fp-peers-url">
          Open to other machines: connect to <code>{open.url}</code>
        </p>
      ) : null}
      <ResultLine command={command} />
    </form>
  );
}
