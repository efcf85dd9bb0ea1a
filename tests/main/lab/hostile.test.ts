// What a hostile peer, a bad command or an impatient user can do to the lab: it records what
// happened, keeps every other session's links right, and never stops or leaks.
import { afterEach, describe, expect, it } from "vitest";
import { connect, type Socket } from "node:net";
import { createLab, type Lab } from "../../../src/main/lab/lab.js";
import { createLabService } from "../../../src/main/lab/lab-service.js";
import type { TraceEvent } from "../../../src/shared/trace/types.js";
import { indexTrace } from "../../helpers/trace-graph.js";
import { collectEvents } from "../../helpers/lab-events.js";
import { waitFor } from "../../helpers/wait-for.js";

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.dispose();
  lab = undefined;
});

const collect = collectEvents;


/** A raw WebSocket peer speaking Engine.IO by hand, with masked text frames. */
async function rawPeer(port: number): Promise<{ socket: Socket; send(text: string): void }> {
  const socket = connect(port, "127.0.0.1");
  await new Promise((r) => socket.once("connect", r));
  socket.write(
    "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
  );
  await new Promise((r) => socket.once("data", r));
  const send = (text: string): void => {
    const payload = Buffer.from(text);
    const mask = [1, 2, 3, 4];
    const head = payload.length < 126 ? Buffer.from([0x81, 0x80 | payload.length]) : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 255]);
    socket.write(Buffer.concat([head, Buffer.from(mask), Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!))]));
  };
  return { socket, send };
}

const labErrors = (events: TraceEvent[]) => events.filter((e) => e.layer === "lab" && e.kind === "error").map((e) => (e.layer === "lab" && e.kind === "error" ? e.message : ""));

describe("hostile peers", () => {
  it("survives a handler that throws (hello without an ack), records it, and serves on", async () => {
    lab = await createLab({ port: 0 });
    const events = collect(lab);
    const peer = await rawPeer(lab.port);
    peer.send("40");
    await waitFor(() => events.some((e) => e.layer === "api" && e.kind === "connect" && e.host === "server"), "the peer's connect");
    peer.send('42["hello","no ack"]');
    await waitFor(() => labErrors(events).some((m) => /handler for "hello" on \/ threw: callback is not a function/.test(m)), "the handler's error");
    const client = await lab.addClient({ transports: "websocket" });
    const reply = await new Promise((resolve) => client.socket("/").emit("hello", "world", resolve));
    expect(reply).toBe("got it");
    peer.socket.destroy();
  });

  it("keeps a rogue session's unconnected packets from shifting another session's links", async () => {
    lab = await createLab({ port: 0 });
    const events = collect(lab);
    const peer = await rawPeer(lab.port);
    peer.send('42["hello","from rogue"]');
    await waitFor(() => events.some((e) => e.layer === "socketio" && e.dir === "in" && e.encoded.includes("from rogue")), "the rogue's packet");
    const client = await lab.addClient({ transports: "websocket" });
    await new Promise((resolve) => client.socket("/").emit("hello", "from client-1", resolve));
    // A subscriber hears of it a little later where the captures run in a worker.
    await waitFor(() => events.some((e) => e.layer === "api" && e.kind === "receive" && e.host === "server" && e.event === "hello"), "the server's receive");
    const receive = events.find((e) => e.layer === "api" && e.kind === "receive" && e.host === "server" && e.event === "hello")!;
    const chain = indexTrace(events).ancestors(receive.id);
    expect(chain.some((e) => e.layer === "api" && e.kind === "emit" && e.host === "client-1")).toBe(true);
    expect(chain.some((e) => e.layer === "socketio" && e.encoded.includes("from rogue"))).toBe(false);
    peer.socket.destroy();
  });

  it("does not show an ack callback that never ran: a late ACK after a timeout, or a forged one", async () => {
    lab = await createLab({ port: 0, chunkDelay: 200 });
    const events = collect(lab);
    const client = await lab.addClient({ transports: "websocket" });
    const bot = client.socket("/streaming-response");
    await new Promise<void>((r) => bot.once("connect", () => r()));
    // The bot acks after its chunks (several × 200 ms): a 50 ms timeout fires first.
    const got = await new Promise<unknown[]>((resolve) => bot.timeout(50).emit("ask", "slow?", (...a: unknown[]) => resolve(a)));
    expect(String(got[0])).toMatch(/timed out/);
    await waitFor(() => events.some((e) => e.layer === "socketio" && e.type === "ACK" && e.host === "client-1" && e.dir === "in"), "the late ACK");
    const acks = events.filter((e) => e.layer === "api" && e.kind === "ack-receive" && e.host === "client-1");
    expect(acks.map((e) => (e.layer === "api" ? [e.args, e.reason] : []))).toEqual([[[], "operation has timed out"]]);

    // The server asks client-1 a question it never answers; a rogue peer sends an ACK with that id.
    const root = client.socket("/");
    await new Promise<void>((r) => root.once("connect", () => r()));
    const server = lab.server!.of("/");
    const victim = server.sockets.get(root.id!)!;
    const peer = await rawPeer(lab.port);
    peer.send("40");
    await waitFor(() => server.sockets.size >= 2, "the rogue's socket");
    const pending = new Promise<unknown>((resolve) => victim.timeout(300).emit("question", (err: unknown) => resolve(err)));
    peer.send('430["forged"]');
    expect(String(await pending)).toMatch(/timed out/);
    const serverAcks = events.filter((e) => e.layer === "api" && e.kind === "ack-receive" && e.host === "server");
    expect(serverAcks.every((e) => e.layer === "api" && JSON.stringify(e.args) !== '["forged"]')).toBe(true);
    peer.socket.destroy();
  });
});

describe("an impatient user", () => {
  it("two first commands at once build one lab", async () => {
    const service = createLabService({ port: 0 });
    const events: TraceEvent[] = [];
    service.onTrace((b) => events.push(...b.events));
    await Promise.all([service.command({ type: "server-stop" }), service.command({ type: "server-start" })]);
    await new Promise((r) => setTimeout(r, 50));
    const listens = events.filter((e) => e.layer === "lab" && e.kind === "host" && e.role === "server");
    expect(listens).toHaveLength(1);
    await service.dispose();
  });

  it("restart does not wait behind a step that can no longer finish", async () => {
    const service = createLabService({ port: 0 });
    await service.startScenario("heartbeat");
    await service.nextStep();
    await service.nextStep();
    await service.command({ type: "server-stop" });
    void service.nextStep();
    const started = Date.now();
    const status = await service.restartScenario();
    expect(status).toMatchObject({ state: "ready", step: -1 });
    expect(Date.now() - started).toBeLessThan(5000);
    await service.dispose();
  });

  it("refused commands change nothing, and https attach is refused with the reason", async () => {
    const service = createLabService({ port: 0 });
    await service.startScenario("hello-ack");
    const add = await service.command({ type: "add-client", transports: "websocket", namespaces: ["/"] });
    const id = add.message.split(" ")[0]!;
    expect(await service.command({ type: "add-client", ip: "127.0.0.300" })).toMatchObject({ ok: false });
    expect(await service.command({ type: "join", client: id, nsp: "/chat", room: "r" })).toMatchObject({ ok: false });
    expect(await service.command({ type: "disconnect", client: id, nsp: "/streaming-response" })).toMatchObject({ ok: false });
    expect(await service.command({ type: "bogus" } as never)).toMatchObject({ ok: false, message: 'unknown command "bogus"' });
    const events: TraceEvent[] = [];
    service.onTrace((b) => events.push(...b.events));
    await new Promise((r) => setTimeout(r, 50));
    expect(events.filter((e) => e.layer === "socketio" && e.host === id && e.type === "CONNECT" && e.dir === "out").map((e) => (e.layer === "socketio" ? e.nsp : ""))).toEqual(["/"]);
    expect(await service.attach("https://127.0.0.1:3000")).toMatchObject({ ok: false, message: expect.stringMatching(/https:\/\/ servers are not supported/) });
    await service.dispose();
  });
});
