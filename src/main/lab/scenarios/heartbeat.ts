// heartbeat: ping/pong, then a client that stops answering is closed for ping timeout.
import type { Socket as ClientSocket } from "socket.io-client";
import type { LabClient } from "../lab.js";
import { connected, once, type Scenario } from "./scenario.js";

export const heartbeat: Scenario = {
  id: "heartbeat",
  title: "Heartbeat",
  summary: "The server pings, the client pongs; a client that stops answering is closed for ping timeout.",
  keyView: "Timeline",
  lab: { pingInterval: 1000, pingTimeout: 600 },
  steps: [
    {
      title: "Connect",
      narration:
        "A WebSocket-only client connects. Its `open` packet says pingInterval 1000 and pingTimeout 600 (shortened from 25000 and 20000 so you can watch).",
      async run({ lab, state }) {
        const client = await lab.addClient({ transports: "websocket", reconnection: false });
        state.client = client;
        await connected(client.socket("/"));
      },
    },
    {
      title: "Ping, pong",
      narration:
        "Every pingInterval the server sends the Engine.IO packet `2` (ping) and the client answers `3` (pong). These are Engine.IO packets in WebSocket text frames, not WebSocket ping frames.",
      async run({ state }) {
        const client = state.client as LabClient;
        await once(client.manager, "ping", "a ping");
        await once(client.manager, "ping", "a second ping");
      },
    },
    {
      title: "A client that stops answering",
      narration:
        "The client freezes: its program stops reading from the connection. The server's next ping still reaches the client's machine (watch the wire) but the client's engine never takes it, so no pong comes back. Now two timers run out at the same moment: the server has waited pingTimeout (600 ms) for the pong, and the client has heard no ping for pingInterval + pingTimeout (1.6 s). Both disconnect with reason `ping timeout`, and each closes its side of the WebSocket with a close frame. Which of the two goes first is a race between two timers, decided by microseconds: the timeline shows who won in this run.",
      async run({ lab, state }) {
        const client = state.client as LabClient;
        const socket = client.socket("/") as ClientSocket;
        const serverSocket = [...(lab.server?.of("/").sockets.values() ?? [])][0];
        if (!serverSocket) throw new Error("the server has no socket for this client (was it stopped?)");
        const serverGone = once(serverSocket, "disconnect", "the server to give up");
        const clientGone = once(socket, "disconnect", "the client to notice");
        client.freeze();
        await serverGone;
        await clientGone;
      },
    },
  ],
};
