// A lab of several server nodes: 2 or 3 Socket.IO servers (`node-1`, …) on their own loopback
// addresses, a load balancer (`balancer`) in front of them on the lab's address, the lab's
// clients connecting through it, and what forwards between the nodes: nothing, the in-process
// cluster adapter, or a Redis adapter against a redis-server the lab starts (`redis`). One
// recorder and one capture for all, so both ends of every connection are linked.

import { engineHasSession, sessionOfManager } from "../capture/socketio-internals.js";
import { createLab, labHeader, makeCapture, type ClientOptions, type Lab, type LabClient, type LabOptions } from "../lab.js";
import { loopbackAliases } from "../loopback.js";
import type { AppConsole } from "../server-app.js";
import { startBalancer, type Balancer } from "./balancer.js";
import { InProcessBus } from "./bus-adapter.js";
import { MAX_NODES, MIN_NODES, usesRedis, type AdapterChoice, type BalanceMode, type ScaleOutChoices } from "./choices.js";
import { createNodeAdapter, type NodeAdapter } from "./node-adapters.js";
import { startNode, type ServerNode } from "./node-server.js";
import { NO_REDIS_SERVER, redisServerPath, startRedisServer, type RedisServer } from "./redis-server.js";

export interface ScaleOutOptions extends LabOptions {
  scaleOut?: ScaleOutChoices;
  /** The adapter the nodes start with (default: the chosen one); a lesson may start with none and switch. */
  startAdapter?: AdapterChoice;
  /** How the balancer starts (default: the chosen one); a lesson may start with round robin. */
  startBalance?: BalanceMode;
  /** Heartbeats between cluster adapters, ms (socket.io-adapter's default is 5,000). */
  heartbeatInterval?: number;
}

export interface ScaleOutLab extends Lab {
  readonly nodes: readonly ServerNode[];
  readonly balancer: Balancer;
  /** What the nodes use to forward between them now, and what was chosen for the lab. */
  readonly adapter: AdapterChoice;
  readonly choices: Required<ScaleOutChoices>;
  readonly redis: RedisServer | undefined;
  /** Gives every node another adapter, keeping its sockets and rooms (a lab `fault` says so). */
  useAdapter(choice: AdapterChoice): void;
  /** How the balancer picks a node from now on (a lab `fault` says so). */
  setBalance(mode: BalanceMode): void;
  /** The node holding a lab client's Engine.IO session, if any. */
  nodeOf(client: LabClient): ServerNode | undefined;
  /** Stops one node as a crashed or removed instance would be; the balancer sends no more to it. */
  stopNode(host: string): Promise<void>;
}

export const isScaleOutLab = (lab: Lab): lab is ScaleOutLab => "nodes" in lab && "balancer" in lab;

/** Node k's address: 127.0.1.k where every 127.x address is local (Linux), else the lab's own. */
export const nodeAddress = (k: number, aliases: boolean, bind: string): string => (aliases ? `127.0.1.${k}` : bind);

export async function createScaleOutLab(options: ScaleOutOptions = {}): Promise<ScaleOutLab> {
  const choices: Required<ScaleOutChoices> = {
    nodes: options.scaleOut?.nodes ?? 2,
    balance: options.scaleOut?.balance ?? "sticky-sid",
    adapter: options.scaleOut?.adapter ?? "cluster",
  };
  if (!Number.isInteger(choices.nodes) || choices.nodes < MIN_NODES || choices.nodes > MAX_NODES) throw new Error(`a scaled-out lab has ${MIN_NODES} or ${MAX_NODES} server nodes, not ${choices.nodes}`);
  if ((usesRedis(choices.adapter) || usesRedis(options.startAdapter ?? choices.adapter)) && !redisServerPath()) throw new Error(NO_REDIS_SERVER);
  const bind = options.bind ?? "127.0.0.1";
  const header = labHeader(options);
  const ownRecorder = !options.recorder;
  // Its own captures, of the scaled-out shape (a capture given in `options` is for its clients' lab).
  const { recorder, capture } = await makeCapture({ ...options, capture: undefined }, header, "scale-out");
  const { correlator: c, api, packets, connections: conns, engines } = capture;
  const consoleOf = (host: string): AppConsole => ({
    log: (...args: unknown[]) => {
      const text = args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ");
      api.log(host, text);
      options.log?.(`${host}: ${text}`);
    },
  });

  const aliases = await loopbackAliases();
  const basePort = options.port ?? 3000;
  const nodeSpecs = Array.from({ length: choices.nodes }, (_, i) => ({ host: `node-${i + 1}`, ip: nodeAddress(i + 1, aliases, bind), port: basePort === 0 ? 0 : basePort + i + 1 }));
  for (const n of nodeSpecs) c.record({ layer: "lab", kind: "host", host: n.host, role: "server", label: `Socket.IO server node ${n.host.slice(5)}`, ips: [n.ip] });
  c.record({ layer: "lab", kind: "host", host: "balancer", role: "balancer", label: "load balancer", ips: [bind] });

  // The Redis server first: without it, a Redis adapter cannot be had, and the lab says so before anything listens.
  let redis: RedisServer | undefined;
  const nodes: ServerNode[] = [];
  let balancer: Balancer | undefined;
  const adapters: NodeAdapter[] = [];
  const bus = new InProcessBus(api);
  let current: AdapterChoice = options.startAdapter ?? choices.adapter;
  const adapterFor = (choice: AdapterChoice, node: { host: string; ip: string }): unknown => {
    const a = createNodeAdapter(choice, { api, conns, host: node.host, ip: node.ip, bus, redis, ...(options.heartbeatInterval ? { heartbeatInterval: options.heartbeatInterval } : {}) });
    adapters.push(a);
    return a.adapter;
  };

  const closeAll = async (): Promise<void> => {
    await balancer?.close();
    // Nodes close their sessions and their adapters (ADAPTER_CLOSE on the bus; Redis unsubscribes), then the adapters' connections end.
    await Promise.all(nodes.map((n) => n.close()));
    await Promise.all(adapters.map((a) => a.close()));
    await redis?.stop();
  };

  let base: Lab;
  try {
    if (usesRedis(choices.adapter) || usesRedis(current)) {
      redis = await startRedisServer("127.0.0.1");
      c.record({ layer: "lab", kind: "host", host: "redis", role: "redis", label: `Redis ${redis.version} (redis-server)`.replace(" ()", ""), ips: [redis.ip] });
      c.record({ layer: "lab", kind: "listen", host: "redis", ip: redis.ip, port: redis.port, service: "redis" });
      options.log?.(`redis-server ${redis.version} started on ${redis.ip}:${redis.port}`);
    }
    for (const spec of nodeSpecs) {
      nodes.push(
        await startNode(spec, { c, api, packets, conns, engines, consoleOf, ...(options.pingInterval ? { pingInterval: options.pingInterval } : {}), ...(options.pingTimeout ? { pingTimeout: options.pingTimeout } : {}), ...(options.log ? { log: options.log } : {}) }, adapterFor(current, spec)),
      );
    }
    balancer = await startBalancer({ c, conns, host: "balancer", ip: bind, port: basePort, nodes, mode: options.startBalance ?? choices.balance });
    c.record({ layer: "lab", kind: "listen", host: "balancer", ip: bind, port: balancer.port, service: "load-balancer" });
    base = await createLab({ ...options, noServer: true, recorder, capture, captureIn: "thread" });
  } catch (err) {
    await closeAll();
    if (ownRecorder) recorder.close();
    throw err;
  }
  const bal = balancer;
  const url = `http://${bind}:${bal.port}`;
  const clientTransports = (): ClientOptions["transports"] => (bal.mode === "websocket-only" ? "websocket" : undefined);

  const lab: ScaleOutLab = {
    recorder,
    correlator: c,
    api,
    get server() {
      return nodes[0]?.io;
    },
    url,
    port: bal.port,
    servicePort: 0,
    bind,
    clients: base.clients,
    clientOf: (socket) => base.clientOf(socket),
    holdUpgrades: () => undefined,
    releaseUpgrades: () => undefined,
    listenOn: () => Promise.reject(new Error("a lab of several server nodes stays on loopback")),
    addClient(opts = {}) {
      const transports = opts.transports ?? clientTransports();
      return base.addClient({ ...opts, url: opts.url ?? url, ...(transports ? { transports } : {}) });
    },
    removeClient: (id) => base.removeClient(id),
    io: (target, opts) => base.io(target, opts),
    stopServer: () => Promise.resolve(),
    startServer: () => Promise.resolve(),
    connections: () => base.connections(),
    // Class mode hands a student's socket to node-1's server, whose taps share this capture.
    namePeer: (socket, host) => conns.namePeer(socket, host),
    log: nodes[0]!.console,
    nodes,
    balancer: bal,
    get adapter() {
      return current;
    },
    choices,
    redis,
    useAdapter(choice) {
      if (choice === current) return;
      const code = choice === "none" ? "the in-memory Adapter (each node alone)" : choice === "cluster" ? "a ClusterAdapterWithHeartbeat over the lab's in-process bus" : choice === "redis" ? "@socket.io/redis-adapter (Redis pub/sub)" : "@socket.io/redis-streams-adapter (Redis streams)";
      c.record({ layer: "lab", kind: "fault", host: "balancer", fault: "adapter", detail: `every node now uses ${code}; their sockets and rooms are kept` });
      current = choice;
      for (const node of nodes) node.useAdapter(adapterFor(choice, node));
    },
    setBalance(mode) {
      if (mode === bal.mode) return;
      bal.setMode(mode);
      c.record({ layer: "lab", kind: "fault", host: "balancer", fault: "balance", detail: `the balancer now picks a node ${mode === "round-robin" ? "in turn for every request" : mode === "sticky-sid" ? "by the Engine.IO session id a request carries" : mode === "sticky-ip" ? "by the client's address" : "in turn, for WebSocket-only clients"}` });
    },
    async stopNode(host) {
      const node = nodes.find((n) => n.host === host);
      if (!node) throw new Error(`no node "${host}" (the lab has ${nodes.map((n) => n.host).join(", ")})`);
      c.record({ layer: "lab", kind: "fault", host, fault: "node-down", detail: `${host} stops; the balancer sends no more requests to it` });
      bal.markDown(host);
      await node.close();
    },
    nodeOf(client) {
      const sid = sessionOfManager(client.manager);
      if (!sid) return undefined;
      return nodes.find((n) => engineHasSession(n.io, sid));
    },
    async dispose() {
      await Promise.all([...base.clients.values()].map((client) => client.close()));
      await closeAll();
      await base.dispose();
      if (ownRecorder) recorder.close();
    },
  };
  return lab;
}
