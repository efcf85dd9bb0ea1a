// recovery: connection state recovery (server option `connectionStateRecovery`). The lab cuts
// a client's TCP connection; the client comes back with its pid and last offset and gets what
// it missed before the CONNECT reply, under the same socket id. Then the same drop on a server
// restarted without the option: a new socket id, and what was sent meanwhile is lost.
import type { Socket as ClientSocket } from "socket.io-client";
import type { Socket as ServerSocket } from "socket.io";
import type { Lab, LabClient } from "../lab.js";
import { connected, once, type Scenario } from "./scenario.js";

const RECOVERY = { maxDisconnectionDuration: 2 * 60 * 1000, skipMiddlewares: true };

/** The server's socket for a client socket, by its id. */
function serverSocket(lab: Lab, socket: ClientSocket): ServerSocket {
  const s = socket.id ? lab.server?.of("/").sockets.get(socket.id) : undefined;
  if (!s) throw new Error(`the server has no socket ${socket.id ?? "(none)"}`);
  return s;
}

/**
 * Cuts the client's connection and, once the server has seen its socket go, broadcasts
 * `missed` to everyone; resolves when the client is connected again.
 */
async function dropAndMiss(lab: Lab, client: LabClient, missed: string[]): Promise<void> {
  const socket = client.socket("/");
  const gone = once(serverSocket(lab, socket), "disconnect", "the server's socket to disconnect");
  const away = once(socket, "disconnect", "the client's socket to disconnect");
  const back = once(client.manager, "reconnect", "the client to reconnect");
  client.cut();
  await Promise.all([gone, away]);
  for (const text of missed) lab.server?.emit("news", text);
  await back;
  await connected(socket);
}

export const recovery: Scenario = {
  id: "recovery",
  title: "Connection state recovery",
  summary:
    "With connectionStateRecovery, a client whose connection dropped comes back with its pid and offset, gets the events it missed before the CONNECT reply, and keeps its socket id; without it, the same drop loses them.",
  keyView: "Timeline",
  lab: { server: { connectionStateRecovery: RECOVERY } },
  steps: [
    {
      title: "A client connects to a server with recovery",
      narration:
        'The server is created with `connectionStateRecovery` on. A WebSocket client connects: the server\'s CONNECT reply carries, besides the socket id, a private session id: 40{"sid":…,"pid":…}. The client keeps the pid; it is what lets it claim this session back later.',
      async run({ lab, state }) {
        const client = await lab.addClient({ transports: "websocket" });
        state.client = client;
        const socket = client.socket("/");
        const console = client.console;
        socket.on("news", (text: string) => console.log(`news: ${text}`));
        await connected(socket);
        state.firstId = socket.id;
      },
    },
    {
      title: 'io.emit("news", …): every event carries an offset',
      narration:
        'The server broadcasts io.emit("news", "first"). With recovery on, the server keeps each broadcast in memory and adds an offset as its last argument: the client receives 42["news","first","<offset>"]. The client\'s handler sees only "first"; the socket remembers the offset as the last one it got.',
      async run({ lab, state }) {
        const socket = (state.client as LabClient).socket("/");
        const got = once(socket, "news", "the news");
        lab.server?.emit("news", "first");
        await got;
      },
    },
    {
      title: "The connection drops, and the client comes back",
      narration:
        'The lab cuts client 1\'s TCP connection: no WebSocket close frame, no Engine.IO close, just the TCP connection ending under them, as when a network drops. Both sides see `transport close`; the server keeps the socket\'s state (its id, rooms and data) for up to two minutes. While the client is away, the server broadcasts "missed 1" and "missed 2": nobody receives them, the server keeps them. The client reconnects on its own with a new Engine.IO session and sends 40{"pid":…,"offset":…}. The server finds the session, replays 42["news","missed 1",…] and 42["news","missed 2",…] first, and only then sends its CONNECT reply, with the same socket id. `socket.recovered` is true on both sides (the server\'s code logs it).',
      async run({ lab, state }) {
        const client = state.client as LabClient;
        await dropAndMiss(lab, client, ["missed 1", "missed 2"]);
        const socket = client.socket("/");
        client.console.log(`recovered: ${socket.recovered === true}, same id: ${socket.id === state.firstId}`);
      },
    },
    {
      title: "The server restarts without recovery",
      narration:
        "The lab stops the server and starts it again, this time without `connectionStateRecovery`. The server closes the session as it shuts down (its socket disconnects with `server shutting down`, a WebSocket close frame each way); the client's socket disconnects with `transport close` and reconnects on its own. It still holds its old pid and offset and sends them in its CONNECT, but this server does not look for sessions: its CONNECT reply is a plain 40{\"sid\":…} with a new socket id and no pid.",
      async run({ lab, state }) {
        const client = state.client as LabClient;
        const socket = client.socket("/");
        const away = once(socket, "disconnect", "the client's socket to disconnect");
        const back = once(client.manager, "reconnect", "the client to reconnect");
        await lab.stopServer();
        await away;
        await lab.startServer({ connectionStateRecovery: false });
        await back;
        await connected(socket);
        state.secondId = socket.id;
      },
    },
    {
      title: "The same drop, without recovery",
      narration:
        'The lab cuts client 1\'s connection again, and the server broadcasts "missed 3" while the client is away. The client reconnects and sends a plain CONNECT, 40 (it got no pid from this server). Nothing is replayed: "missed 3" is lost for this client, its socket gets yet another id, and `socket.recovered` is not true. Without recovery, an application that must not lose events fetches what it missed itself.',
      async run({ lab, state }) {
        const client = state.client as LabClient;
        await dropAndMiss(lab, client, ["missed 3"]);
        const socket = client.socket("/");
        client.console.log(`recovered: ${socket.recovered === true}, same id: ${socket.id === state.secondId}`);
      },
    },
  ],
};
