// namespaces: one client multiplexes three namespaces over one engine session and connection.
import type { Socket as ClientSocket } from "socket.io-client";
import type { LabClient } from "../lab.js";
import { connected, emitWithAck, settles, upgraded, type Scenario } from "./scenario.js";

export const namespaces: Scenario = {
  id: "namespaces",
  title: "Namespaces",
  summary: "One client multiplexes /, /chat and /streaming-response over one Engine.IO session and one TCP connection.",
  keyView: "Namespaces",
  steps: [
    {
      title: "One client connects to /",
      narration:
        "Client 1 connects to the main namespace / with query botId, sourceNode and channel (a query belongs to the whole connection, not to one namespace). Engine.IO opens a session (one sid) over long-polling and upgrades it to a WebSocket: one TCP connection from now on.",
      async run({ lab, state }) {
        const client = await lab.addClient({
          transports: "polling-upgrade",
          query: { botId: "bot-42", sourceNode: "lab", channel: "web" },
        });
        state.client = client;
        const root = client.socket("/");
        await connected(root);
        await upgraded(root);
      },
    },
    {
      title: "Two more namespaces, the same connection",
      narration:
        "The same client opens /chat and /streaming-response. No new TCP connection and no new handshake: each namespace just sends its own Socket.IO CONNECT (40/chat, and 40/streaming-response,) over the existing WebSocket. Each namespace socket gets its own socket id, different from the engine sid.",
      async run({ state }) {
        const client = state.client as LabClient;
        await Promise.all(["/chat", "/streaming-response"].map((n) => connected(client.socket(n))));
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
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the narration quotes the learners' template literal
        "Client 2 runs the usual bot code: io(`${url}/streaming-response`, { query: { botId, sourceNode, channel }, transports: [\"websocket\"] }). WebSocket only, so no polling and no upgrade. It has its own TCP connection and its own engine sid: multiplexing is per client, not shared between clients. Its socket ID is logged on connect.",
      async run({ lab }) {
        const io = lab.io;
        const url = lab.url;
        const [botId, sourceNode, channel] = ["bot-7", "lab", "web"];
        await settles("the second client to connect", (done) => {
          // The client code learners start from, exactly as written.
          const socket = io(`${url}/streaming-response`, { query: { botId, sourceNode, channel }, transports: ["websocket"] });
          // Its `console` is the new client's own: what it logs shows on that host.
          const console = lab.clientOf(socket)!.console;
          socket.on("connect", () => {
            console.log("Connected with socket ID:", socket.id);
            done();
          });
        });
      },
    },
  ],
};
