// hello-ack: the code learners start from, emit("hello", "world", cb) answered "got it".
import type { Socket as ClientSocket } from "socket.io-client";
import type { LabClient } from "../lab.js";
import { connected, settles, upgraded, type Scenario } from "./scenario.js";

export const helloAck: Scenario = {
  id: "hello-ack",
  title: "Hello & ack",
  summary: 'One client emits "hello" with "world" and a callback; the server logs it and answers "got it" through the ack.',
  keyView: "Layers",
  steps: [
    {
      title: "A client connects",
      narration:
        "The client opens a TCP connection from its own address (127.0.0.2) and an ephemeral port to the server's 127.0.0.1:3000. Engine.IO starts with an HTTP long-polling handshake (watch the `open` packet with the session id), Socket.IO sends CONNECT, and the client upgrades to a WebSocket on a TCP connection of its own (polling used two more: one for the pending GET, one for POSTs).",
      async run({ lab, state }) {
        const client = await lab.addClient({ transports: "polling-upgrade" });
        const socket = client.socket("/");
        state.client = client;
        state.socket = socket;
        await connected(socket);
        await upgraded(socket);
      },
    },
    {
      title: 'socket.emit("hello", "world", cb)',
      narration:
        'The API call becomes the Socket.IO packet 20["hello","world"] (type 2 EVENT, ack id 0), wrapped in the Engine.IO message packet 420[…], sent in one WebSocket frame, carried by TCP. The server\'s handler logs "world" and calls callback("got it"): the ACK 30["got it"] travels back the same way and the client\'s callback runs.',
      async run({ state }) {
        const socket = state.socket as ClientSocket;
        // What the client's callback logs shows on the client (a lab `log` event).
        const console = (state.client as LabClient).console;
        await settles("the ack", (done) => {
          // The client code learners start from, exactly as written.
          socket.emit("hello", "world", (response: unknown) => {
            console.log(response); // "got it"
            done();
          });
        });
      },
    },
  ],
};
