// delivery: what an ack does and does not guarantee. A timeout that gives up before a slow
// handler answers, emitWithAck, client retries that make the server's handler run twice, a
// broadcast with acks answered in part, and volatile events dropped while polling is busy.
import type { Socket as ClientSocket } from "socket.io-client";
import type { LabClient } from "../lab.js";
import { connected, settles, type Scenario } from "./scenario.js";
import { logged, recorded } from "./trace-wait.js";

const POSITIONS = ["v0", "v1", "v2", "v3", "v4"];
const READINGS = ["r0", "r1", "r2", "r3", "r4"];

export const delivery: Scenario = {
  id: "delivery",
  title: "Delivery guarantees",
  summary:
    "Acks with a timeout (a late answer ignored), emitWithAck, client retries that run the server's handler twice, a broadcast with acks answered in part, and volatile events dropped while polling is busy.",
  keyView: "Timeline",
  steps: [
    {
      title: "Three clients connect",
      narration:
        "Three WebSocket clients connect to /. Client 2's socket is created with `retries: 1` and `ackTimeout: 300`: every event it emits waits for an ack, and is sent once more if none comes within 300 ms.",
      async run({ lab, state }) {
        const clients: LabClient[] = [];
        for (let i = 0; i < 3; i++) clients.push(await lab.addClient({ transports: "websocket" }));
        state.clients = clients;
        const sockets = [clients[0]!.socket("/"), clients[1]!.socket("/", undefined, { retries: 1, ackTimeout: 300 }), clients[2]!.socket("/")];
        state.sockets = sockets;
        await Promise.all(sockets.map((s) => connected(s)));
      },
    },
    {
      title: 'socket.timeout(200).emit("slow", 500, cb)',
      narration:
        'Client 1 sends 420["slow",500] and waits at most 200 ms. The server\'s handler answers after 500 ms, so the client gives up first: its callback runs with the error "operation has timed out" and the client forgets ack id 0. When 430["done after 500 ms"] arrives 300 ms later, no callback is left to run: the late ACK is ignored. An ack tells you the server got the event, never that it got it in time.',
      async run({ lab, state }) {
        const [client] = state.clients as LabClient[];
        const [socket] = state.sockets as ClientSocket[];
        const console = client!.console;
        const late = recorded(lab, (e) => e.layer === "socketio" && e.host === client!.id && e.dir === "in" && e.type === "ACK" && e.ackId === 0, "the late ACK");
        await settles("the timeout", (done) => {
          socket!.timeout(200).emit("slow", 500, (err: Error | null, reply?: string) => {
            console.log(err ? err.message : reply);
            done();
          });
        });
        await late;
      },
    },
    {
      title: 'await socket.timeout(1000).emitWithAck("slow", 100)',
      narration:
        'The same call as a promise. Client 1 sends 421["slow",100] (a new ack id, 1); the answer 431["done after 100 ms"] comes well within 1000 ms, so the promise resolves with it. Had it timed out, the promise would reject with the same error as before.',
      async run({ state }) {
        const [client] = state.clients as LabClient[];
        const [socket] = state.sockets as ClientSocket[];
        const reply = await socket!.timeout(1000).emitWithAck("slow", 100);
        client!.console.log(reply);
      },
    },
    {
      title: 'Retries: socket.emit("save", "x", cb) runs the handler twice',
      narration:
        'Client 2 emits "save" once. Its socket sends 420["save","x"]; the server\'s handler logs "save x: try 1" and, as if its answer were lost, does not answer. After 300 ms (ackTimeout) the socket sends the same event again with a new ack id: 421["save","x"]. The handler runs a second time, logs "save x: try 2" and answers 431["stored"]; the callback runs once. Retries give at-least-once delivery: the server must expect duplicates.',
      async run({ state }) {
        const [, client] = state.clients as LabClient[];
        const [, socket] = state.sockets as ClientSocket[];
        const console = client!.console;
        await settles("the saved answer", (done) => {
          socket!.emit("save", "x", (err: Error | null, reply?: string) => {
            console.log(err ? err.message : reply);
            done();
          });
        });
      },
    },
    {
      title: 'Broadcast with acks: io.timeout(300).emit("poll", "ready?", cb)',
      narration:
        'The server asks every socket of / at once. It encodes one packet, 420["poll","ready?"], with one ack id shared by all, and writes it to each client. Clients 1 and 2 answer 430["yes"]; client 3 logs the question and does not answer. After 300 ms the server\'s callback runs once, with the error "operation has timed out" and the two answers it did get: a broadcast ack is all or a partial answer with an error.',
      async run({ lab, state }) {
        const clients = state.clients as LabClient[];
        const sockets = state.sockets as ClientSocket[];
        sockets.forEach((s, i) => {
          const console = clients[i]!.console;
          s.on("poll", (question: string, callback: (answer: string) => void) => {
            console.log(question);
            if (i < 2) callback("yes");
          });
        });
        const io = lab.server;
        if (!io) throw new Error("the server is stopped");
        await settles("the broadcast's callback", (done) => {
          io.timeout(300).emit("poll", "ready?", (err: Error | null, answers: unknown[]) => {
            lab.log.log(err ? err.message : "all answered", answers);
            done();
          });
        });
      },
    },
    {
      title: "Volatile events while polling is busy",
      narration:
        'A fourth client connects over HTTP long-polling only and emits ten events in a row: five with socket.volatile.emit("position", "v0" … "v4"), then five with socket.emit("position", "r0" … "r4"). The first, v0, starts a POST at once; while that request is in flight the transport is not writable, so v1 to v4 are discarded before they are encoded: the trace records each of these emits with `dropped: true` and no packet. r0 to r4 wait in the Engine.IO write buffer and go out together, in one payload, in the next POST once the first has been answered. The server logs v0, r0, r1, r2, r3, r4.',
      async run({ lab, state }) {
        const client = await lab.addClient({ transports: "polling" });
        state.poller = client;
        const socket = client.socket("/");
        await connected(socket);
        const last = recorded(lab, logged("server", READINGS[READINGS.length - 1]!), "the server's log of the last reading");
        for (const p of POSITIONS) socket.volatile.emit("position", p);
        for (const r of READINGS) socket.emit("position", r);
        await last;
      },
    },
  ],
};
