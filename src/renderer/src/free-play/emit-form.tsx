// Emit any event from a client's socket or from the server (to one socket or the whole
// namespace), with JSON arguments and an optional ack; shows what the lab answered.

import { useState, type FormEvent } from "react";
import type { FreePlayCommand, LabApi } from "../../../shared/lab-api";
import type { FreePlayModel } from "./free-play-clients";
import { argList } from "./json-args";
import { EventArgsFields, useEventArgs } from "./event-args";
import { ClientSelect, CodePreview, Field, NamespaceSelect, ResultLine } from "./fields";
import { useCommand } from "./use-command";

const EVERYONE = "";

function emitCode(from: string, nsp: string, to: string, event: string, args: unknown[] | null, ack: boolean, opts: { timeoutMs?: number; volatile?: boolean; compress?: boolean } = {}): string | null {
  if (!event || !args) return null;
  const call = argList([event, ...args]);
  if (from === "server" && to === EVERYONE) return `io.of(${JSON.stringify(nsp)}).emit(${call})`;
  const base = from === "server" ? `io.of(${JSON.stringify(nsp)}).sockets.get(${JSON.stringify(to)})` : "socket";
  const socket = `${base}${opts.compress === false ? ".compress(false)" : ""}${opts.volatile ? ".volatile" : ""}`;
  return ack ? `await ${socket}.timeout(${opts.timeoutMs ?? 5000}).emitWithAck(${call})` : `${socket}.emit(${call})`;
}

export function EmitForm(props: { api: LabApi; model: FreePlayModel }) {
  const { clients, serverSockets } = props.model;
  const [fromChoice, setFrom] = useState<string | null>(null);
  const [nsp, setNsp] = useState("/");
  const [toChoice, setTo] = useState(EVERYONE);
  const ea = useEventArgs("hello", '["world"]');
  const { event, args, parsed } = ea;
  const [ack, setAck] = useState(true);
  const [timeoutMs, setTimeoutMs] = useState(5000);
  const [volatile, setVolatile] = useState(false);
  const [compress, setCompress] = useState(true);
  const command = useCommand();

  // A chosen client that has gone falls back to the first one (or the server).
  const from = fromChoice === "server" || clients.some((c) => c.id === fromChoice) ? (fromChoice as string) : (clients[0]?.id ?? "server");
  const targets = serverSockets.filter((s) => s.nsp === nsp);
  const to = from === "server" && targets.some((s) => s.socketId === toChoice) ? toChoice : EVERYONE;
  const toAll = from === "server" && to === EVERYONE;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!ea.ready()) return;
    const cmd: FreePlayCommand = {
      type: "emit",
      from,
      nsp,
      event,
      args,
      ...(from === "server" && to !== EVERYONE ? { to } : {}),
      ...(ack && !toAll && !volatile ? { ack: true, ...(timeoutMs !== 5000 ? { timeoutMs } : {}) } : {}),
      ...(volatile && from !== "server" ? { volatile: true } : {}),
      ...(!compress && from !== "server" ? { compress: false } : {}),
    };
    const target = from === "server" ? (to === EVERYONE ? ` to every socket in ${nsp}` : ` to ${to}`) : "";
    void command.run(() => props.api.command(cmd), `${JSON.stringify(event)} from ${from}${target}`);
  };

  return (
    <form className="fp-form" onSubmit={submit} aria-label="Emit an event" noValidate>
      <div className="fp-row">
        <ClientSelect label="From" value={from} clients={clients} extra={[{ value: "server", label: "server" }]} onChange={setFrom} />
        <NamespaceSelect value={nsp} onChange={setNsp} />
        {from === "server" ? (
          <Field label="To">
            {(id) => (
              <select id={id} value={to} onChange={(e) => setTo(e.target.value)}>
                <option value={EVERYONE}>every socket in {nsp}</option>
                {targets.map((s) => (
                  <option key={s.socketId} value={s.socketId}>
                    {s.client ?? "peer"} · socket {s.socketId}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
      </div>
      <div className="fp-row">
        <EventArgsFields state={ea} />
        <div className="fp-field fp-check">
          <label>
            <input type="checkbox" checked={ack && !toAll} disabled={toAll} onChange={(e) => setAck(e.target.checked)} /> ack
          </label>
        </div>
        {ack && !toAll && !volatile ? (
          <div className="fp-field">
            <label htmlFor="fp-timeout" title="socket.timeout(ms): how long the sender waits for the ack">Timeout</label>
            <select id="fp-timeout" value={timeoutMs} onChange={(e) => setTimeoutMs(Number(e.target.value))}>
              {[200, 1000, 5000, 20000].map((ms) => (
                <option key={ms} value={ms}>
                  {ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        {from !== "server" ? (
          <>
            <div className="fp-field fp-check">
              <label title="socket.volatile.emit: dropped, never written, if the transport is not writable">
                <input type="checkbox" checked={volatile} onChange={(e) => setVolatile(e.target.checked)} /> volatile
              </label>
            </div>
            <div className="fp-field fp-check">
              <label title="socket.compress(false): this frame is not deflated">
                <input type="checkbox" checked={!compress} onChange={(e) => setCompress(!e.target.checked)} /> no compression
              </label>
            </div>
          </>
        ) : null}
        <button type="submit" className="primary" disabled={command.busy}>
          Emit
        </button>
      </div>
      {toAll ? <p className="fp-hint">An emit to a whole namespace waits for no ack.</p> : null}
      <CodePreview where={from === "server" ? "the server" : from} code={emitCode(from, nsp, to, event, parsed.ok ? parsed.args : null, ack && !toAll && !volatile, from === "server" ? { timeoutMs } : { timeoutMs, volatile, compress })} />
      <ResultLine command={command} />
    </form>
  );
}
