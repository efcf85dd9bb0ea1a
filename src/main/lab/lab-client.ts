// One lab client: a socket.io-client Manager with its own source address, whose every
// connection (polling keep-alive and WebSocket, through its own http.Agents) is tapped, whose
// engine, parser and sockets are traced as one host, and which can be cut, frozen and closed
// as a well-behaved application closes.

import { Agent, request } from "node:http";
import { createConnection } from "node:net";
import { Manager, type Socket as ClientSocket } from "socket.io-client";
import type { ClientTransports } from "../../shared/lab-api.js";
import { probeEngine } from "./capture/engine/engine-probe.js";
import { createTracedParser } from "./capture/socketio/traced-parser.js";
import { closeManager, engineOfManager, sessionOfManager } from "./capture/socketio-internals.js";
import type { TracedServerCapture } from "./capture/traced-server.js";
import type { ClientOptions, LabClient } from "./lab.js";
import type { AppConsole } from "./server-app.js";

export interface LabClientContext {
  capture: TracedServerCapture;
  /** Where the lab's servers listen now (the lab may move them). */
  bind(): string;
  port(): number;
  servicePort(): number;
  consoleOf(host: string): AppConsole;
  /** The client closed (its connections all ended): the lab forgets it. */
  removed(id: string): void;
}

/** What the lab decided for this client: its host id, label, source address and server URL. */
export interface ClientIdentity {
  id: string;
  label: string;
  ip: string;
  target: string;
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

/** A new traced client (not connected yet: its first `socket()` connects it). */
export function createLabClient(ctx: LabClientContext, who: ClientIdentity, opts: ClientOptions): LabClient {
  const { c, api, conns, engines, packets } = ctx.capture;
  const { id, label, ip, target } = who;
  const transports = opts.transports ?? "polling-upgrade";
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
    parser: createTracedParser(packets, id, "client", session, api.signals),
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
    probeEngine(id, engine, engines, () => c.recorder.now());
  };
  manager.on("reconnect_attempt", () => process.nextTick(hookEngine));
  api.tapManager(id, manager);

  const sockets = new Map<string, ClientSocket>();
  const client: LabClient = {
    id,
    console: ctx.consoleOf(id),
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
        const bind = ctx.bind();
        const req = request({ host: bind === "0.0.0.0" || bind === "::" ? "127.0.0.1" : bind, port: ctx.port(), path, agent: pollingAgent }, (res) => {
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
        const req = request({ host: ctx.bind(), port: ctx.servicePort(), path, agent: pollingAgent }, (res) => {
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
      conns.setPaused(id, true);
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
    conns.setPaused(id, false);
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
    api.signals.forgetHost(id);
    ctx.removed(id);
  };
  return client;
}
