// lossy-tcp: a message several segments long over a lossy modelled link.
import type { Socket as ClientSocket } from "socket.io-client";
import { connected, emitWithAck, type Scenario } from "./scenario.js";

const LONG_MESSAGE =
  "TCP cuts this message into segments of at most MSS bytes. Some are lost on the way; the receiver acknowledges only what arrived in order, buffers what came early, and the sender retransmits what was lost, after a timeout or after three duplicate ACKs. The application still receives every byte, in order, exactly once.";

export const lossyTcp: Scenario = {
  id: "lossy-tcp",
  title: "TCP over a lossy link",
  summary: "One long message over WebSocket, drawn as TCP segments over a modelled link that loses 20% of them.",
  network: { mss: 64, loss: 0.2, latency: 20 },
  steps: [
    {
      title: "Connect over WebSocket",
      narration:
        "A WebSocket-only client connects. The real loopback connection never loses anything, so the TCP view models the link: MSS 64 bytes, 20% loss, 20 ms each way, fed with the real bytes of this connection. The model is labelled as such.",
      async run({ lab, state }) {
        const client = await lab.addClient({ transports: "websocket" });
        state.socket = client.socket("/");
        await connected(state.socket as ClientSocket);
      },
    },
    {
      title: "A long message, several segments",
      narration:
        "The client emits a message of a few hundred bytes with an ack. Watch the segments: some vanish mid-flight, the receiver's out-of-order buffer holds what came early, duplicate ACKs trigger a fast retransmission, a timeout triggers another. On the model clock, the server's handler runs only once every byte has arrived in order.",
      async run({ state }) {
        await emitWithAck(state.socket as ClientSocket, "hello", LONG_MESSAGE);
      },
    },
  ],
};
