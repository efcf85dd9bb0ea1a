// Pinned to the Socket.IO packages the capture reaches into (src/main/lab/capture/socketio-internals.ts).
// An upgrade that moves or renames one of those internals fails here, by name, on real
// objects over real TCP, before it silently breaks a lesson's links.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { Server, type Socket as ServerSocket } from "socket.io";
import { Adapter, ClusterAdapter } from "socket.io-adapter";
import { Manager, type Socket as ClientSocket } from "socket.io-client";
import { RedisAdapter } from "@socket.io/redis-adapter";
import {
  CHECKED_VERSIONS,
  adapterEncode,
  asEngineSession,
  closeManager,
  emitState,
  engineHasSession,
  engineOfManager,
  redisAdapterOnMessage,
  sessionOfManager,
  sessionOfServerSocket,
  sessionOfSocketId,
} from "../../../../src/main/lab/capture/socketio-internals.js";

const require = createRequire(import.meta.url);

/** The installed version of a package (some do not export their package.json): found above its entry point. */
function packageVersion(name: string): string {
  let dir = dirname(require.resolve(name));
  const manifest = (d: string): { name?: string; version?: string } => (existsSync(join(d, "package.json")) ? JSON.parse(readFileSync(join(d, "package.json"), "utf8")) : {});
  while (manifest(dir).name !== name || !manifest(dir).version) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json found for ${name}`);
    dir = up;
  }
  return manifest(dir).version!;
}

let http: HttpServer | undefined;
let io: Server | undefined;
let manager: Manager | undefined;

afterEach(async () => {
  manager?.engine?.close();
  manager = undefined;
  if (io) await new Promise<void>((r) => void io!.close(() => r()));
  io = undefined;
  http = undefined;
});

async function pair(): Promise<{ server: ServerSocket; client: ClientSocket; sessions: unknown[] }> {
  http = createServer();
  io = new Server(http, { serveClient: false });
  const sessions: unknown[] = [];
  io.engine.on("connection", (s: unknown) => sessions.push(s));
  const serverSide = new Promise<ServerSocket>((r) => io!.on("connection", r));
  await new Promise<void>((r) => http!.listen(0, "127.0.0.1", r));
  const port = (http.address() as AddressInfo).port;
  manager = new Manager(`http://127.0.0.1:${port}`, { transports: ["websocket"], reconnection: false });
  const client = manager.socket("/", { retries: 2, ackTimeout: 5000 });
  await new Promise<void>((r) => client.once("connect", () => r()));
  return { server: await serverSide, client, sessions };
}

describe("the Socket.IO internals the capture relies on", () => {
  it("runs against the versions they were checked on", () => {
    for (const [name, checked] of Object.entries(CHECKED_VERSIONS)) {
      const version = packageVersion(name);
      expect(`${name} ${version}`, `${name} changed: re-check src/main/lab/capture/socketio-internals.ts against it, then update CHECKED_VERSIONS`).toMatch(
        new RegExp(`^${name.replace(/\./g, "\\.")} ${checked.replace(/\./g, "\\.")}\\.`),
      );
    }
  });

  it("reads a session's id on both ends (engine.io's private `id` on the server, the Manager's engine on the client)", async () => {
    const { server, sessions } = await pair();
    const sid = sessionOfServerSocket(server);
    expect(sid).toMatch(/^[\w-]{10,}$/);
    expect(sessionOfManager(manager!)).toBe(sid);
    const engine = asEngineSession(sessions[0]);
    expect(engine.id).toBe(sid);
    expect(engine.transport?.name).toBe("websocket");
    expect(typeof engine.on).toBe("function");
    expect(typeof engineOfManager(manager!)?.on).toBe("function");
    expect(engineOfManager(manager!)?.transport?.name).toBe("websocket");
    expect(sessionOfSocketId(io!.of("/"), server.id)).toBe(sid);
    expect(engineHasSession(io!, sid)).toBe(true);
    expect(engineHasSession(io!, "no-such-session")).toBe(false);
  });

  it("reads a client socket's flags, retry options and queue while its emit runs", async () => {
    const { client, server } = await pair();
    server.on("hello", (_a: unknown, cb: (r: string) => void) => cb("ok"));
    const state = emitState(client);
    expect(state._opts?.retries).toBe(2);
    const seen: { fromQueue?: boolean; tryCount?: number; volatile?: boolean }[] = [];
    client.onAnyOutgoing(() => {
      seen.push({ fromQueue: state.flags?.fromQueue, tryCount: state._queue?.[0]?.tryCount, volatile: state.flags?.volatile });
    });
    await new Promise<void>((r) => void client.emit("hello", "x", () => r()));
    expect(seen[0]).toMatchObject({ fromQueue: true });
    expect(typeof seen[0]!.tryCount).toBe("number");
    client.volatile.emit("quiet");
    expect(seen[1]).toMatchObject({ volatile: true });
    expect(Array.isArray(state._queue)).toBe(true);
  });

  it("closes a Manager's engine that no socket uses (`Manager._close`)", async () => {
    await pair();
    const bare = new Manager(`http://127.0.0.1:${(http!.address() as AddressInfo).port}`, { transports: ["websocket"], reconnection: false, autoConnect: false });
    await new Promise<void>((r) => void bare.open(() => r()));
    const engine = engineOfManager(bare) as unknown as { readyState: string };
    expect(engine.readyState).toBe("open");
    closeManager(bare);
    expect(["closing", "closed"]).toContain(engine.readyState);
  });

  it("wraps an adapter's one encode per broadcast (`Adapter._encode`)", async () => {
    const { server } = await pair();
    const adapter = io!.of("/").adapter;
    const encode = adapterEncode(adapter);
    expect(typeof encode._encode).toBe("function");
    const original = encode._encode.bind(adapter);
    const packets: object[] = [];
    encode._encode = (packet, opts) => {
      packets.push(packet);
      return original(packet, opts);
    };
    io!.to(server.id).emit("news", 1);
    expect(packets).toHaveLength(1);
    expect(packets[0]).toMatchObject({ data: ["news", 1] });
    expect(Adapter.prototype).toHaveProperty("_encode");
  });

  it("finds the scale-out adapters' hooks where it reaches for them", () => {
    expect(typeof redisAdapterOnMessage(RedisAdapter.prototype).get()).toBe("function");
    // redis-streams-adapter's class is not exported: its doPublish/onRawMessage are checked by the
    // scale-out tests, which run it against a real redis-server; onMessage comes from ClusterAdapter.
    expect(typeof (ClusterAdapter.prototype as unknown as { onMessage?: unknown }).onMessage).toBe("function");
  });
});
