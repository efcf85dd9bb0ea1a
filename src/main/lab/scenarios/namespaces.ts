// namespaces: one client multiplexes three namespaces over one engine session and connection.
import type { Socket as ClientSocket } from "socket.io-client";
import type { LabClient } from "../lab.js";
import { connected, emitWithAck, upgraded, type Scenario } from "./scenario.js";

export const namespaces: Scenario = {
  id: "namespaces",
  title: "Namespaces",
  summary: "One client multiplexes /, /chat and /streaming-response over one Engine.IO session and one TCP connection.",
  steps: [
    {
      title: "Three namespaces, one connection",
      narration:
        "Client 1 opens /, /chat and /streaming-response (with query botId, sourceNode and channel). Each namespace sends its own CONNECT (40, 40/chat, 40/streaming-response,) but all travel in the same Engine.IO session: one sid, and after the upgrade one TCP connection. Each namespace socket gets its own socket id, different from the engine sid.",
      async run({ lab, state }) {
        const client = await lab.addClient({
          transports: "polling-upgrade",
          query: { botId: "bot-42", sourceNode: "lab", channel: "web" },
        });
        state.client = client;
        const sockets = ["/", "/chat", "/streaming-response"].map((n) => client.socket(n));
        await Promise.all(sockets.map(connected));
        await upgraded(sockets[0]!);
      },
    },
    {
      title: "A streamed answer",
      narration:
        'On /streaming-response the client emits "ask" with a callback. The server streams several "chunk" events (packets 42/streaming-response,["chunk",…]) and finally calls the ack. Packets of every namespace share the one WebSocket: the namespace is written inside each Socket.IO packet.',
      async run({ state }) {
        const socket = (state.client as LabClient).socket("/streaming-response") as ClientSocket;
        await emitWithAck(socket, "ask", "what is a socket?");
      },
    },
    {
      title: "A second client, for contrast",
      narration:
        "Client 2 connects only to /, WebSocket only. It has its own TCP connection and its own engine sid: multiplexing is per client, not shared between clients.",
      async run({ lab }) {
        const other = await lab.addClient({ transports: "websocket" });
        await connected(other.socket("/"));
      },
    },
  ],
};
