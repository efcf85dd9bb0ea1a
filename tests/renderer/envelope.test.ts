// Open the envelope, Follow connection, a broadcast's recipients and the sockets it left out,
// what each link carries, and export captions: selectors over real lab runs (fixtures recorded
// with `npm run lab -- run hello-ack|rooms --out …`).
import { describe, expect, it } from "vitest";
import { loadNdjson } from "./fixtures/ndjson";
import { envelopeOf } from "../../src/renderer/src/selectors/envelope";
import { selectLayerStacks } from "../../src/renderer/src/selectors/layers";
import { followConnection, followText } from "../../src/renderer/src/selectors/follow-connection";
import { selectLinkRows } from "../../src/renderer/src/selectors/addressing-links";
import { exportCaption } from "../../src/renderer/src/selectors/export-caption";

const field = (layer: { fields: [string, string][] } | undefined, name: string) => layer?.fields.find(([k]) => k === name)?.[1];

describe("the envelope of hello-ack's emit", () => {
  const { store, actions, at } = loadNdjson("hello-ack.ndjson");
  // #91: the client's WebSocket frame carrying 420["hello","world"].
  actions.seek(at(110), 0);
  const env = envelopeOf(store.getState(), 91)!;

  it("starts at the API call and reaches the server", () => {
    expect(env.title).toBe('socket.emit("hello", "world", cb)');
    expect(env.sender.host).toBe("client-1");
    expect(env.receivers.map((r) => r.host)).toEqual(["server"]);
    expect(env.sender.layers.map((l) => l.level)).toEqual(["API", "Socket.IO", "Engine.IO", "Wire", "TCP", "IP"]);
    expect(env.leftOut).toEqual([]);
  });

  it("says one plain sentence per layer and decodes every field, whole", () => {
    const [api, sio, eio, wire, tcp, ip] = env.sender.layers;
    expect(api?.sentence).toBe('client-1\'s code calls socket.emit("hello", "world", cb): event "hello" with 1 argument, asking for an acknowledgement.');
    expect(field(sio, "type")).toBe("2 = EVENT");
    expect(field(sio, "namespace")).toBe("/");
    expect(field(sio, "ack id")).toBe("0");
    expect(field(sio, "attachments")).toBe("none");
    expect(field(sio, "encoded")).toBe('20["hello","world"]');
    expect(field(eio, "type")).toBe("4 = message");
    expect(field(eio, "transport")).toBe("WebSocket");
    expect(eio?.sentence).toContain('420["hello","world"]');
    // RFC 6455 head: a client's text frame, FIN set, masked with a 4-byte key, 20 B payload.
    expect(field(wire, "FIN")).toBe("1 (last frame of the message)");
    expect(field(wire, "RSV1 RSV2 RSV3")).toBe("0 0 0");
    expect(field(wire, "opcode")).toBe("1 (text)");
    expect(field(wire, "MASK")).toBe("1 (masked: a client's frame)");
    expect(field(wire, "payload length")).toBe("20 B");
    expect(field(wire, "masking key")).toMatch(/^[0-9a-f]{2}( [0-9a-f]{2}){3}$/);
    expect(field(wire, "payload unmasked")).toBe('420["hello","world"]');
    expect(field(wire, "head bytes")).toMatch(/^81 94 /);
    expect(tcp?.sentence).toMatch(/^TCP writes 26 bytes/);
    expect(field(ip, "from")).toMatch(/^127\.0\.0\.2:\d+$/);
    expect(field(ip, "to")).toMatch(/^127\.0\.0\.1:\d+$/);
    // The server's side reads the same packet.
    const server = env.receivers[0]!;
    expect(field(server.layers.find((l) => l.level === "Socket.IO"), "encoded")).toBe('20["hello","world"]');
    expect(server.layers.find((l) => l.level === "API")?.sentence).toBe('server\'s handler for "hello" runs with "world".');
  });

  it("shows an HTTP long-polling request with its body and headers", () => {
    // #20: the client's POST carrying the CONNECT packet `40` over polling.
    const e = envelopeOf(store.getState(), 20)!;
    const wire = e.sender.layers.find((l) => l.level === "Wire");
    expect(field(wire, "request line")).toMatch(/^POST \/socket\.io\/\?EIO=4&transport=polling&t=\S+&sid=\S+ HTTP\/1\.1$/);
    expect(field(wire, "body")).toBe("40");
    expect(field(wire, "header content-type")).toBe("text/plain;charset=UTF-8");
    expect(wire?.sentence).toContain("an HTTP POST request with a 2 B body");
  });
});

describe("a broadcast to a room (rooms)", () => {
  const { store, actions, at } = loadNdjson("rooms.ndjson");

  it("io.to(\"lobby\"): one receiving stack per recipient, and client 3 not in the room", () => {
    actions.seek(at(183), 0);
    const stacks = selectLayerStacks(store.getState())!;
    expect(stacks.receivers.map((r) => r.host)).toEqual(["client-1", "client-2"]);
    expect(stacks.leftOut).toEqual([{ host: "client-3", socketId: "xlHID74mTQAfuRvTAAAC", reason: 'not in the room "lobby"' }]);
    const env = envelopeOf(store.getState(), 164)!;
    expect(env.receivers.map((r) => r.host)).toEqual(["client-1", "client-2"]);
    for (const r of env.receivers) expect(field(r.layers.find((l) => l.level === "Socket.IO"), "encoded")).toBe('2/chat,["news","the room is open"]');
    expect(env.leftOut.map((o) => o.host)).toEqual(["client-3"]);
  });

  it("socket.to(\"lobby\") from client 1: the sender is left out as the sender, client 3 as not in the room", () => {
    actions.seek(at(206), 0);
    const env = envelopeOf(store.getState(), 196)!;
    expect(env.receivers.map((r) => r.host)).toEqual(["client-2"]);
    expect(env.leftOut).toEqual([
      { host: "client-1", socketId: "UsITXPTzVufyMaStAAAA", reason: "the sender (socket.to(…) leaves it out)" },
      { host: "client-3", socketId: "xlHID74mTQAfuRvTAAAC", reason: 'not in the room "lobby"' },
    ]);
  });

  it("after client 2 leaves, it is no longer in the room", () => {
    actions.seek(at(219), 0);
    const env = envelopeOf(store.getState(), 209)!;
    expect(env.receivers.map((r) => r.host)).toEqual(["client-1"]);
    expect(env.leftOut.map((o) => [o.host, o.reason])).toEqual([
      ["client-2", 'not in the room "lobby"'],
      ["client-3", 'not in the room "lobby"'],
    ]);
  });
});

describe("Follow connection", () => {
  it("prints non-printable bytes as dots and keeps line breaks", () => {
    expect(followText(new Uint8Array([0x47, 0x45, 0x54, 0x0d, 0x0a, 0x81, 0x94, 0x41, 0x00]))).toBe("GET\n..A.");
  });

  it("hello-ack's WebSocket connection: both directions in order, each unit marked with what it carried", () => {
    const { store, actions, at } = loadNdjson("hello-ack.ndjson");
    actions.seek(at(112), 0);
    const f = followConnection(store.getState(), "client-1/tcp3", store.getState().cursor)!;
    expect(f.transport).toBe("WebSocket");
    expect(f.link.clientHost).toBe("client-1");
    const first = f.blocks[0]!;
    expect(first.dir).toBe("c2s");
    expect(first.unit).toMatch(/^HTTP request GET \/socket\.io\/\?EIO=4&transport=websocket/);
    expect(first.text).toMatch(/^GET \/socket\.io\/\?EIO=4&transport=websocket&sid=\S+ HTTP\/1\.1\nSec-WebSocket-Version: 13\n/);
    expect(first.text).toContain("\nUpgrade: websocket\n");
    expect(f.blocks[1]?.dir).toBe("s2c");
    expect(f.blocks[1]?.unit).toBe("HTTP 101 Switching Protocols (now WebSocket)");
    const hello = f.blocks.find((b) => b.carried.includes('420["hello","world"]'))!;
    expect(hello.dir).toBe("c2s");
    expect(hello.unit).toBe("WebSocket text frame, 20 B payload, masked");
    const ack = f.blocks.find((b) => b.carried.includes('430["got it"]'))!;
    expect(ack.dir).toBe("s2c");
    // A server's frame is not masked: its text reads as sent, after the 2-byte head.
    expect(ack.text).toBe('..430["got it"]');
    expect(f.blocks.indexOf(ack)).toBeGreaterThan(f.blocks.indexOf(hello));
    // Every byte is shown once: the blocks add up to the bytes each way.
    for (const d of ["c2s", "s2c"] as const) expect(f.blocks.filter((b) => b.dir === d).reduce((n, b) => n + b.length, 0)).toBe(f.bytes[d]);
  });

  it("counts the TCP model's lost, retransmitted, duplicate-ACK and out-of-order segments", () => {
    const { store, actions, at } = loadNdjson("hello-ack.ndjson");
    actions.seek(at(112), 0);
    const clean = followConnection(store.getState(), "client-1/tcp3", store.getState().cursor)!.expert!;
    expect(clean.segments).toBeGreaterThan(0);
    expect(clean).toMatchObject({ lost: 0, retransmitted: 0, duplicateAcks: 0, outOfOrder: 0 });
    actions.setNetwork({ loss: 0.3, seed: 7 });
    const lossy = followConnection(store.getState(), "client-1/tcp3", store.getState().cursor)!.expert!;
    expect(lossy.lost).toBeGreaterThan(0);
    expect(lossy.retransmitted).toBeGreaterThanOrEqual(lossy.lost > 0 ? 1 : 0);
    expect(lossy.segments).toBeGreaterThan(clean.segments);
  });
});

describe("what each link carries", () => {
  it("hello-ack: the handshake's connection is long-polling, the upgrade's a WebSocket, the second poll's again polling", () => {
    const { store, actions, at } = loadNdjson("hello-ack.ndjson");
    actions.seek(at(98), 0);
    const rows = selectLinkRows(store.getState());
    expect(rows.map((r) => [r.n, r.link.clientHost, r.transport])).toEqual([
      [1, "client-1", "polling"],
      [2, "client-1", "WebSocket"],
      [3, "client-1", "polling"],
    ]);
    expect(rows.filter((r) => r.current).map((r) => r.n)).toEqual([]);
    actions.seek(at(95), 0);
    expect(selectLinkRows(store.getState()).filter((r) => r.current).map((r) => r.n)).toEqual([2]);
  });
});

describe("export captions", () => {
  it("name the scenario, the step, the event and its time, and the file after them", () => {
    const { store, actions, at } = loadNdjson("rooms.ndjson");
    actions.seek(at(206), 0);
    const c = exportCaption(store.getState(), "Layers");
    expect(c.lines[0]).toBe("Rooms and broadcasts — Step 4: To everyone in the room but the sender");
    expect(c.lines[1]).toMatch(/^Layers · event #206 on client-2: API .+ · t = 167\.095 ms$/);
    expect(c.fileName).toBe("socketscope-rooms-step4-event206-layers");
  });
});

describe("whole strings", () => {
  it("rebuilds a broadcast's call the lab shortened, in the envelope and in Layers", () => {
    const { store, actions, at } = loadNdjson("rooms.ndjson");
    actions.seek(at(206), 0);
    const env = envelopeOf(store.getState(), 196)!;
    const whole = 'socket.to("lobby").emit("message", {"from":"UsITXPTzVufyMaStAAAA","room":"lobby","text":"hi from client 1"})';
    expect(env.title).toBe(whole);
    expect(field(env.sender.layers[0], "call")).toBe(whole);
    expect(selectLayerStacks(store.getState())!.sender.rows[0]!.text).toBe(whole);
    expect(env.sender.layers[1]!.sentence).toMatch(/^Socket\.IO encodes it as an EVENT packet \(type 2\) for namespace "\/chat": 2\/chat,/);
  });
});
