// The adapter a node runs, by choice, traced as the single lab server's is (its broadcasts are
// api events, their encode names them): none (in-memory), the in-process cluster adapter, or
// a Redis adapter whose connections to Redis are this node's traced RESP connections. A
// broadcast that reaches a node from another names what brought it: the bus message, or the
// RESP unit that carried it.

import { createAdapter as createStreamsAdapter } from "@socket.io/redis-streams-adapter";
import { RedisAdapter } from "@socket.io/redis-adapter";
import { Adapter } from "socket.io-adapter";
import type { Namespace } from "socket.io";
import type { ConnectionCapture } from "../capture/tcp/connection-capture.js";
import type { ApiCapture } from "../capture/api/api-capture.js";
import { createTracedAdapter } from "../capture/api/traced-adapter.js";
import { createBusAdapter, type InProcessBus } from "./bus-adapter.js";
import type { AdapterChoice } from "./choices.js";
import { encodeCauses } from "./encode-causes.js";
import { LAST_RESP_READ } from "../capture/probe-signals.js";
import { clusterAdapterHooks, redisAdapterOnMessage } from "../capture/socketio-internals.js";
import { createRedisClients, type RedisClients } from "./redis-clients.js";
import { NO_REDIS_SERVER } from "./redis-server.js";

export interface NodeAdapterContext {
  api: ApiCapture;
  conns: ConnectionCapture;
  host: string;
  ip: string;
  bus: InProcessBus;
  redis: { ip: string; port: number } | undefined;
  /** Heartbeats between cluster adapters (socket.io-adapter's default: every 5 s). */
  heartbeatInterval?: number;
}

export interface NodeAdapter {
  readonly choice: AdapterChoice;
  /** What `new Server(…, { adapter })` and `io.adapter(…)` take: a class, or a function socket.io calls with `new`. */
  readonly adapter: unknown;
  /** Ends the adapter's own connections (Redis clients), after the node closed its adapters. */
  close(): Promise<void>;
}


export function createNodeAdapter(choice: AdapterChoice, ctx: NodeAdapterContext): NodeAdapter {
  const { api, host } = ctx;
  const heartbeat = { heartbeatInterval: ctx.heartbeatInterval ?? 5000, heartbeatTimeout: 2 * (ctx.heartbeatInterval ?? 5000) };
  const none = { choice, close: () => Promise.resolve() };
  switch (choice) {
    case "none":
      return { ...none, adapter: createTracedAdapter(api, host, Adapter) };
    case "cluster":
      return { ...none, adapter: createTracedAdapter(api, host, createBusAdapter(ctx.bus, api, host, heartbeat)) };
    case "redis":
    case "redis-streams": {
      if (!ctx.redis) throw new Error(NO_REDIS_SERVER);
      /** The RESP unit this node read last: what carried a message that arrives now. */
      const clients = createRedisClients({ conns: ctx.conns, host, ip: ctx.ip, redis: ctx.redis });
      const adapter = choice === "redis" ? redisAdapter(api, host, clients) : streamsAdapter(api, host, clients, heartbeat);
      return { choice, adapter, close: () => clients.close() };
    }
  }
}

/** @socket.io/redis-adapter (pub/sub): a PUBLISH per broadcast, a `pmessage` on every other node. */
function redisAdapter(api: ApiCapture, host: string, clients: RedisClients): unknown {
  const pub = clients.create();
  const sub = pub.duplicate();
  class NodeRedisAdapter extends RedisAdapter {
    constructor(nsp: Namespace) {
      super(nsp, pub, sub, {});
    }
  }
  // `onmessage` (private in its types) receives another node's broadcast and emits it here at once.
  const onmessage = redisAdapterOnMessage(RedisAdapter.prototype).get();
  redisAdapterOnMessage(NodeRedisAdapter.prototype).set(function (this: unknown, ...args: unknown[]) {
    return api.causedBy(host, LAST_RESP_READ, () => onmessage.apply(this, args));
  });
  return createTracedAdapter(api, host, NodeRedisAdapter as unknown as typeof Adapter);
}

/**
 * @socket.io/redis-streams-adapter: XADD per broadcast, read by every node's XREAD. Its
 * factory makes the instances (it routes what it reads to them), so each is given the traced
 * class's methods in place.
 */
function streamsAdapter(api: ApiCapture, host: string, clients: RedisClients, heartbeat: { heartbeatInterval: number; heartbeatTimeout: number }): unknown {
  const factory = createStreamsAdapter(clients.create(), heartbeat);
  const traced = new Map<unknown, typeof Adapter>();
  return function NodeStreamsAdapter(nsp: Namespace) {
    const adapter = clusterAdapterHooks(factory(nsp));
    const base = Object.getPrototypeOf(adapter).constructor as typeof Adapter;
    if (!traced.has(base)) traced.set(base, createTracedAdapter(api, host, base));
    Object.setPrototypeOf(adapter, traced.get(base)!.prototype);
    const causes = encodeCauses(adapter, api, host);
    // A cluster adapter publishes first and emits locally after: the local encode is told its broadcast.
    const doPublish = adapter.doPublish.bind(adapter);
    adapter.doPublish = (message) => {
      const cause = api.signals.causeOf(host);
      if (message.type === 3 && message.data?.packet && cause !== undefined) causes.set(message.data.packet, cause);
      return doPublish(message);
    };
    for (const name of ["onRawMessage", "onMessage"] as const) {
      const original = adapter[name].bind(adapter);
      adapter[name] = (...args: unknown[]) => api.causedBy(host, api.signals.causeOf(host) ?? LAST_RESP_READ, () => original(...args));
    }
    return adapter;
  };
}
