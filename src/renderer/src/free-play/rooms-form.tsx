// A client's socket in one namespace: join or leave a room (done on the server side, as
// socket.join does), or disconnect it.

import { useState } from "react";
import type { LabApi } from "../../../shared/lab-api";
import type { FreePlayModel } from "./free-play-clients";
import { ClientSelect, NamespaceSelect, ResultLine, TextField } from "./fields";
import { useCommand } from "./use-command";

export function RoomsForm(props: { api: LabApi; model: FreePlayModel }) {
  const { clients } = props.model;
  const [clientChoice, setClient] = useState("");
  const [nsp, setNsp] = useState("/");
  const [room, setRoom] = useState("lobby");
  const [roomError, setRoomError] = useState<string | null>(null);
  const command = useCommand();
  const client = clients.some((c) => c.id === clientChoice) ? clientChoice : (clients[0]?.id ?? "");

  const send = (type: "join" | "leave" | "disconnect") => {
    if (type !== "disconnect" && room.trim() === "") {
      setRoomError("A room name is required.");
      return;
    }
    setRoomError(null);
    if (type === "disconnect") void command.run(() => props.api.command({ type, client, nsp }));
    else void command.run(() => props.api.command({ type, client, nsp, room }));
  };

  return (
    <form className="fp-form" aria-label="Rooms and sockets" onSubmit={(e) => {
        e.preventDefault();
        send("join");
      }} noValidate>
      <div className="fp-row">
        <ClientSelect label="Client" value={client} clients={clients} onChange={setClient} />
        <NamespaceSelect value={nsp} onChange={setNsp} />
        <TextField label="Room" value={room} onChange={(v) => {
            setRoom(v);
            setRoomError(null);
          }} error={roomError} mono />
      </div>
      <div className="fp-row">
        <button type="submit" className="primary" disabled={command.busy || !client}>
          Join room
        </button>
        <button type="button" disabled={command.busy || !client} onClick={() => send("leave")}>
          Leave room
        </button>
        <button type="button" disabled={command.busy || !client} onClick={() => send("disconnect")}>
          Disconnect socket
        </button>
      </div>
      <p className="fp-hint">
        Join and leave run on the server (<code>socket.join({JSON.stringify(room)})</code>): rooms exist only there, nothing is sent. Disconnect runs on the client
        (<code>socket.disconnect()</code>) and sends a DISCONNECT packet.
      </p>
      <ResultLine command={command} />
    </form>
  );
}
