// The lab: a real Socket.IO server (on two ports of one IP) and real clients on loopback,
// every layer traced into one recorder. Plain Node: it never imports Electron.

import { Agent, createServer, request, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import { createConnection, type AddressInfo, type Socket } from "node:net";
import { Server } from "socket.io";
import { Manager, type Socket as ClientSocket } from "socket.io-client";
import type { ClientTransports } from "../../shared/lab-api.js";
import type { Endpoint, TraceHeader } from "../../shared/trace/types.js";
import { TRACE_FORMAT, TRACE_VERSION } from "../../shared/trace/types.js";
import { createRecorder, type Recorder } from "../trace/recorder.js";
import { tapClientSocket, tapManager, tapServerNamespace } from "./capture/api-capture.js";
import { ConnectionCapture } from "./capture/connection-capture.js";
import { Correlator } from "./capture/correlator.js";
import { EngineCapture, sessionClosed, sidOfOpen } from "./capture/engine-capture.js";
import { createTracedAdapter } from "./capture/traced-adapter.js";
import { createTracedParser } from "./capture/socketio-capture.js";
import { clientAddress, isLoopback, loopbackAliases } from "./loopback.js";
import { installServerApp, type AppConsole } from "./server-app.js";

export const APP = { name: "SocketScope", version: "0.1.0" };
export const NAMESPACES = ["/", "/chat", "/streaming-response"] as const;

export interface LabOptions {
  /** Port of the Socket.IO server; 0 takes any free port. Default 3000. */
  port?: number;
  /** Port of the second service on the same IP; default: the next port, or any if busy. */
  servicePort?: number;
  /** Address the servers bind to. Loopback unless the user explicitly asks otherwise. */
  bind?: string;
  traceFile?: string;
  scenario?: TraceHeader["scenario"];
  pingInterval?: number;
  pingTimeout?: number;
  /** Run no server (attach mode: the lab's clients talk to someone else's server). */
  noServer?: boolean;
  recorder?: Recorder;
  log?: (line: string) => void;
  chunkDelay?: number;
}

export interface ClientOptions {
  transports?: ClientTransports;
  /** Source address; by default 127.0.0.(n+1) where the OS allows. */
  ip?: string;
  query?: Record<string, string>;
  /** Server URL; defaults to the lab's server. */
  url?: string;
  reconnection?: boolean;
  label?: string;
}

export interface LabClient {
  id: string;
  ip: string;
  url: string;
  transports: ClientTransports;
  manager: Manager;
  sockets: Map<string, ClientSocket>;
  /** The client's socket on a namespace, opened (and traced) on first use. */
  socket(nsp?: string, auth?: Record<string, unknown>): ClientSocket;
  /** A plain HTTP GET from this client's address to the lab's second service. */
  fetchService(path?: string): Promise<string>;
  /** Stops reading from the network (the client goes silent, as if frozen). */
  freeze(): void;
  close(): void;
}

export interface Lab {
  readonly recorder: Recorder;
  readonly correlator: Correlator;
  /** The Socket.IO server (`io` in learners' server code); undefined while stopped. */
  readonly server: Server | undefined;
  readonly url: string;
  readonly port: number;
  readonly servicePort: number;
  /** The address the servers listen on (loopback unless the user opened the lab to peers). */
  readonly bind: string;
  readonly clients: Map<string, LabClient>;
  /** Moves both servers to another local address (same ports); lab clients follow. */
  listenOn(host: string): Promise<void>;
  addClient(options?: ClientOptions): Promise<LabClient>;
  removeClient(id: string): void;
  /** `io(url, opts)` as learners write it: a new traced client on that URL's namespace. */
  io(url: string, options?: { query?: Record<string, string>; transports?: string[]; auth?: Record<string, unknown> }): ClientSocket;
  stopServer(): Promise<void>;
  startServer(): Promise<void>;
  connections(): ReturnType<ConnectionCapture["connections"]>;
  log: AppConsole;
  dispose(): Promise<void>;
}

const transportList = (t: ClientTransports): ("polling" | "websocket")[] =>
  t === "websocket" ? ["websocket"] : t === "polling" ? ["polling"] : ["polling", "websocket"];

function listen(server: HttpServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      server.off("listening", onListening);
      reject(err);
    };
    const onListening = (): void => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}

export async function createLab(options: LabOptions = {}): Promise<Lab> {
  let bind = options.bind ?? "127.0.0.1";
  const header: TraceHeader = {
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    createdAt: new Date().toISOString(),
    app: APP,
    ...(options.scenario ? { scenario: options.scenario } : {}),
  };
  const recorder = options.recorder ?? createRecorder({ header, ...(options.traceFile ? { file: options.traceFile } : {}) });
  const c = new Correlator(recorder);
  const externals = new Map<string, string>();
  const conns = new ConnectionCapture(c, {
    onExternalPeer(remote: Endpoint) {
      let id = externals.get(remote.ip);
      if (!id) {
        id = `external-${externals.size + 1}`;
        externals.set(remote.ip, id);
        c.record({ layer: "lab", kind: "host", host: id, role: "external", label: `peer at ${remote.ip}`, ips: [remote.ip] });
      }
      return id;
    },
  });
  const engines = new EngineCapture(c);
  const logLines: string[] = [];
  const log: AppConsole = {
    log: (...args: unknown[]) => {
      const line = args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ");
      logLines.push(line);
      options.log?.(line);
    },
  };
  const haveAliases = await loopbackAliases();
  const clients = new Map<string, LabClient>();
  let clientCount = 0;
  let disposed = false;

  // ── server ────────────────────────────────────────────────────────────────
  let httpServer: HttpServer | undefined;
  let serviceServer: HttpServer | undefined;
  let io: Server | undefined;
  let port = 0;
  let servicePort = 0;
  const serverSockets = new Set<Socket>();

  const tapAccepted = (server: HttpServer): void => {
    server.on("connection", (socket: Socket) => {
      serverSockets.add(socket);
      socket.once("close", () => serverSockets.delete(socket));
      conns.tapServer("server", socket);
    });
  };

  const listenOrFallback = async (server: HttpServer, wanted: number, service: string): Promise<number> => {
    try {
      return await listen(server, wanted, bind);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "EADDRINUSE" && code !== "EACCES") throw err;
      const got = await listen(server, 0, bind);
      const message = `port ${wanted} on ${bind} is busy (${code}); the ${service} listens on port ${got} instead`;
      c.record({ layer: "lab", kind: "error", host: "server", level: "notice", code, message });
      options.log?.(message);
      return got;
    }
  };

  const startServer = async (): Promise<void> => {
    if (options.noServer || httpServer) return;
    httpServer = createServer();
    tapAccepted(httpServer);
    io = new Server(httpServer, {
      parser: createTracedParser(c, "server", "server"),
      adapter: createTracedAdapter(c) as never,
      serveClient: false,
      maxHttpBufferSize: 1e6,
      ...(options.pingInterval ? { pingInterval: options.pingInterval } : {}),
      ...(options.pingTimeout ? { pingTimeout: options.pingTimeout } : {}),
    });
    io.engine.on("connection", (eio: { id: string; transport: { name: string }; on(ev: string, fn: (p: never) => void): void }) => {
      eio.on("packet", (p) => engines.received("server", eio.id, eio.transport.name as never, p));
      eio.on("packetCreate", (p) => engines.created("server", eio.id, eio.transport.name as never, p));
      eio.on("close", () => sessionClosed(c, "server", eio.id));
    });
    io.engine.on("connection_error", (err: { message: string; code: number; req?: IncomingMessage }) => {
      c.record({ layer: "lab", kind: "error", host: "server", message: `engine refused a request: ${err.message}`, code: String(err.code) });
    });
    for (const nsp of NAMESPACES) tapServerNamespace(c, io.of(nsp));
    installServerApp(io, log, { ...(options.chunkDelay !== undefined ? { chunkDelay: options.chunkDelay } : {}) });

    const wantedPort = port || (options.port ?? 3000);
    port = await listenOrFallback(httpServer, wantedPort, "Socket.IO server");
    c.record({ layer: "lab", kind: "listen", host: "server", ip: bind, port, service: "socket.io" });

    serviceServer = createServer((req: IncomingMessage, res: ServerResponse) => {
      const body = `SocketScope status service on port ${servicePort}: ${io?.engine.clientsCount ?? 0} Socket.IO sessions on port ${port}.\n`;
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(body) });
      res.end(req.method === "HEAD" ? undefined : body);
    });
    tapAccepted(serviceServer);
    servicePort = await listenOrFallback(serviceServer, servicePort || (options.servicePort ?? (port === 0 ? 0 : port + 1)), "status service");
    c.record({ layer: "lab", kind: "listen", host: "server", ip: bind, port: servicePort, service: "http-status" });
  };

  const closeServer = (server: HttpServer | undefined): Promise<void> =>
    new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));

  const stopServer = async (): Promise<void> => {
    const srv = io;
    io = undefined;
    // http.Server#close waits for every connection to end: a frozen client never would.
    const closed = srv ? new Promise<void>((resolve) => void srv.close(() => resolve())) : closeServer(httpServer);
    for (const s of serverSockets) s.destroy();
    await closed;
    await closeServer(serviceServer);
    httpServer = undefined;
    serviceServer = undefined;
  };

  c.record({ layer: "lab", kind: "host", host: "server", role: "server", label: "Socket.IO server", ips: [bind] });
  await startServer();
  /** Where lab clients connect: the bound address, or loopback when bound to every interface. */
  const labUrl = (): string => {
    if (options.noServer) return "";
    const host = bind === "0.0.0.0" || bind === "::" ? "127.0.0.1" : bind;
    return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  };
  let url = labUrl();

  // ── clients ───────────────────────────────────────────────────────────────
  const addClientNow = (opts: ClientOptions = {}): LabClient => {
    if (disposed) throw new Error("the lab is closed");
    const index = ++clientCount;
    const id = `client-${index}`;
    const ip = opts.ip ?? clientAddress(index, haveAliases);
    const transports = opts.transports ?? "polling-upgrade";
    const target = opts.url ?? url;
    const label = opts.label ?? `client ${index}`;
    const reconnection = opts.reconnection ?? true;
    c.record({ layer: "lab", kind: "host", host: id, role: "client", label, ips: [ip], reconnection });

    const agent = (keepAlive: boolean): Agent => {
      const a = new Agent({ keepAlive, localAddress: ip });
      a.createConnection = ((o: Parameters<typeof createConnection>[0]) => {
        const socket = createConnection(o);
        conns.tapClient(id, socket);
        return socket;
      }) as unknown as Agent["createConnection"];
      return a;
    };
    const pollingAgent = agent(true);
    const wsAgent = agent(false);
    const session = (): string | undefined => (manager.engine as unknown as { id?: string | null } | undefined)?.id ?? undefined;
    const manager: Manager = new Manager(target, {
      transports: transportList(transports),
      upgrade: transports === "polling-upgrade",
      parser: createTracedParser(c, id, "client", session),
      reconnection,
      reconnectionDelay: 500,
      reconnectionDelayMax: 4000,
      autoConnect: false,
      ...(opts.query ? { query: opts.query } : {}),
      transportOptions: { polling: { agent: pollingAgent }, websocket: { agent: wsAgent } },
    } as never);

    const hooked = new WeakSet<object>();
    const hookEngine = (): void => {
      const engine = manager.engine as unknown as
        | { id: string | null; transport?: { name: string }; on(ev: string, fn: (p: never) => void): void }
        | undefined;
      if (!engine || hooked.has(engine)) return;
      hooked.add(engine);
      engine.on("packet", (p: { type: string; data?: unknown }) =>
        engines.received(id, engine.id ?? sidOfOpen(p), engine.transport?.name as never, p),
      );
      engine.on("packetCreate", (p: { type: string; data?: unknown }) =>
        engines.created(id, engine.id ?? undefined, engine.transport?.name as never, p),
      );
      engine.on("close", () => sessionClosed(c, id, engine.id));
    };
    manager.on("reconnect_attempt", () => process.nextTick(hookEngine));
    tapManager(c, id, manager);

    const sockets = new Map<string, ClientSocket>();
    const client: LabClient = {
      id,
      ip,
      url: target,
      transports,
      manager,
      sockets,
      socket(nsp = "/", auth) {
        let s = sockets.get(nsp);
        if (!s) {
          s = manager.socket(nsp, auth ? { auth } : {});
          tapClientSocket(c, id, s, nsp);
          sockets.set(nsp, s);
          s.connect();
          hookEngine();
        }
        return s;
      },
      fetchService(path = "/") {
        return new Promise((resolve, reject) => {
          const req = request({ host: bind, port: servicePort, path, agent: pollingAgent }, (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (d: string) => (body += d));
            res.on("end", () => resolve(body));
          });
          req.on("error", reject);
          req.end();
        });
      },
      freeze() {
        for (const s of conns.socketsOf(id)) s.pause();
      },
      close() {
        if (!clients.has(id)) return;
        c.record({ layer: "lab", kind: "host", host: id, role: "client", label, ips: [ip], reconnection, removed: true });
        for (const s of sockets.values()) s.disconnect();
        (manager as unknown as { _close?: () => void })._close?.();
        manager.engine?.close();
        pollingAgent.destroy();
        wsAgent.destroy();
        // A frozen client would wait 30 s for the WebSocket closing handshake.
        for (const s of conns.socketsOf(id)) if (s.isPaused()) s.destroy();
        c.forgetHost(id);
        clients.delete(id);
      },
    };
    clients.set(id, client);
    return client;
  };
  const addClient = async (opts: ClientOptions = {}): Promise<LabClient> => addClientNow(opts);

  const lab: Lab = {
    recorder,
    correlator: c,
    get server() {
      return io;
    },
    get url() {
      return url;
    },
    get port() {
      return port;
    },
    get servicePort() {
      return servicePort;
    },
    get bind() {
      return bind;
    },
    async listenOn(host) {
      if (host === bind) return;
      await stopServer();
      bind = host;
      await startServer();
      url = labUrl();
      const open = !isLoopback(host);
      c.record({
        layer: "lab",
        kind: "error",
        host: "server",
        level: "notice",
        message: open ? `the lab now listens on ${host}: other machines can connect to it` : `the lab listens on ${host} again`,
      });
    },
    clients,
    addClient,
    removeClient(id) {
      clients.get(id)?.close();
    },
    io(target, opts = {}) {
      const u = new URL(target);
      const t = opts.transports;
      const transports: ClientTransports =
        t && t.length === 1 && t[0] === "websocket" ? "websocket" : t && t.length === 1 && t[0] === "polling" ? "polling" : "polling-upgrade";
      const client = addClientNow({ url: u.origin, transports, ...(opts.query ? { query: opts.query } : {}) });
      return client.socket(u.pathname || "/", opts.auth);
    },
    stopServer,
    startServer,
    connections: () => conns.connections(),
    log,
    async dispose() {
      if (disposed) return;
      disposed = true;
      conns.closing = true;
      for (const client of [...clients.values()]) client.close();
      await stopServer();
      // Let the last closes, and their self-checks, be recorded: they arrive as 'close' events.
      await conns.settled(2000);
      if (!options.recorder) recorder.close();
    },
  };
  return lab;
}
