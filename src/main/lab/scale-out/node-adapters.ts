// The adapter a node runs, by choice, traced as the single lab server's is (its broadcasts are
// api events, their encode names them): none (in-memory), the in-process cluster adapter, or
// a Redis adapter whose connections to Redis are this node's traced RESP connections. A
// broadcast that reaches a node from another names what brought it: the bus message, or the
// RESP unit that carried it.

import { createAdapter as createStreamsAdapter } from "@socket.io/redis-streams-adapter";
import { RedisAdapter } from "@socket.io/redis-adapter";
import { Adapter } from "socket.io-adapter";
import type { Namespace } from "socket.io";
import type { ConnectionCapture } from "../capture/connection-capture.js";
import type { Correlator } from "../capture/correlator.js";
import { createTracedAdapter } from "../capture/traced-adapter.js";
import { createBusAdapter, type InProcessBus } from "./bus-adapter.js";
import type { AdapterChoice } from "./choices.js";
import { encodeCauses } from "./encode-causes.js";
import { createRedisClients, type RedisClients } from "./redis-clients.js";
import { NO_REDIS_SERVER } from "./redis-server.js";

export interface NodeAdapterContext {
  c: Correlator;
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

/** Runs `fn` with `cause` as the broadcast the node's next encode belongs to. */
function causedBy<T>(c: Correlator, host: string, cause: number | undefined, fn: () => T): T {
  if (cause === undefined) return fn();
  const outer = c.pendingBroadcast.get(host);
  c.pendingBroadcast.set(host, cause);
  try {
    return fn();
  } finally {
    if (outer === undefined) c.pendingBroadcast.delete(host);
    else c.pendingBroadcast.set(host, outer);
  }
}

export function createNodeAdapter(choice: AdapterChoice, ctx: NodeAdapterContext): NodeAdapter {
  const { c, host } = ctx;
  const heartbeat = { heartbeatInterval: ctx.heartbeatInterval ?? 5000, heartbeatTimeout: 2 * (ctx.heartbeatInterval ?? 5000) };
  const none = { choice, close: () => Promise.resolve() };
  switch (choice) {
    case "none":
      return { ...none, adapter: createTracedAdapter(c, host, Adapter) };
    case "cluster":
      return { ...none, adapter: createTracedAdapter(c, host, createBusAdapter(ctx.bus, c, host, heartbeat)) };
    case "redis":
    case "redis-streams": {
      if (!ctx.redis) throw new Error(NO_REDIS_SERVER);
      /** The RESP unit this node read last: what carried a message that arrives now. */
      let lastRead: number | undefined;
      const clients = createRedisClients({ c, conns: ctx.conns, host, ip: ctx.ip, redis: ctx.redis, onUnit: (id) => (lastRead = id) });
      const adapter = choice === "redis" ? redisAdapter(c, host, clients, () => lastRead) : streamsAdapter(c, host, clients, () => lastRead, heartbeat);
      return { choice, adapter, close: () => clients.close() };
    }
  }
}

/** @socket.io/redis-adapter (pub/sub): a PUBLISH per broadcast, a `pmessage` on every other node. */
function redisAdapter(c: Correlator, host: string, clients: RedisClients, lastRead: () => number | undefined): unknown {
  const pub = clients.create();
  const sub = pub.duplicate();
  class NodeRedisAdapter extends RedisAdapter {
    constructor(nsp: Namespace) {
      super(nsp, pub, sub, {});
    }
  }
  // `onmessage` (private in its types) receives another node's broadcast and emits it here at once.
  const proto = NodeRedisAdapter.prototype as unknown as { onmessage(...a: unknown[]): unknown };
  const onmessage = RedisAdapter.prototype["onmessage" as keyof RedisAdapter] as unknown as (...a: unknown[]) => unknown;
  proto.onmessage = function (this: unknown, ...args: unknown[]) {
    return causedBy(c, host, lastRead(), () => onmessage.apply(this, args));
  };
  return createTracedAdapter(c, host, NodeRedisAdapter as unknown as typeof Adapter);
}

/**
 * @socket.io/redis-streams-adapter: XADD per broadcast, read by every node's XREAD. Its
 * factory makes the instances (it routes what it reads to them), so each is given the traced
 * class's methods in place.
 */
function streamsAdapter(c: Correlator, host: string, clients: RedisClients, lastRead: () => number | undefined, heartbeat: { heartbeatInterval: number; heartbeatTimeout: number }): unknown {
  const factory = createStreamsAdapter(clients.create(), heartbeat);
  const traced = new Map<unknown, typeof Adapter>();
  return function NodeStreamsAdapter(nsp: Namespace) {
    const adapter = factory(nsp) as unknown as Adapter & {
      doPublish(message: { type: number; data?: { packet?: object } }): unknown;
      onRawMessage(...a: unknown[]): unknown;
      onMessage(...a: unknown[]): unknown;
    };
    const base = Object.getPrototypeOf(adapter).constructor as typeof Adapter;
    if (!traced.has(base)) traced.set(base, createTracedAdapter(c, host, base));
    Object.setPrototypeOf(adapter, traced.get(base)!.prototype);
    const causes = encodeCauses(adapter, c, host);
    // A cluster adapter publishes first and emits locally after: the local encode is told its broadcast.
    const doPublish = adapter.doPublish.bind(adapter);
    adapter.doPublish = (message) => {
      const cause = c.pendingBroadcast.get(host);
      if (message.type === 3 && message.data?.packet && cause !== undefined) causes.set(message.data.packet, cause);
      return doPublish(message);
    };
    for (const name of ["onRawMessage", "onMessage"] as const) {
      const original = adapter[name].bind(adapter);
      adapter[name] = (...args: unknown[]) => causedBy(c, host, c.pendingBroadcast.get(host) ?? lastRead(), () => original(...args));
    }
    return adapter;
  };
}
