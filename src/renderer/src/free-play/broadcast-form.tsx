// A broadcast from the server: to a namespace or one room of it, optionally leaving out
// one client's socket.

import { useState, type FormEvent } from "react";
import type { FreePlayCommand, LabApi } from "../../../shared/lab-api";
import type { FreePlayModel } from "./free-play-clients";
import { argList } from "./json-args";
import { EventArgsFields, useEventArgs } from "./event-args";
import { ClientSelect, CodePreview, NamespaceSelect, ResultLine, TextField } from "./fields";
import { useCommand } from "./use-command";

const NOBODY = "";

export function BroadcastForm(props: { api: LabApi; model: FreePlayModel }) {
  const { clients } = props.model;
  const [nsp, setNsp] = useState("/");
  const [room, setRoom] = useState("lobby");
  const [exceptChoice, setExcept] = useState(NOBODY);
  const ea = useEventArgs("news", '[{"text": "hi, room"}]');
  const { event, args, parsed } = ea;
  const command = useCommand();
  const except = clients.some((c) => c.id === exceptChoice) ? exceptChoice : NOBODY;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!ea.ready()) return;
    const cmd: FreePlayCommand = { type: "broadcast", nsp, event, args, ...(room.trim() ? { room } : {}), ...(except ? { exceptClient: except } : {}) };
    void command.run(() => props.api.command(cmd));
  };

  const exceptId = except ? (clients.find((c) => c.id === except)?.sockets[nsp] ?? except) : null;
  const code = parsed.ok && event
    ? `io.of(${JSON.stringify(nsp)})${room.trim() ? `.to(${JSON.stringify(room)})` : ""}${exceptId ? `.except(${JSON.stringify(exceptId)})` : ""}.emit(${argList([event, ...parsed.args])})`
    : null;

  return (
    <form className="fp-form" aria-label="Broadcast" onSubmit={submit} noValidate>
      <div className="fp-row">
        <NamespaceSelect value={nsp} onChange={setNsp} />
        <TextField label="Room (empty: everyone)" value={room} onChange={setRoom} mono />
        <ClientSelect label="Except" value={except} clients={clients} extra={[{ value: NOBODY, label: "nobody" }]} onChange={setExcept} />
      </div>
      <div className="fp-row">
        <EventArgsFields state={ea} />
        <button type="submit" className="primary" disabled={command.busy}>
          Broadcast
        </button>
      </div>
      <CodePreview where="the server" code={code} />
      <ResultLine command={command} />
    </form>
  );
}
