// The lab's clients as the trace shows them (address, state, socket ids, rooms), each
// removable, and the form that adds one with its transports and source address.

import { useEffect, useRef, useState, type FormEvent } from "react";
import type { ClientTransports, LabApi } from "../../../shared/lab-api";
import type { PlayClient } from "./free-play-clients";
import { ResultLine, TextField, TransportSelect } from "./fields";
import { useCommand } from "./use-command";
import { isLoopbackIPv4 } from "../../../shared/loopback";

export const MAX_CLIENTS = 20;

function ClientRow(props: { client: PlayClient; onRemove(): void; onCut(): void; busy: boolean }) {
  const c = props.client;
  const sockets = Object.entries(c.sockets);
  return (
    <li className="fp-client">
      <span className="fp-client-id">{c.id}</span>
      <span className="fp-mono">{c.ip}</span>
      <span className={`fp-state fp-state-${c.state}`}>{c.state}</span>
      <span className="fp-client-detail">
        {sockets.map(([nsp, id]) => (
          <span key={nsp} className="fp-mono fp-socket" title={`socket id on ${nsp}: ${id}`}>
            {nsp} {id}
          </span>
        ))}
        {c.rooms.length ? <span className="fp-rooms">rooms: {c.rooms.join(", ")}</span> : null}
      </span>
      <button type="button" className="fp-remove" aria-label={`Cut ${c.id}'s connection`} title="The network fails under this client: its TCP connections are cut, and it reconnects by itself" disabled={props.busy || c.state !== "connected"} onClick={props.onCut}>
        Cut
      </button>
      <button type="button" className="fp-remove" aria-label={`Remove ${c.id}`} disabled={props.busy} onClick={props.onRemove}>
        Remove
      </button>
    </li>
  );
}

export function ClientsBox(props: { api: LabApi; clients: PlayClient[]; labRunning: boolean }) {
  const { api, clients } = props;
  const [transports, setTransports] = useState<ClientTransports>("polling-upgrade");
  const [ip, setIp] = useState("");
  const [ipError, setIpError] = useState<string | null>(null);
  const [token, setToken] = useState("");
  const [retries, setRetries] = useState(0);
  const [compression, setCompression] = useState(true);
  const command = useCommand();
  const full = clients.length >= MAX_CLIENTS;
  // A client just added is the last row: bring it into view.
  const list = useRef<HTMLUListElement | null>(null);
  const count = useRef(clients.length);
  useEffect(() => {
    if (clients.length > count.current && list.current) list.current.scrollTop = list.current.scrollHeight;
    count.current = clients.length;
  }, [clients.length]);

  const add = (e: FormEvent) => {
    e.preventDefault();
    const addr = ip.trim();
    if (addr && !isLoopbackIPv4(addr)) return setIpError("A source IP must be a loopback address, 127.x.y.z (or leave it empty).");
    setIpError(null);
    void command.run(() =>
      api.command({
        type: "add-client",
        transports,
        ...(addr ? { ip: addr } : {}),
        ...(token ? { token, namespaces: ["/", "/admin"] } : {}),
        ...(retries > 0 ? { retries, ackTimeout: 300 } : {}),
        ...(compression ? {} : { compression: false }),
      }),
    );
  };

  return (
    <div className="fp-clients">
      <h3 className="fp-subhead">
        Clients <span className="fp-count">{clients.length} of {MAX_CLIENTS}</span>
      </h3>
      {clients.length === 0 ? (
        <p className="fp-hint">
          {props.labRunning ? "No clients connected." : "No lab is running: the first command starts a free-play lab with three clients."}
        </p>
      ) : (
        <ul className="fp-client-list" aria-label="Clients" ref={list}>
          {clients.map((c) => (
            <ClientRow
              key={c.id}
              client={c}
              busy={command.busy}
              onCut={() => void command.run(() => api.command({ type: "cut", client: c.id }))}
              onRemove={() => void command.run(() => api.command({ type: "remove-client", client: c.id }))}
            />
          ))}
        </ul>
      )}
      <form className="fp-form fp-add" aria-label="Add a client" onSubmit={add} noValidate>
        <div className="fp-row">
          <TransportSelect value={transports} onChange={setTransports} short />
          <TextField label="Source IP (optional)" value={ip} onChange={setIp} error={ipError} placeholder="127.0.0.N" className="fp-ip" mono />
          <TextField label="Token for /admin (optional)" value={token} onChange={setToken} error={null} placeholder="letmein" className="fp-ip" mono />
          <div className="fp-field">
            <label htmlFor="fp-retries">Retries</label>
            <select id="fp-retries" value={retries} onChange={(e) => setRetries(Number(e.target.value))} title="Each emit with an ack is sent again after 300 ms without one (at-least-once: the handler may run twice)">
              {[0, 1, 2, 3].map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </div>
          <div className="fp-field fp-check">
            <label title="Offer permessage-deflate: WebSocket frames are deflated (RSV1)">
              <input type="checkbox" checked={compression} onChange={(e) => setCompression(e.target.checked)} /> compression
            </label>
          </div>
          <button type="submit" className="primary" disabled={command.busy || full}>
            Add client
          </button>
        </div>
        {full ? <p className="fp-hint">The lab holds at most {MAX_CLIENTS} clients: remove one first.</p> : null}
        <ResultLine command={command} />
      </form>
    </div>
  );
}
