// rooms: join, broadcast to a room, to everyone but the sender, leave.
import type { Socket as ClientSocket } from "socket.io-client";
import type { LabClient } from "../lab.js";
import { connected, emitWithAck, once, type Scenario } from "./scenario.js";

const chat = (c: LabClient): ClientSocket => c.socket("/chat");

export const rooms: Scenario = {
  id: "rooms",
  title: "Rooms and broadcasts",
  summary: "Sockets join a room on /chat; the server broadcasts to the room, to everyone but the sender; one leaves.",
  keyView: "Namespaces",
  steps: [
    {
      title: "Three clients on /chat",
      narration: "Three WebSocket clients connect to the /chat namespace. A room is a server-side list of sockets: the room's name never travels on the wire, only the packets it selects do.",
      async run({ lab, state, clients: count }) {
        const clients: LabClient[] = [];
        for (let i = 0; i < Math.max(3, count ?? 3); i++) clients.push(await lab.addClient({ transports: "websocket" }));
        state.clients = clients;
        await Promise.all(clients.map((c) => connected(chat(c))));
      },
    },
    {
      title: 'Clients 1 and 2 join "lobby"',
      narration: 'Each emits "join" with an ack; the server calls socket.join("lobby") and acknowledges. The join itself is a server-side API call (see the api `join` events), not a packet of its own.',
      async run({ state }) {
        const [a, b] = state.clients as LabClient[];
        await Promise.all([emitWithAck(chat(a!), "join", "lobby"), emitWithAck(chat(b!), "join", "lobby")]);
      },
    },
    {
      title: 'Broadcast to the room: io.of("/chat").to("lobby").emit(…)',
      narration: "The server encodes the packet once and writes it to every socket in the room: clients 1 and 2 receive it, client 3 does not.",
      async run({ lab, state }) {
        const [a, b] = state.clients as LabClient[];
        const got = Promise.all([once(chat(a!), "news", "client 1's news"), once(chat(b!), "news", "client 2's news")]);
        lab.server?.of("/chat").to("lobby").emit("news", "the room is open");
        await got;
      },
    },
    {
      title: "To everyone in the room but the sender",
      narration: 'Client 1 emits "message"; the server handler calls socket.to("lobby").emit(…), which leaves out the sender. Only client 2 receives it.',
      async run({ state }) {
        const [a, b] = state.clients as LabClient[];
        const got = once(chat(b!), "message", "client 2's message");
        chat(a!).emit("message", "lobby", "hi from client 1");
        await got;
      },
    },
    {
      title: 'Client 2 leaves "lobby"',
      narration: "After socket.leave, a new broadcast to the room reaches only client 1.",
      async run({ lab, state }) {
        const [a, b] = state.clients as LabClient[];
        const sid = chat(b!).id;
        const s = sid ? lab.server?.of("/chat").sockets.get(sid) : undefined;
        await s?.leave("lobby");
        const got = once(chat(a!), "news", "client 1's news");
        lab.server?.of("/chat").to("lobby").emit("news", "client 2 has left");
        await got;
      },
    },
  ],
};
