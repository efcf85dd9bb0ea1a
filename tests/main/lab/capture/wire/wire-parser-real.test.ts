// @vitest-environment node
// The parser against real traffic: a socket.io Server and socket.io-client on 127.0.0.1,
// each client TCP connection's bytes recorded by wrapping its socket's write/push (test-only).
import { Buffer } from "node:buffer";
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWireParser, type WireParser, type WireUnitParsed } from "../../../../../src/main/lab/capture/wire";
import { expectCoverage, type Step } from "./fixtures";

interface Recorded {
  steps: Step[];
  socket: net.Socket;
}

function toBytes(chunk: unknown, encoding: unknown): Buffer {
  if (typeof chunk === "string") return Buffer.from(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8");
  const view = chunk as Uint8Array;
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

/** An Agent whose sockets record every chunk written and read, in order, as copies. */
function recordingAgent(connections: Recorded[], keepAlive: boolean): http.Agent {
  const agent = new http.Agent({ keepAlive });
  agent.createConnection = (options) => {
    const socket = net.createConnection(options as net.NetConnectOpts);
    const rec: Recorded = { steps: [], socket };
    connections.push(rec);
    const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
    socket.write = ((...args: unknown[]) => {
      rec.steps.push(["out", Buffer.from(toBytes(args[0], args[1]))]);
      return write(...args);
    }) as typeof socket.write;
    const push = socket.push.bind(socket);
    socket.push = (chunk: unknown, encoding?: BufferEncoding) => {
      if (chunk) rec.steps.push(["in", Buffer.from(toBytes(chunk, encoding))]);
      return push(chunk, encoding);
    };
    return socket;
  };
  return agent;
}

describe("real socket.io traffic", () => {
  const connections: Recorded[] = [];
  const agents = [recordingAgent(connections, true), recordingAgent(connections, false)];
  const httpServer = http.createServer();
  const io = new Server(httpServer);
  let client: Socket;
  let sid = "";
  let ackReply: unknown;

  beforeAll(async () => {
    io.on("connection", (socket) => {
      socket.on("hello", (_world: string, cb: (reply: string) => void) => cb("got it"));
    });
    await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
    const { port } = httpServer.address() as AddressInfo;
    client = connect(`http://127.0.0.1:${port}`, {
      forceNew: true,
      reconnection: false,
      transportOptions: { polling: { agent: agents[0] }, websocket: { agent: agents[1] } },
    });
    await new Promise<void>((resolve) => client.on("connect", resolve));
    const engine = client.io.engine;
    sid = engine.id ?? "";
    if (engine.transport.name !== "websocket") await new Promise<void>((resolve) => engine.once("upgrade", () => resolve()));
    ackReply = await new Promise((resolve) => client.emit("hello", "world", resolve));
  });

  afterAll(async () => {
    client.close();
    for (const agent of agents) agent.destroy();
    await new Promise<void>((resolve) => io.close(() => resolve()));
  });

  function parse(rec: Recorded): { parser: WireParser; units: WireUnitParsed[] } {
    const parser = createWireParser("client");
    const units: WireUnitParsed[] = [];
    for (const [dir, chunk] of rec.steps) units.push(...parser.feed(dir, chunk));
    return { parser, units };
  }

  it("finds the probe, the upgrade and the emit with its ack on the upgraded connection", () => {
    expect(ackReply).toBe("got it");
    const parsed = connections.map(parse);
    for (const [i, { units }] of parsed.entries()) {
      expect(units.filter((u) => u.error !== undefined), `connection ${i}`).toEqual([]);
      // the run is over, so every recorded byte is in a complete unit
      expectCoverage(units, connections[i]!.steps);
      // and the recording saw what the kernel carried
      const { steps, socket } = connections[i]!;
      const total = (dir: string): number => steps.filter(([d]) => d === dir).reduce((n, [, c]) => n + c.length, 0);
      expect([total("out"), total("in")]).toEqual([socket.bytesWritten, socket.bytesRead]);
    }
    const upgraded = parsed.find(({ units }) => units.some((u) => u.kind === "ws-upgrade"));
    expect(upgraded).toBeDefined();
    const frames = upgraded!.units.filter((u) => u.kind === "ws-frame" && u.opcode === 1);
    const seen = frames.map((u) => [u.dir, u.preview, u.masked, u.sid]);
    for (const want of [
      ["out", "2probe", true, sid],
      ["in", "3probe", false, sid],
      ["out", "5", true, sid],
      ["out", '420["hello","world"]', true, sid],
      ["in", '430["got it"]', false, sid],
    ]) {
      expect(seen).toContainEqual(want);
    }
    expect(frames.find((u) => u.preview === '420["hello","world"]')?.packets).toEqual([{ type: "message", data: '20["hello","world"]' }]);
    expect(upgraded!.parser.sid).toBe(sid);
  });

  it("finds the handshake open packet with the sid on a polling connection", () => {
    const polling = connections.map(parse).filter(({ units }) => !units.some((u) => u.kind === "ws-upgrade"));
    expect(polling.length).toBeGreaterThan(0);
    const handshake = polling
      .flatMap(({ units }) => units)
      .find((u) => u.kind === "http-response" && u.packets[0]?.type === "open");
    expect(handshake).toMatchObject({ status: 200, sid, transport: "polling" });
    expect(JSON.parse(handshake!.packets[0]!.data!)).toMatchObject({ sid, upgrades: ["websocket"] });
    expect(polling.some(({ parser }) => parser.sid === sid)).toBe(true);
    const posted = polling.flatMap(({ units }) => units).filter((u) => u.kind === "http-request" && u.method === "POST");
    expect(posted.flatMap((u) => u.packets)).toContainEqual({ type: "message", data: "0" });
  });
});
