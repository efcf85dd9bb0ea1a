// The engine, Socket.IO and api captures fed records alone (no server, no client, no socket):
// an acked emit's round trip comes out linked layer by layer, as the lab records it live. The
// records are what the probes report; this is the contract a capture running away from the
// Socket.IO thread relies on.
import { describe, expect, it } from "vitest";
import * as sioParser from "socket.io-parser";
import { ApiCapture } from "../../../../src/main/lab/capture/api/api-capture.js";
import { Correlator } from "../../../../src/main/lab/capture/correlator.js";
import { EngineCapture } from "../../../../src/main/lab/capture/engine/engine-capture.js";
import { packetOfHeader, SocketIoCapture, type Packet } from "../../../../src/main/lab/capture/socketio/traced-parser.js";
import { createRecorder } from "../../../../src/main/trace/recorder.js";
import type { TraceEvent, TraceHeader } from "../../../../src/shared/trace/types.js";

const header: TraceHeader = { format: "socketscope-trace", version: 1, createdAt: "2026-12-04T10:00:00.000Z", app: { name: "SocketScope", version: "0.1.0" } };
const SID = "sess-1";

function captures() {
  const recorder = createRecorder({ header });
  const c = new Correlator(recorder);
  const api = new ApiCapture(c);
  const packets = new SocketIoCapture(c, api);
  const engines = new EngineCapture(c);
  const events = (): TraceEvent[] => {
    recorder.flush();
    return recorder.recent();
  };
  return { c, api, packets, engines, events };
}

/** What a host's encoder would produce for `packet` (the real socket.io-parser). */
const encode = (packet: Packet): string => new sioParser.Encoder().encode(packet as sioParser.Packet)[0] as string;

describe("the engine, Socket.IO and api captures fed records alone", () => {
  it("link an acked emit's round trip: emit → packet → engine → (peer) engine → packet → receive → ack-send → ACK → ack-receive", () => {
    const { api, packets, engines, events } = captures();
    let t = 0;
    const server = "server";
    const client = "client-1";

    // The server knows the client's socket as "sock-1" on session SID.
    api.apply({ kind: "connection", host: server, nsp: "/", socketId: "sock-1", sid: SID, side: "server" });

    // client: socket.emit("hello", "world", cb); tokens and refs are the probes' own numbers.
    const token = 1;
    api.apply({ kind: "bind", host: client, token });
    api.apply({ kind: "call", host: client, nsp: "/", socketId: "sock-1", event: "hello", side: "client" });
    const emitPacket: Packet = { type: 2, nsp: "/", id: 0, data: ["hello", "world"] };
    const emitted = encode(emitPacket);
    packets.apply({ kind: "encode", t: ++t, host: client, side: "client", session: SID, out: [emitted] });
    engines.apply({ kind: "packet", t: ++t, host: client, dir: "out", sid: SID, transport: "websocket", type: "message", data: emitted });
    expect(api.bound(token)).toBe(true);

    // server: the engine receives the message, the decoder is fed it, the handler gets it and acks.
    engines.apply({ kind: "packet", t: ++t, host: server, dir: "in", sid: SID, transport: "websocket", type: "message", data: emitted });
    packets.apply({ kind: "add", t: ++t, host: server, decoder: 1, input: emitted });
    const receive = api.apply({ kind: "receive", ref: 100, host: server, nsp: "/", socketId: "sock-1", sid: SID, event: "hello", args: ["world"], withCallback: true, side: "server" })!;
    api.apply({ kind: "ack-send", host: server, nsp: "/", socketId: "sock-1", reply: ["got it"], receive: 100 });
    const ackPacket: Packet = { type: 3, nsp: "/", id: 0, data: ["got it"] };
    const acked = encode(ackPacket);
    packets.apply({ kind: "encode", t: ++t, host: server, side: "server", session: undefined, out: [acked] });
    engines.apply({ kind: "packet", t: ++t, host: server, dir: "out", sid: SID, transport: "websocket", type: "message", data: acked });

    // client: the ACK arrives and the callback runs.
    engines.apply({ kind: "packet", t: ++t, host: client, dir: "in", sid: SID, transport: "websocket", type: "message", data: acked });
    packets.apply({ kind: "add", t: ++t, host: client, decoder: 2, input: acked });
    api.apply({ kind: "ack-receive", ref: 101, host: client, nsp: "/", token, reply: ["got it"] });

    const all = events();
    const one = (pred: (e: TraceEvent) => boolean): TraceEvent => {
      const found = all.filter(pred);
      expect(found).toHaveLength(1);
      return found[0]!;
    };
    const emit = one((e) => e.layer === "api" && e.kind === "emit");
    expect(emit).toMatchObject({ host: client, event: "hello", args: ["world"], ack: true, code: 'socket.emit("hello", "world", cb)' });
    const eventOut = one((e) => e.layer === "socketio" && e.host === client && e.dir === "out");
    expect(eventOut).toMatchObject({ type: "EVENT", ackId: 0, encoded: '20["hello","world"]', parents: [emit.id] });
    const engineOut = one((e) => e.layer === "engine" && e.host === client && e.dir === "out");
    expect(engineOut).toMatchObject({ type: "message", parents: [eventOut.id] });
    const engineIn = one((e) => e.layer === "engine" && e.host === server && e.dir === "in");
    const eventIn = one((e) => e.layer === "socketio" && e.host === server && e.dir === "in");
    expect(eventIn).toMatchObject({ type: "EVENT", parents: [engineIn.id] });
    expect(one((e) => e.layer === "api" && e.kind === "receive")).toMatchObject({ id: receive, parents: [eventIn.id], ack: true });
    const ackSend = one((e) => e.layer === "api" && e.kind === "ack-send");
    expect(ackSend).toMatchObject({ args: ["got it"], parents: [receive] });
    const ackOut = one((e) => e.layer === "socketio" && e.host === server && e.dir === "out");
    expect(ackOut).toMatchObject({ type: "ACK", encoded: '30["got it"]', parents: [ackSend.id] });
    const ackIn = one((e) => e.layer === "socketio" && e.host === client && e.dir === "in");
    expect(one((e) => e.layer === "api" && e.kind === "ack-receive")).toMatchObject({ args: ["got it"], parents: [ackIn.id, emit.id] });
  });

  it("names the handler's code in what it logs, and forgets an ack callback the emit never encoded", () => {
    const { api, events } = captures();
    const receive = api.apply({ kind: "receive", ref: 7, host: "server", nsp: "/", socketId: "sock-1", sid: SID, event: "hello", args: [], withCallback: false, side: "server" });
    api.apply({ kind: "log", host: "server", text: "inside", ref: 7 });
    api.apply({ kind: "log", host: "server", text: "outside", ref: undefined });
    // A reference the capture no longer knows (or never did) names nothing.
    api.apply({ kind: "log", host: "server", text: "forgotten", ref: 99 });
    // On the Socket.IO thread, the probes say whose code runs, and `console.log` reports it.
    const log = (text: string): void => api.log("server", text);
    api.signals.runAs("server", 7, () => api.signals.runAs("server", 99, log, undefined, ["nested"]), undefined, []);
    api.signals.runAs("server", 7, log, undefined, ["in the handler"]);
    api.log("server", "after it");
    const token = 3;
    api.apply({ kind: "bind", host: "client-1", token });
    api.apply({ kind: "unbind", host: "client-1", token });
    expect(api.bound(token)).toBe(false);
    const logs = events().filter((e) => e.layer === "lab" && e.kind === "log");
    expect(logs.map((e) => [e.layer === "lab" && e.kind === "log" ? e.text : "", e.parents])).toEqual([
      ["inside", [receive]],
      ["outside", undefined],
      ["forgotten", undefined],
      ["nested", undefined],
      ["in the handler", [receive]],
      ["after it", undefined],
    ]);
  });

  it("decodes what a decoder was fed itself: a binary packet from its string and attachment, and a decoder that refused input starts afresh", () => {
    const { packets, events } = captures();
    const out = new sioParser.Encoder().encode({ type: sioParser.PacketType.EVENT, nsp: "/", data: ["upload", Buffer.from([1, 2, 3])] }) as unknown[];
    expect(out).toHaveLength(2);
    for (const input of out) packets.apply({ kind: "add", t: 1, host: "server", decoder: 7, input });
    packets.apply({ kind: "add", t: 2, host: "server", decoder: 8, input: "2[not json" });
    packets.apply({ kind: "refused", t: 2, host: "server", decoder: 8, message: "invalid payload", input: "2[not json" });
    packets.apply({ kind: "add", t: 3, host: "server", decoder: 8, input: '2["hello","again"]' });
    const got = events().filter((e) => e.layer === "socketio");
    expect(got.map((e) => (e.layer === "socketio" ? [e.type, e.attachments, e.encoded, e.data] : []))).toEqual([
      ["BINARY_EVENT", 1, out[0], ["upload", { _binary: "AQID", length: 3 }]],
      ["EVENT", undefined, '2["hello","again"]', ["hello", "again"]],
    ]);
    expect(events().filter((e) => e.layer === "lab" && e.kind === "error")).toHaveLength(1);
  });

  it("keeps a packet nested deeper than JSON can write out of the trace's way, received or sent: past 32 levels it says so", () => {
    const { c, packets, events } = captures();
    const deep = `2["x",${"[".repeat(5000)}${"]".repeat(5000)}]`;
    packets.apply({ kind: "add", t: 1, host: "server", decoder: 1, input: deep });
    packets.apply({ kind: "encode", t: 2, host: "client-1", side: "client", session: SID, out: [deep] });
    // The recorder writes and hands on what it holds: nothing in it is too deep to serialise.
    expect(() => c.recorder.flush()).not.toThrow();
    const got = events().filter((e) => e.layer === "socketio");
    expect(got.map((e) => (e.layer === "socketio" ? e.dir : ""))).toEqual(["in", "out"]);
    for (const e of got) expect(JSON.stringify(e)).toContain("[too deep]");
  });

  it("links an ack to its emit after a packet with more attachments than a receiver accepts (the encoder has no cap)", () => {
    const { api, packets, events } = captures();
    const client = "client-1";
    const emit = (token: number, packet: Packet, t: number): void => {
      api.apply({ kind: "bind", host: client, token });
      api.apply({ kind: "call", host: client, nsp: packet.nsp, socketId: "sock-1", event: String((packet.data as unknown[])[0]), side: "client" });
      // No session on either side here (no engine records): the ACK is found by host, namespace and ack id.
      packets.apply({ kind: "encode", t, host: client, side: "client", session: undefined, out: new sioParser.Encoder().encode(packet as sioParser.Packet) as unknown[] });
    };
    const buffers = Array.from({ length: 11 }, (_, i) => Buffer.from([i]));
    emit(1, { type: sioParser.PacketType.EVENT, nsp: "/chat", id: 0, data: ["many", ...buffers] }, 1);
    emit(2, { type: sioParser.PacketType.EVENT, nsp: "/chat", id: 1, data: ["next"] }, 2);
    const acked = new sioParser.Encoder().encode({ type: sioParser.PacketType.ACK, nsp: "/chat", id: 1, data: ["ok"] })[0] as string;
    packets.apply({ kind: "add", t: 3, host: client, decoder: 5, input: acked });
    api.apply({ kind: "ack-receive", ref: 200, host: client, nsp: "/chat", token: 2, reply: ["ok"] });
    const all = events();
    const emits = all.filter((e) => e.layer === "api" && e.kind === "emit");
    expect(emits.map((e) => (e.layer === "api" ? [e.event, e.args?.length] : []))).toEqual([
      ["many", 11],
      ["next", 0],
    ]);
    // Decoded with its attachments, not read off the header: the bytes, not placeholders.
    expect(emits[0]?.layer === "api" && emits[0].args?.[10]).toEqual({ _binary: Buffer.from([10]).toString("base64"), length: 1 });
    const sent = all.filter((e) => e.layer === "socketio" && e.dir === "out");
    expect(sent.map((e) => (e.layer === "socketio" ? [e.type, e.nsp, e.ackId, e.attachments] : []))).toEqual([
      ["BINARY_EVENT", "/chat", 0, 11],
      ["EVENT", "/chat", 1, undefined],
    ]);
    const ackIn = all.find((e) => e.layer === "socketio" && e.dir === "in");
    expect(all.find((e) => e.layer === "api" && e.kind === "ack-receive")?.parents).toEqual([ackIn!.id, emits[1]!.id]);
  });

  it("reads a packet off its string's header when a decoder refuses it", () => {
    expect(packetOfHeader('3/chat,12["ok",{"a":1}]')).toEqual({ type: 3, nsp: "/chat", id: 12, data: ["ok", { a: 1 }] });
    expect(packetOfHeader('51-["f",{"_placeholder":true,"num":0}]')).toEqual({ type: 5, nsp: "/", data: ["f", { _placeholder: true, num: 0 }] });
    expect(packetOfHeader("1/admin,")).toEqual({ type: 1, nsp: "/admin" });
    expect(packetOfHeader("2[not json")).toEqual({ type: 2, nsp: "/", data: "[not json" });
    expect(packetOfHeader("")).toEqual({ type: 2, nsp: "/" });
  });

  it("hands data between layers by content: a copy of the bytes finds its packet, text never matches bytes", () => {
    const { c } = captures();
    c.encoded("server", ['451-["file",{"_placeholder":true,"num":0}]', Buffer.from([1, 2, 3])], 9);
    expect(c.encodedAs("server", Buffer.from([1, 2, 3]))).toBe(9);
    expect(c.encodedAs("server", new Uint8Array([1, 2, 3]))).toBe(9);
    expect(c.encodedAs("server", "\u0001\u0002\u0003")).toBeUndefined();
    expect(c.encodedAs("client-1", Buffer.from([1, 2, 3]))).toBeUndefined();
    c.engineMessage("client-1", Buffer.from([4, 5]), { eventId: 5, sid: SID });
    c.engineMessage("client-1", "45", { eventId: 6, sid: SID });
    expect(c.takeEngineMessage("client-1", Buffer.from([4, 5]))).toEqual({ eventId: 5, sid: SID });
    expect(c.takeEngineMessage("client-1", Buffer.from([4, 5]))).toBeUndefined();
    expect(c.takeEngineMessage("client-1", "45")).toEqual({ eventId: 6, sid: SID });
  });
});
