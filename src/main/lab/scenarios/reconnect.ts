// reconnect: the server goes away and comes back; transport close vs io server disconnect.
import type { LabClient } from "../lab.js";
import { connected, once, type Scenario } from "./scenario.js";

export const reconnect: Scenario = {
  id: "reconnect",
  title: "Reconnection",
  summary: "The server really stops and restarts; clients retry with back-off and get a new session. Then the server disconnects a socket on purpose.",
  keyView: "Addressing",
  steps: [
    {
      title: "Two clients connect",
      narration: "Two WebSocket clients connect. Note each one's engine sid.",
      async run({ lab, state }) {
        const clients = [await lab.addClient({ transports: "websocket" }), await lab.addClient({ transports: "websocket" })];
        state.clients = clients;
        await Promise.all(clients.map((c) => connected(c.socket("/"))));
      },
    },
    {
      title: "The server goes away",
      narration:
        "The server shuts down. Socket.IO closes every session (its sockets disconnect with `server shutting down`): each WebSocket gets a close frame, the client answers with its own, the TCP connections end with FIN both ways, and the server stops listening. Each client's socket disconnects with reason `transport close`, and its Manager starts reconnect attempts with exponential back-off: with nothing listening on the port, each attempt's SYN is answered with a reset (connection refused).",
      async run({ lab, state }) {
        const clients = state.clients as LabClient[];
        const gone = Promise.all(clients.map((c) => once(c.socket("/"), "disconnect", "transport close")));
        await lab.stopServer();
        await gone;
        await Promise.all(clients.map((c) => once(c.manager, "reconnect_attempt", "a reconnect attempt")));
      },
    },
    {
      title: "The server comes back",
      narration: "The server listens again on the same port. The next attempt succeeds: a new handshake, a new engine sid, new socket ids, and the client emits `reconnect`.",
      async run({ lab, state }) {
        const clients = state.clients as LabClient[];
        const back = Promise.all(clients.map((c) => once(c.manager, "reconnect", "the reconnect")));
        await lab.startServer();
        await back;
        await Promise.all(clients.map((c) => connected(c.socket("/"))));
      },
    },
    {
      title: "io server disconnect",
      narration:
        "The server calls socket.disconnect() on client 1's socket: it sends a DISCONNECT packet (41). The client's reason is `io server disconnect`, and it does not reconnect by itself: a deliberate disconnect is not a network failure.",
      async run({ lab, state }) {
        const [first] = state.clients as LabClient[];
        const socket = first!.socket("/");
        const gone = once(socket, "disconnect", "io server disconnect");
        const id = socket.id;
        if (id) lab.server?.of("/").sockets.get(id)?.disconnect();
        await gone;
      },
    },
  ],
};
