// upgrade: the Engine.IO handshake over long-polling, then the probe and upgrade to WebSocket.
import type { Socket as ClientSocket } from "socket.io-client";
import { connected, emitWithAck, upgraded, type Scenario } from "./scenario.js";

export const upgrade: Scenario = {
  id: "upgrade",
  title: "Polling, then WebSocket",
  summary: "Engine.IO opens over HTTP long-polling, probes a WebSocket, upgrades, and drops polling.",
  steps: [
    {
      title: "Handshake over long-polling",
      narration:
        "The client's first request is GET /socket.io/?EIO=4&transport=polling. The answer is the Engine.IO `open` packet: a session id (sid), the upgrades on offer, pingInterval, pingTimeout and maxPayload. Then POST requests carry what the client sends and a pending GET waits for what the server sends.",
      async run({ lab, state }) {
        const client = await lab.addClient({ transports: "polling-upgrade" });
        const socket = client.socket("/");
        state.socket = socket;
        await connected(socket);
      },
    },
    {
      title: "Probe and upgrade",
      narration:
        "While polling goes on, the client opens a WebSocket with the same sid and sends the probe `2probe`. The server answers `3probe`, ends the pending GET with a `noop`, and the client sends `5` (upgrade). From now on polling stops: its TCP connections fall idle, and every packet travels over the WebSocket.",
      async run({ state }) {
        await upgraded(state.socket as ClientSocket);
      },
    },
    {
      title: "Messages in WebSocket frames",
      narration:
        "Now each Engine.IO packet travels in its own WebSocket frame: the client's frames are masked, the server's are not. No more HTTP headers per message.",
      async run({ state }) {
        await emitWithAck(state.socket as ClientSocket, "hello", "over websocket");
      },
    },
  ],
};
