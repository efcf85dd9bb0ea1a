// The lab: a real Socket.IO server (on two ports of one IP) and real clients on loopback,
// every layer traced into one recorder. Plain Node: it never imports Electron.

import { Agent, createServer, request, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import { createConnection, type AddressInfo, type Socket } from "node:net";
import type { Server } from "socket.io";
import { Adapter, SessionAwareAdapter } from "socket.io-adapter";
import { Manager, type Socket as ClientSocket } from "socket.io-client";
import type { ClientTransports } from "../../shared/lab-api.js";
import type { Endpoint, TraceHeader } from "../../shared/trace/types.js";
import { TRACE_FORMAT, TRACE_VERSION } from "../../shared/trace/types.js";
import { createRecorder, type Recorder } from "../trace/recorder.js";
import { ApiCapture } from "./capture/api/api-capture.js";
import { ConnectionCapture } from "./capture/tcp/connection-capture.js";
import { createExternalPeers } from "./capture/tcp/external-peers.js";
import { Correlator } from "./capture/correlator.js";
import { EngineCapture, sessionClosed, sidOfOpen } from "./capture/engine/engine-capture.js";
import { createTracedAdapter } from "./capture/api/traced-adapter.js";
import { createTracedParser } from "./capture/socketio/traced-parser.js";
import { closeManager, engineOfManager, sessionOfManager } from "./capture/socketio-internals.js";
import { createTracedServer } from "./capture/traced-server.js";
import { clientAddress, isLoopback, loopbackAliases } from "./loopback.js";
import { installServerApp, type AppConsole } from "./server-app.js";

export const APP = { name: "SocketScope", version: "0.1.0" };
export const NAMESPACES = ["/", "/chat", "/streaming-response", "/admin"] as const;

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
  /** Server options the lessons on delivery turn on; see `ServerChoices`. */
  server?: ServerChoices;
  /**
   * A capture to share (with `recorder`, the one its correlator records to): a lab of several
   * server nodes runs its clients here and its nodes around it, one capture linking both ends
   * of every connection.
   */
  capture?: LabCapture;
}

/**
 * Names the host of a connection from outside the lab (class mode: one host per student,
 * declared by the namer), or leaves it to the lab (`undefined`: one `external-N` per IP).
 */
export type ExternalPeerNamer = (remote: Endpoint, local: Endpoint) => string | undefined;

export interface LabCapture {
  correlator: Correlator;
  api: ApiCapture;
  connections: ConnectionCapture;
  engines: EngineCapture;
}

/**
 * Options of `new Server(…)` a lesson may choose, as learners write them. They hold from the
 * next `startServer` on, so a lesson can restart the server with another choice.
 */
export interface ServerChoices {
  /** Socket.IO's connection state recovery (`false`: off, the default). */
  connectionStateRecovery?: { maxDisconnectionDuration?: number; skipMiddlewares?: boolean } | false;
  /** engine.io's permessage-deflate for WebSocket frames (`false`: off, the default). */
  perMessageDeflate?: { threshold?: number } | boolean;
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
  /** The client's permessage-deflate offer (engine.io-client offers it by default; `false` does not). */
  perMessageDeflate?: { threshold?: number } | false;
}

/** Options of one client socket (`manager.socket(nsp, opts)`): delivery with retries. */
export interface SocketChoices {
  retries?: number;
  ackTimeout?: number;
}

export interface LabClient {
  id: string;
  /** `console` for code that runs on this client (its callbacks): lines go to the trace as lab `log` events. */
  console: AppConsole;
  ip: string;
  url: string;
  transports: ClientTransports;
  manager: Manager;
  sockets: Map<string, ClientSocket>;
  /** The client's socket on a namespace, opened (and traced) on first use. */
  socket(nsp?: string, auth?: Record<string, unknown>, options?: SocketChoices): ClientSocket;
  /** A plain HTTP GET from this client's address to the lab's second service. */
  fetchService(path?: string): Promise<string>;
  /** A plain HTTP GET from this client's address to the Socket.IO port (outside any session). */
  request(path: string): Promise<{ status: number; body: string }>;
  /**
   * Ends this client's TCP connections under its transports, with no WebSocket close and no
   * Engine.IO close: as a network that dropped them (each still ends with FIN both ways).
   */
  cut(): void;
  /** Stops reading from the network (the client goes silent, as if frozen). */
  freeze(): void;
  /**
   * Ends the client as a well-behaved application does: its sockets disconnect, its engine
   * closes, and it waits until every one of its connections has closed (FIN both ways).
   */
  close(): Promise<void>;
}

export interface Lab {
  readonly recorder: Recorder;
  readonly correlator: Correlator;
  /** The api layer's capture (its namespaces' taps, what the application's code runs for). */
  readonly api: ApiCapture;
  /** The Socket.IO server (`io` in learners' server code); undefined while stopped. */
  readonly server: Server | undefined;
  readonly url: string;
  readonly port: number;
  readonly servicePort: number;
  /** The address the servers listen on (loopback unless the user opened the lab to peers). */
  readonly bind: string;
  readonly clients: Map<string, LabClient>;
  /** The lab client a client socket belongs to. */
  clientOf(socket: ClientSocket): LabClient | undefined;
  /**
   * Holds the server's answer to WebSocket upgrade requests until `releaseUpgrades()`: a
   * server that is slow to switch protocols (recorded as a lab `fault`).
   */
  holdUpgrades(): void;
  releaseUpgrades(): void;
  /** Moves both servers to another local address (same ports); lab clients follow. */
  listenOn(host: string): Promise<void>;
  addClient(options?: ClientOptions): Promise<LabClient>;
  removeClient(id: string): Promise<void>;
  /** `io(url, opts)` as learners write it: a new traced client on that URL's namespace. */
  io(url: string, options?: { query?: Record<string, string>; transports?: string[]; auth?: Record<string, unknown> }): ClientSocket;
  stopServer(): Promise<void>;
  /** Starts the server; `choices` replace the lab's server options from now on. */
  startServer(choices?: ServerChoices): Promise<void>;
  connections(): ReturnType<ConnectionCapture["connections"]>;
  /** Who names connections from outside the lab (see `ExternalPeerNamer`); `undefined` restores the lab's naming. Absent where the lab does not capture its own connections (several server nodes). */
  nameExternalPeers?(namer: ExternalPeerNamer | undefined): void;
  /** `console` of the server's code: lines go to the trace as lab `log` events on the server. */
  log: AppConsole;
  /**
   * Ends the lab cleanly: every client disconnects and closes its connections, the server
   * reads everything and closes, then stops listening. Waits on events, not fixed sleeps.
   */
  dispose(): Promise<void>;
}

const transportList = (t: ClientTransports): ("polling" | "websocket")[] =>
  t === "websocket" ? ["websocket"] : t === "polling" ? ["polling"] : ["polling", "websocket"];

/** Resolves once an http.Agent has no request running or queued (or after `maxMs`). */
function agentIdle(agent: Agent, maxMs: number): Promise<void> {
  const idle = (): boolean => Object.keys(agent.sockets).length === 0 && Object.keys(agent.requests).length === 0;
  if (idle()) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      agent.off("free", check);
      resolve();
    };
    // 'free' fires as a socket goes back to the pool, before the pool's books are updated.
    const check = (): void => void setImmediate(() => idle() && done());
    const timer = setTimeout(done, maxMs);
    agent.on("free", check);
  });
}

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
  const c = options.capture?.correlator ?? new Correlator(recorder);
  const api = options.capture?.api ?? new ApiCapture(c);
  const externalPeer = createExternalPeers(c);
  let namePeer: ExternalPeerNamer | undefined;
  const conns = options.capture?.connections ?? new ConnectionCapture(c, {
    onExternalPeer(remote: Endpoint, local: Endpoint) {
      return namePeer?.(remote, local) ?? externalPeer(remote);
    },
  });
  const engines = options.capture?.engines ?? new EngineCapture(c);
  /** `console.log` as the learners' code calls it, on one host: a lab `log` event and a log line. */
  const consoleOf = (host: string): AppConsole => ({
    log: (...args: unknown[]) => {
      const text = args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ");
      // The api event whose code is running (a handler's receive, a callback's ack-receive) caused it.
      api.log(host, text);
      options.log?.(host === "server" ? text : `${host}: ${text}`);
    },
  });
  const log = consoleOf("server");
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
  let holding = false;
  const heldUpgrades: (() => void)[] = [];
  let choices: ServerChoices = options.server ?? {};

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

  const startServer = async (next?: ServerChoices): Promise<void> => {
    if (next) choices = next;
    if (options.noServer || httpServer) return;
    // engine.io hands every request outside /socket.io/ to this listener: answer it, never leave it hanging
    httpServer = createServer((_req: IncomingMessage, res: ServerResponse) => void res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Not found: this port serves Socket.IO at /socket.io/\n"));
    tapAccepted(httpServer);
    io = createTracedServer(httpServer, "server", { c, api, conns, engines }, NAMESPACES, {
      adapter: createTracedAdapter(api, "server", choices.connectionStateRecovery ? SessionAwareAdapter : Adapter) as never,
      ...(choices.connectionStateRecovery ? { connectionStateRecovery: choices.connectionStateRecovery } : {}),
      ...(choices.perMessageDeflate ? { perMessageDeflate: choices.perMessageDeflate } : {}),
      ...(options.pingInterval ? { pingInterval: options.pingInterval } : {}),
      ...(options.pingTimeout ? { pingTimeout: options.pingTimeout } : {}),
    });
    // Upgrade requests pass through a gate the lab can close (see holdUpgrades).
    const upgradeListeners = httpServer.listeners("upgrade") as ((req: IncomingMessage, socket: Socket, head: Buffer) => void)[];
    httpServer.removeAllListeners("upgrade");
    httpServer.on("upgrade", (req: IncomingMessage, socket: Socket, head: Buffer) => {
      const answer = (): void => {
        if (socket.destroyed) return;
        for (const l of upgradeListeners) l.call(httpServer, req, socket, head);
      };
      if (holding) heldUpgrades.push(answer);
      else answer();
    });
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

  /**
   * Stops the server as a server does: Socket.IO closes every session (a WebSocket close
   * frame, or the close packet on a pending poll), then stops listening once its
   * connections have ended. A peer that never finishes its side is cut off after a while.
   */
  const stopServer = async (): Promise<void> => {
    const srv = io;
    io = undefined;
    for (const answer of heldUpgrades.splice(0)) answer();
    const closed = srv ? new Promise<void>((resolve) => void srv.close(() => resolve())) : closeServer(httpServer);
    const service = closeServer(serviceServer);
    const ended = await conns.closedAll("server", 2000);
    if (!ended) for (const s of serverSockets) s.destroy();
    await closed;
    await service;
    httpServer = undefined;
    serviceServer = undefined;
  };

  if (!options.noServer) c.record({ layer: "lab", kind: "host", host: "server", role: "server", label: "Socket.IO server", ips: [bind] });
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
      a.createConnection = ((o: Parameters<typeof createConnection>[0] & { host?: string; port?: number | string }) => {
        const socket = createConnection(o);
        conns.tapClient(id, socket, { ip: String(o.host ?? ""), port: Number(o.port ?? 0) });
        return socket;
      }) as unknown as Agent["createConnection"];
      return a;
    };
    const pollingAgent = agent(true);
    const wsAgent = agent(false);
    const session = (): string | undefined => sessionOfManager(manager);
    const manager: Manager = new Manager(target, {
      transports: transportList(transports),
      upgrade: transports === "polling-upgrade",
      parser: createTracedParser(c, api, id, "client", session),
      reconnection,
      reconnectionDelay: 500,
      reconnectionDelayMax: 4000,
      autoConnect: false,
      ...(opts.query ? { query: opts.query } : {}),
      ...(opts.perMessageDeflate !== undefined ? { perMessageDeflate: opts.perMessageDeflate } : {}),
      transportOptions: { polling: { agent: pollingAgent }, websocket: { agent: wsAgent } },
    } as never);

    const hooked = new WeakSet<object>();
    const hookEngine = (): void => {
      const engine = engineOfManager(manager);
      if (!engine || hooked.has(engine)) return;
      hooked.add(engine);
      engine.on("packet", (p: { type: string; data?: unknown }) =>
        engines.received(id, engine.id ?? sidOfOpen(p), engine.transport?.name as never, p),
      );
      engine.on("packetCreate", (p: { type: string; data?: unknown }) =>
        engines.created(id, engine.id ?? undefined, engine.transport?.name as never, p),
      );
      engine.on("close", () => sessionClosed(c, id, engine.id, (h, sid) => conns.flushUnclaimed(h, sid)));
    };
    manager.on("reconnect_attempt", () => process.nextTick(hookEngine));
    api.tapManager(id, manager);

    const sockets = new Map<string, ClientSocket>();
    const client: LabClient = {
      id,
      console: consoleOf(id),
      ip,
      url: target,
      transports,
      manager,
      sockets,
      socket(nsp = "/", auth, socketOptions = {}) {
        let s = sockets.get(nsp);
        if (!s) {
          s = manager.socket(nsp, { ...(auth ? { auth } : {}), ...socketOptions });
          api.tapClientSocket(id, s, nsp);
          sockets.set(nsp, s);
          // socket.connect() after a refusal opens a new engine: trace it too.
          const connect = s.connect.bind(s);
          s.connect = s.open = () => {
            connect();
            hookEngine();
            return s!;
          };
          s.connect();
        }
        return s;
      },
      request(path) {
        return new Promise((resolve, reject) => {
          const req = request({ host: bind === "0.0.0.0" || bind === "::" ? "127.0.0.1" : bind, port, path, agent: pollingAgent }, (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (d: string) => (body += d));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
          });
          req.on("error", reject);
          req.end();
        });
      },
      cut() {
        c.record({ layer: "lab", kind: "fault", host: id, fault: "cut", detail: `the lab ends ${id}'s TCP connections under its transports, as a network that dropped them` });
        for (const s of conns.socketsOf(id)) s.destroy();
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
        c.record({ layer: "lab", kind: "fault", host: id, fault: "freeze", detail: `${id} stops reading from its connections, as a program that hangs` });
        for (const s of conns.socketsOf(id)) s.pause();
      },
      close() {
        closing ??= closeClient();
        return closing;
      },
    };
    let closing: Promise<void> | undefined;
    const closeClient = async (): Promise<void> => {
      for (const s of sockets.values()) s.disconnect();
      // The Manager closes its engine once its last socket disconnected; with none, close it here.
      closeManager(manager);
      manager.engine?.close();
      // A frozen client comes back to life to quit: it reads what waited for it, then closes.
      for (const s of conns.socketsOf(id)) if (s.isPaused()) s.resume();
      // Polling requests still running (the close packet's POST, the pending GET) finish first;
      // then the idle keep-alive connections are let go, this client's FIN first.
      await agentIdle(pollingAgent, 2000);
      pollingAgent.destroy();
      wsAgent.destroy();
      if (!(await conns.closedAll(id, 2000))) {
        for (const s of conns.socketsOf(id)) s.destroy();
        await conns.closedAll(id, 500);
      }
      conns.flushUnclaimed(id);
      c.record({ layer: "lab", kind: "host", host: id, role: "client", label, ips: [ip], reconnection, removed: true });
      c.forgetHost(id);
      api.forgetHost(id);
      clients.delete(id);
    };
    clients.set(id, client);
    return client;
  };
  const addClient = async (opts: ClientOptions = {}): Promise<LabClient> => addClientNow(opts);

  const lab: Lab = {
    recorder,
    correlator: c,
    api,
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
    clientOf(socket) {
      for (const client of clients.values()) if (client.manager === socket.io) return client;
      return undefined;
    },
    holdUpgrades() {
      if (holding) return;
      holding = true;
      c.record({ layer: "lab", kind: "fault", host: "server", fault: "hold-upgrade", detail: "the server holds its answer to WebSocket upgrade requests" });
    },
    releaseUpgrades() {
      if (!holding) return;
      holding = false;
      c.record({ layer: "lab", kind: "fault", host: "server", fault: "release-upgrade", detail: "the server answers the WebSocket upgrade requests it held" });
      for (const answer of heldUpgrades.splice(0)) answer();
    },
    addClient,
    async removeClient(id) {
      await clients.get(id)?.close();
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
    startServer: (next) => startServer(next),
    connections: () => conns.connections(),
    nameExternalPeers(namer) {
      namePeer = namer;
    },
    log,
    async dispose() {
      if (disposed) return;
      disposed = true;
      await Promise.all([...clients.values()].map((client) => client.close()));
      await stopServer();
      // The last closes, and their self-checks, arrive as 'close' events; packets parsed from
      // the wire that no public event claimed are recorded before the recorder closes.
      await conns.closedAll(undefined, 2000);
      conns.flushUnclaimed();
      if (!options.recorder) recorder.close();
    },
  };
  return lab;
}
