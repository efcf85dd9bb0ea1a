// upgrade: the Engine.IO handshake over long-polling, then the probe and upgrade to WebSocket.
import type { Socket as ClientSocket } from "socket.io-client";
import { connected, emitWithAck, upgraded, type Scenario } from "./scenario.js";

export const upgrade: Scenario = {
  id: "upgrade",
  title: "Polling, then WebSocket",
  summary: "Engine.IO opens over HTTP long-polling, probes a WebSocket, upgrades, and drops polling.",
  keyView: "Layers",
  steps: [
    {
      title: "Handshake over long-polling",
      narration:
        "The client's first request is GET /socket.io/?EIO=4&transport=polling. The answer is the Engine.IO `open` packet: a session id (sid), the upgrades on offer, pingInterval, pingTimeout and maxPayload. Then POST requests carry what the client sends (its Socket.IO CONNECT, 40) and a GET brings back what the server sends (the CONNECT reply); the client's next GET stays pending, waiting for the server's next packet. Seeing `websocket` among the upgrades, the client at once asks for a WebSocket on a new TCP connection (GET with `Upgrade: websocket` and its sid). This lab's server holds its answer until the next step, so you can watch polling on its own first.",
      async run({ lab, state }) {
        lab.holdUpgrades();
        const client = await lab.addClient({ transports: "polling-upgrade" });
        const socket = client.socket("/");
        state.socket = socket;
        await connected(socket);
      },
    },
    {
      title: "Probe and upgrade",
      narration:
        "The server now answers the upgrade request with 101 Switching Protocols. Over the new WebSocket the client sends the probe `2probe` and the server answers `3probe`. Before switching, the client lets its pending GET finish: the server ends it with a `noop` (6). Then the client sends `5` (upgrade). From now on polling stops: its TCP connections fall idle, and every packet travels over the WebSocket.",
      async run({ lab, state }) {
        lab.releaseUpgrades();
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
