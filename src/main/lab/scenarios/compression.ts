// compression: permessage-deflate on the server (engine.io's `perMessageDeflate`). The same
// emits from a client that offers the extension and from one that does not; compressed frames
// (RSV1) with their inflated payloads; context takeover; socket.compress(false) per emit.
import type { Socket as ClientSocket } from "socket.io-client";
import type { LabClient } from "../lab.js";
import { connected, emitWithAck, type Scenario } from "./scenario.js";

/** A 5,000-character text, as repetitive as real JSON often is. */
export const LONG_TEXT = "The quick brown fox jumps over the lazy dog. ".repeat(112).slice(0, 5000);

export const compression: Scenario = {
  id: "compression",
  title: "Compression (permessage-deflate)",
  summary:
    "The same emits over a WebSocket with and without permessage-deflate: compressed frames (RSV1) and what they inflate to, context takeover between messages, and socket.compress(false).",
  keyView: "Inspector",
  lab: { server: { perMessageDeflate: true } },
  steps: [
    {
      title: "Two clients, one offers permessage-deflate",
      narration:
        "The server is created with `perMessageDeflate: true`. Client 1 connects over a WebSocket with the client's default, which offers the extension: its upgrade request carries `Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits`, and the 101 answer accepts it with `Sec-WebSocket-Extensions: permessage-deflate`. From then on every frame the server sends on that connection has RSV1 set, even the Engine.IO open packet and the CONNECT reply (with context takeover, the server's ws library compresses every message, whatever its size), while client 1 compresses only messages of 1,024 bytes or more (engine.io-client's threshold), so its 40 goes out plain. Client 2 is created with `perMessageDeflate: false`: it offers nothing, its 101 answer has no extension, and no frame of its connection is compressed.",
      async run({ lab, state }) {
        const clients = [await lab.addClient({ transports: "websocket" }), await lab.addClient({ transports: "websocket", perMessageDeflate: false })];
        state.clients = clients;
        await Promise.all(clients.map((c) => connected(c.socket("/"))));
      },
    },
    {
      title: 'The same emit: socket.emit("echo", <5,000 characters>, cb)',
      narration:
        'Both clients emit "echo" with the same 5,000-character text; the server\'s handler answers with the text itself. Client 2\'s frame is 5,000-odd bytes of plain text each way. Client 1\'s frame has RSV1 set: its payload is DEFLATE data of about a hundred bytes, which the capture inflates back into the Engine.IO packet 420["echo","The quick brown fox…"] (shown beside the real bytes). The server\'s answer, 430["The quick brown fox…"], is compressed the same way on its way back.',
      async run({ state }) {
        const [a, b] = state.clients as LabClient[];
        await emitWithAck(a!.socket("/"), "echo", LONG_TEXT);
        await emitWithAck(b!.socket("/"), "echo", LONG_TEXT);
      },
    },
    {
      title: "Again: context takeover",
      narration:
        "Client 1 sends the same text once more. This frame is smaller still, a few bytes: permessage-deflate keeps its compression window from one message to the next (context takeover), so the compressor can point back at the previous message. A decoder must therefore keep one inflate context per direction of each connection, fed every message in order: a frame cannot be inflated on its own. The capture does exactly that.",
      async run({ state }) {
        const [a] = state.clients as LabClient[];
        await emitWithAck(a!.socket("/"), "echo", LONG_TEXT);
      },
    },
    {
      title: 'socket.compress(false).emit("echo", …)',
      narration:
        "Client 1 sends the text a third time with socket.compress(false): the flag holds for this one packet, so its frame goes out with RSV1 clear and the full 5,000-odd bytes. The server's answer is a packet of its own and is compressed as usual.",
      async run({ state }) {
        const [a] = state.clients as LabClient[];
        const socket: ClientSocket = a!.socket("/");
        await new Promise<void>((resolve) => socket.compress(false).emit("echo", LONG_TEXT, () => resolve()));
      },
    },
  ],
};
