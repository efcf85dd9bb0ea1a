// What a lab of several server nodes can be asked for: how many nodes, how the balancer
// picks one, and what forwards between them. Plain data; the command line and the lab share it.

/**
 * `round-robin`: each HTTP request and each WebSocket to the next node in turn. `sticky-sid`:
 * requests carrying an Engine.IO session id go to the node that opened that session.
 * `sticky-ip`: a client address always goes to the same node. `websocket-only`: round robin,
 * and clients use WebSocket alone (one connection, so one node, per session).
 */
export const BALANCE_MODES = ["round-robin", "sticky-sid", "sticky-ip", "websocket-only"] as const;
export type BalanceMode = (typeof BALANCE_MODES)[number];

/**
 * `none`: each node alone (Socket.IO's in-memory adapter). `cluster`: socket.io-adapter's
 * ClusterAdapterWithHeartbeat over the lab's in-process bus. `redis`: @socket.io/redis-adapter
 * (pub/sub) and `redis-streams`: @socket.io/redis-streams-adapter, both against a real
 * redis-server the lab starts.
 */
export const ADAPTERS = ["none", "cluster", "redis", "redis-streams"] as const;
export type AdapterChoice = (typeof ADAPTERS)[number];

export const MIN_NODES = 2;
export const MAX_NODES = 3;

export interface ScaleOutChoices {
  nodes?: number;
  balance?: BalanceMode;
  adapter?: AdapterChoice;
}

export const isBalanceMode = (v: string): v is BalanceMode => (BALANCE_MODES as readonly string[]).includes(v);
export const isAdapterChoice = (v: string): v is AdapterChoice => (ADAPTERS as readonly string[]).includes(v);
export const usesRedis = (a: AdapterChoice): boolean => a === "redis" || a === "redis-streams";
