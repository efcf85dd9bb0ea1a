// lossy-tcp: a message several segments long over a modelled link. Step 1 runs on a clean link;
// in step 2 the scenario places scripted losses on the real bytes of the message and its ack.
import type { Socket as ClientSocket } from "socket.io-client";
import type { DataDropRule } from "../../../shared/network-settings.js";
import type { TraceEvent } from "../../../shared/trace/types.js";
import type { Lab } from "../lab.js";
import { connected, emitWithAck, type Scenario } from "./scenario.js";

const LONG_MESSAGE =
  "TCP cuts this message into segments of at most MSS bytes. Some are lost on the way; the receiver acknowledges only what arrived in order, buffers what came early, and the sender retransmits what was lost, after a timeout or after three duplicate ACKs. The application still receives every byte, in order, exactly once. Loopback itself never loses a byte: the losses drawn here are modelled, placed on this message on purpose.";

/**
 * Which segments are lost. The message's frame takes seven segments or more at MSS 64, so after
 * the 2nd is lost at least three arrive to be answered with duplicate ACKs (the first ACK after
 * the gap still acknowledges the 1st segment, so it is new, not a duplicate). The answer's frame
 * (written as one or two chunks) loses every segment, so nothing follows it: only a timeout helps.
 */
const MESSAGE_DROPS = [2, 5];
const ANSWER_DROPS = [1, 2];

export const lossyTcp: Scenario = {
  id: "lossy-tcp",
  title: "TCP over a lossy link",
  summary: "One long message over WebSocket, drawn as TCP segments over a modelled link that loses two of its segments and the answer's only one.",
  keyView: "TCP",
  network: { mss: 64, loss: 0, latency: 20 },
  steps: [
    {
      title: "Connect over WebSocket",
      narration:
        "A WebSocket-only client connects. The real loopback connection never loses anything, so the TCP view models the link: MSS 64 bytes, 20 ms each way, fed with the real bytes of this connection, and for now it loses nothing. The model is labelled as such.",
      async run({ lab, state }) {
        const client = await lab.addClient({ transports: "websocket" });
        state.client = client.id;
        state.socket = client.socket("/");
        await connected(state.socket as ClientSocket);
      },
    },
    {
      title: "A long message, several segments",
      narration:
        "The client emits a message of a few hundred bytes with an ack; at MSS 64 it travels as several segments, and the model loses the 2nd and the 5th. The segments after each gap wait in the receiver's out-of-order buffer, and each one makes it repeat its ACK: the third duplicate ACK triggers a fast retransmission of the 2nd segment. The ACK for it still stops short of the 5th (a partial ACK), so the sender resends the 5th at once. Then the server's short answer is lost too: nothing follows it to cause duplicate ACKs, so only a timeout resends it. On the model clock, the server's handler runs only once every byte of the message has arrived in order, and the client's ack callback only once the answer got through.",
      async run({ lab, state }) {
        await emitWithAck(state.socket as ClientSocket, "hello", LONG_MESSAGE);
        // Only now are the real byte offsets known: the frame the message went out in, and the
        // frame of the server's ack. The loss is placed on those bytes, recorded as a fault.
        const host = state.client as string;
        const message = await frameOf(lab, (e) => e.host === host && e.dir === "out" && e.type === "EVENT" && e.encoded.includes(LONG_MESSAGE));
        const answer = await frameOf(lab, (e) => e.host === "server" && e.dir === "out" && e.type === "ACK");
        const dropData: DataDropRule[] = [
          { conn: message.conn, side: "client", from: message.from, to: message.to, segments: MESSAGE_DROPS },
          { conn: answer.conn, side: "server", from: answer.from, to: answer.to, segments: ANSWER_DROPS },
        ];
        lab.recorder.record({ layer: "lab", kind: "fault", host: "server", fault: "network", detail: JSON.stringify({ dropData }) });
      },
    },
  ],
};

type SocketioOut = Extract<TraceEvent, { layer: "socketio" }>;

/**
 * The wire unit (WebSocket frame) that carried the Socket.IO packet matching `which`, followed by
 * `parents` (packet → engine packet → frame), as a byte range of its connection's stream.
 * Waits for the recorder, which may record the frame a moment after the packet.
 */
async function frameOf(lab: Lab, which: (e: SocketioOut) => boolean): Promise<{ conn: string; from: number; to: number }> {
  const find = (events: readonly TraceEvent[]): { conn: string; from: number; to: number } | undefined => {
    const packet = events.find((e): e is SocketioOut => e.layer === "socketio" && e.kind === "packet" && which(e));
    if (!packet) return undefined;
    const engine = events.find((e) => e.layer === "engine" && e.parents?.includes(packet.id));
    if (!engine) return undefined;
    const unit = events.find((e) => e.layer === "wire" && e.parents?.includes(engine.id));
    if (unit?.layer !== "wire" || unit.conn === undefined) return undefined;
    return { conn: unit.conn, from: unit.offset, to: unit.offset + unit.length };
  };
  const now = find(lab.recorder.recent());
  if (now) return now;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error("timed out waiting for the frame of the long message in the trace"));
    }, 5000);
    timer.unref();
    const stop = lab.recorder.subscribe(() => {
      const found = find(lab.recorder.recent());
      if (!found) return;
      clearTimeout(timer);
      stop();
      resolve(found);
    });
  });
}
