// The lab: a real Socket.IO server (on two ports of one IP) and real clients on loopback,
// every layer traced into one recorder. Plain Node: it never imports Electron.

import type { Socket } from "node:net";
import type { Server } from "socket.io";
import type { Manager, Socket as ClientSocket } from "socket.io-client";
import type { ClientTransports } from "../../shared/lab-api.js";
import type { TraceHeader } from "../../shared/trace/types.js";
import { TRACE_FORMAT, TRACE_VERSION } from "../../shared/trace/types.js";
import { createRecorder, type Recorder } from "../trace/recorder.js";
import type { ApiCapture } from "./capture/api/api-capture.js";
import { type CaptureShape, createCaptureSet, type LabCapture } from "./capture/capture-set.js";
import type { Correlator } from "./capture/correlator.js";
import type { ConnectionCapture } from "./capture/tcp/connection-capture.js";
import { CaptureWorkerUnavailable, startCaptureWorker } from "./capture/worker/remote-captures.js";
import { createLabClient } from "./lab-client.js";
import { createLabServer } from "./lab-server.js";
import { clientAddress, isLoopback, loopbackAliases } from "./loopback.js";
import type { AppConsole } from "./server-app.js";

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
  /**
   * Where the captures apply the probes' records: in a worker thread (the default for a lab that
   * makes its own recorder; `SOCKETSCOPE_CAPTURE=thread` turns it off), or on Socket.IO's
   * thread (always, for a lab given a `recorder` or a `capture`).
   */
  captureIn?: "thread" | "worker";
  /** How many recent events the lab's own recorder keeps in memory (the trace file keeps all). */
  windowSize?: number;
  /** How many bytes of recent events (their JSON) it keeps. */
  windowBytes?: number;
  /** When its trace begins, for its header (what a caller already showed of it); now if not given. */
  createdAt?: string;
}

export type { LabCapture } from "./capture/capture-set.js";

/**
 * A lab's recorder and captures, on this thread or in a worker (`capturesInWorker`): the ones
 * `options` gives, or new ones of the lab's `shape`.
 */
export async function makeCapture(options: LabOptions, header: TraceHeader, shape: CaptureShape): Promise<{ recorder: Recorder; capture: LabCapture }> {
  const file = options.traceFile ? { file: options.traceFile } : {};
  const window = { ...(options.windowSize !== undefined ? { windowSize: options.windowSize } : {}), ...(options.windowBytes !== undefined ? { windowBytes: options.windowBytes } : {}) };
  if (capturesInWorker(options)) {
    if (options.recorder || options.capture) throw new Error("a lab whose captures run in a worker makes its own recorder and captures");
    try {
      return await startCaptureWorker({ header, shape, ...file, ...window });
    } catch (err) {
      // Asked for by name, the worker must run; by default the lab goes on with its captures on this thread, and says so.
      if (options.captureIn === "worker" || !(err instanceof CaptureWorkerUnavailable)) throw err;
      const line = `${err.message}: the captures run on the lab's thread`;
      console.warn(`socketscope: ${line}`);
      options.log?.(line);
    }
  }
  const recorder = options.recorder ?? createRecorder({ header, ...file, ...window });
  return { recorder, capture: options.capture ?? createCaptureSet(recorder, shape) };
}

/** The header of a lab's trace: its scenario, and when it begins (now, unless a caller already showed it). */
export function labHeader(options: Pick<LabOptions, "scenario" | "createdAt">): TraceHeader {
  return { format: TRACE_FORMAT, version: TRACE_VERSION, createdAt: options.createdAt ?? new Date().toISOString(), app: APP, ...(options.scenario ? { scenario: options.scenario } : {}) };
}

/** Whether a lab with these options runs its captures in a worker. */
export function capturesInWorker(options: { captureIn?: "thread" | "worker"; recorder?: Recorder; capture?: LabCapture }): boolean {
  if (options.captureIn !== undefined) return options.captureIn === "worker";
  return process.env.SOCKETSCOPE_CAPTURE !== "thread" && !options.recorder && !options.capture;
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
  /**
   * The peer of `socket`, accepted on the lab's behalf before it is handed to the lab's server
   * (class mode's students), is the lab host `host`: its connection is named so, not
   * `external-N`. Absent where the lab does not capture its own connections (several server nodes).
   */
  namePeer?(socket: Socket, host: string): void;
  /** `console` of the server's code: lines go to the trace as lab `log` events on the server. */
  log: AppConsole;
  /**
   * Ends the lab cleanly: every client disconnects and closes its connections, the server
   * reads everything and closes, then stops listening. Waits on events, not fixed sleeps.
   */
  dispose(): Promise<void>;
}

export async function createLab(options: LabOptions = {}): Promise<Lab> {
  let bind = options.bind ?? "127.0.0.1";
  const { recorder, capture } = await makeCapture(options, labHeader(options), "lab");
  const { correlator: c, api, packets, connections: conns, engines } = capture;
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

  // ── servers ───────────────────────────────────────────────────────────────
  const servers = createLabServer({ capture: { c, api, packets, conns, engines }, options, bind: () => bind, log });
  const startServer = (choices?: ServerChoices): Promise<void> => servers.start(choices);
  const stopServer = (): Promise<void> => servers.stop();

  if (!options.noServer) c.record({ layer: "lab", kind: "host", host: "server", role: "server", label: "Socket.IO server", ips: [bind] });
  try {
    await startServer();
  } catch (err) {
    // No lab to dispose of: its recorder (and a capture worker with it) is closed here.
    if (!options.recorder) recorder.close();
    throw err;
  }
  /** Where lab clients connect: the bound address, or loopback when bound to every interface. */
  const labUrl = (): string => {
    if (options.noServer) return "";
    const host = bind === "0.0.0.0" || bind === "::" ? "127.0.0.1" : bind;
    return `http://${host.includes(":") ? `[${host}]` : host}:${servers.port}`;
  };
  let url = labUrl();

  // ── clients ───────────────────────────────────────────────────────────────
  const clientContext = {
    capture: { c, api, packets, conns, engines },
    bind: () => bind,
    port: () => servers.port,
    servicePort: () => servers.servicePort,
    consoleOf,
    removed: (id: string) => void clients.delete(id),
  };
  const addClientNow = (opts: ClientOptions = {}): LabClient => {
    if (disposed) throw new Error("the lab is closed");
    const index = ++clientCount;
    const who = { id: `client-${index}`, label: opts.label ?? `client ${index}`, ip: opts.ip ?? clientAddress(index, haveAliases), target: opts.url ?? url };
    const client = createLabClient(clientContext, who, opts);
    clients.set(client.id, client);
    return client;
  };
  const addClient = async (opts: ClientOptions = {}): Promise<LabClient> => addClientNow(opts);

  const lab: Lab = {
    recorder,
    correlator: c,
    api,
    get server() {
      return servers.io;
    },
    get url() {
      return url;
    },
    get port() {
      return servers.port;
    },
    get servicePort() {
      return servers.servicePort;
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
    holdUpgrades: () => servers.holdUpgrades(),
    releaseUpgrades: () => servers.releaseUpgrades(),
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
    namePeer: (socket, host) => conns.namePeer(socket, host),
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
