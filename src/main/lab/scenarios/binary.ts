// binary: BINARY_EVENT with placeholders and attachments, over polling and over WebSocket.
import { connected, emitWithAck, type Scenario } from "./scenario.js";
import type { Socket as ClientSocket } from "socket.io-client";

const payload = (): Buffer => Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04]);

export const binary: Scenario = {
  id: "binary",
  title: "Binary payloads",
  summary: "A Buffer argument becomes a BINARY_EVENT with a placeholder and an attachment: base64 over polling, a binary frame over WebSocket.",
  keyView: "Layers",
  steps: [
    {
      title: "Two clients: polling only, WebSocket only",
      narration: "Client 1 uses HTTP long-polling only; client 2 WebSocket only.",
      async run({ lab, state }) {
        const polling = await lab.addClient({ transports: "polling" });
        const ws = await lab.addClient({ transports: "websocket" });
        state.polling = polling.socket("/");
        state.ws = ws.socket("/");
        await Promise.all([connected(state.polling as ClientSocket), connected(state.ws as ClientSocket)]);
      },
    },
    {
      title: "Binary over long-polling",
      narration:
        'socket.emit("upload", buffer, cb): the Socket.IO packet becomes 51-0["upload",{"_placeholder":true,"num":0}] (type 5 BINARY_EVENT, 1 attachment), and the bytes follow as a separate Engine.IO message. Over polling, binary is written as `b` + base64 in the POST body.',
      async run({ state }) {
        await emitWithAck(state.polling as ClientSocket, "upload", payload());
      },
    },
    {
      title: "Binary over WebSocket",
      narration: "The same emit over WebSocket: the placeholder packet goes in a text frame and the attachment in a binary frame (opcode 2), raw bytes, no base64.",
      async run({ state }) {
        await emitWithAck(state.ws as ClientSocket, "upload", payload());
      },
    },
  ],
};
