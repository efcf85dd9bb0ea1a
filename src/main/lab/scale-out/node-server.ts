// One server node of a scaled-out lab: a Socket.IO server on its own loopback address and
// port, running the lab's server app, traced at every layer as the single lab server is, as
// host `node-N`. Its adapter can be changed while it runs, keeping its sockets and rooms.

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Server } from "socket.io";
import type { Adapter } from "socket.io-adapter";
import type { ConnectionCapture } from "../capture/tcp/connection-capture.js";
import type { ApiCapture } from "../capture/api/api-capture.js";
import type { Correlator } from "../capture/correlator.js";
import type { SocketIoCapture } from "../capture/socketio/traced-parser.js";
import type { EngineCapture } from "../capture/engine/engine-capture.js";
import { createTracedServer } from "../capture/traced-server.js";
import { NAMESPACES } from "../lab.js";
import { installServerApp, type AppConsole } from "../server-app.js";
import { listen } from "../listen.js";

export interface NodeContext {
  c: Correlator;
  api: ApiCapture;
  packets: SocketIoCapture;
  conns: ConnectionCapture;
  engines: EngineCapture;
  consoleOf(host: string): AppConsole;
  pingInterval?: number;
  pingTimeout?: number;
  log?: (line: string) => void;
}

export interface NodeSpec {
  host: string;
  ip: string;
  /** 0: any free port; a busy port falls back to any (a notice says so). */
  port: number;
}

export interface ServerNode {
  readonly host: string;
  readonly ip: string;
  readonly port: number;
  /** `io` in this node's server code. */
  readonly io: Server;
  /** `console` of this node's server code (lab `log` events on this host). */
  readonly console: AppConsole;
  /** Gives every namespace of this node a new adapter (what `new Server(…, { adapter })` takes), keeping its rooms. */
  useAdapter(adapter: unknown): void;
  /** Stops as a server does: sessions closed, then it stops listening. */
  close(): Promise<void>;
}

/** What a namespace's adapter holds that a new adapter must keep: rooms, and the capture's listeners on them. */
const ROOM_EVENTS = ["create-room", "delete-room", "join-room", "leave-room"] as const;

export async function startNode(spec: NodeSpec, ctx: NodeContext, adapter: unknown): Promise<ServerNode> {
  const { c, api, packets, conns, engines } = ctx;
  const { host, ip } = spec;
  const console = ctx.consoleOf(host);
  const sockets = new Set<Socket>();
  const http = createServer((_req: IncomingMessage, res: ServerResponse) => void res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end(`Not found: ${host} serves Socket.IO at /socket.io/\n`));
  http.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    conns.tapServer(host, socket);
  });
  // A request for a session this node never opened is answered 400 "Session ID unknown" (a notice).
  const io = createTracedServer(http, host, { c, api, packets, conns, engines }, NAMESPACES, {
    adapter: adapter as never,
    ...(ctx.pingInterval ? { pingInterval: ctx.pingInterval } : {}),
    ...(ctx.pingTimeout ? { pingTimeout: ctx.pingTimeout } : {}),
  });
  installServerApp(io, console);

  let port: number;
  try {
    port = await listen(http, spec.port, ip);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (spec.port === 0 || (code !== "EADDRINUSE" && code !== "EACCES")) throw err;
    port = await listen(http, 0, ip);
    const message = `port ${spec.port} on ${ip} is busy (${code}); ${host} listens on port ${port} instead`;
    c.record({ layer: "lab", kind: "error", host, level: "notice", code, message });
    ctx.log?.(message);
  }
  c.record({ layer: "lab", kind: "listen", host, ip, port, service: "socket.io" });

  let closing: Promise<void> | undefined;
  return {
    host,
    ip,
    port,
    io,
    console,
    useAdapter(next) {
      const kept = NAMESPACES.map((name) => {
        const old = io.of(name).adapter as Adapter;
        return { name, old, rooms: old.rooms, sids: old.sids, listeners: ROOM_EVENTS.map((ev) => [ev, old.listeners(ev)] as const) };
      });
      // socket.io makes a new adapter for every namespace (empty: its rooms are put back below).
      io.adapter(next as never);
      for (const k of kept) {
        const adapter = io.of(k.name).adapter as Adapter & { rooms: Adapter["rooms"]; sids: Adapter["sids"] };
        adapter.rooms = k.rooms;
        adapter.sids = k.sids;
        for (const [ev, listeners] of k.listeners) for (const l of listeners) adapter.on(ev, l as (...a: unknown[]) => void);
        void Promise.resolve(k.old.close()).catch(() => undefined);
      }
    },
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => void io.close(() => resolve()));
        // Its HTTP connections end (its Redis connections, if any, are its adapter's to end, after this).
        const drained = Promise.all([...sockets].map((s) => new Promise<void>((resolve) => (s.destroyed ? resolve() : s.once("close", () => resolve())))));
        let timer: NodeJS.Timeout | undefined;
        const late = await Promise.race([drained.then(() => false), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), 2000)))]);
        clearTimeout(timer);
        if (late) for (const s of sockets) s.destroy();
        await closed;
      })();
      return closing;
    },
  };
}
