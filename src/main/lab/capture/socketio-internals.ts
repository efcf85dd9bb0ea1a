// Every place the capture reaches into Socket.IO past its public API, in one module. Each
// accessor names the package, the member and why the capture needs it; the versions they were
// checked against are pinned, and `tests/main/lab/capture/socketio-internals.test.ts` fails
// loudly, on real objects, when an upgrade moves or renames any of them.

import type { Namespace, Socket as ServerSocket } from "socket.io";
import type { Adapter } from "socket.io-adapter";
import type { Manager, Socket as ClientSocket } from "socket.io-client";

/** The versions of the packages below whose internals this module was written against. */
export const CHECKED_VERSIONS = {
  "socket.io": "4.8",
  "socket.io-client": "4.8",
  "socket.io-adapter": "2.5",
  "engine.io": "6.6",
  "engine.io-client": "6.6",
} as const;

/** An Engine.IO session as its `connection`, `packet`, `packetCreate` and `close` events show it. */
export interface EngineSession {
  /** engine.io: the session id (`sid`); public on the client, declared private on the server. */
  readonly id: string | null;
  /** The transport carrying the session now (`polling` or `websocket`). */
  readonly transport?: { readonly name: string };
  on(event: string, listener: (packet: never) => void): unknown;
}

/** engine.io: the Engine.IO session a server's namespace socket rides on (`socket.conn.id` is private). */
export function sessionOfServerSocket(socket: ServerSocket): string {
  return (socket.conn as unknown as EngineSession).id ?? "";
}

/** engine.io: a session as the server's `connection` event hands it (its `id` is declared private). */
export function asEngineSession(session: unknown): EngineSession {
  return session as EngineSession;
}

/** engine.io-client: a Manager's current engine, or undefined before its first open. */
export function engineOfManager(manager: Manager): EngineSession | undefined {
  return manager.engine as unknown as EngineSession | undefined;
}

/** The Engine.IO session a client socket's Manager is on now, if open. */
export function sessionOfManager(manager: Manager): string | undefined {
  return engineOfManager(manager)?.id ?? undefined;
}

/** socket.io-client: the retry queue's entry (`Socket._queue`, private) as the capture reads it. */
export interface QueuedPacket {
  tryCount: number;
}

/**
 * What the capture reads of a socket while its `emit` runs: socket.io-client's private
 * `flags` (`volatile`; `fromQueue` while a retry is sent), `_opts.retries` and `_queue`.
 * A server socket has `flags` too, and neither of the others.
 */
export interface EmitState {
  emit: (...a: never[]) => unknown;
  connected: boolean;
  flags?: { fromQueue?: boolean; volatile?: boolean };
  _opts?: { retries?: number };
  _queue?: QueuedPacket[];
}

export function emitState(socket: ClientSocket | ServerSocket): EmitState {
  return socket as unknown as EmitState;
}

/** socket.io-client: `Manager._close()` (private) closes its engine even with no socket left to disconnect. */
export function closeManager(manager: Manager): void {
  (manager as unknown as { _close?: () => void })._close?.();
}

/** socket.io: the namespace socket with this id (`nsp.sockets` is public) and its session (private `conn.id`). */
export function sessionOfSocketId(nsp: Namespace, socketId: string): string | undefined {
  const socket = nsp.sockets.get(socketId);
  return socket ? sessionOfServerSocket(socket) || undefined : undefined;
}

/** socket.io-adapter: `Adapter._encode(packet, opts)` (private), which `broadcast` calls once per packet. */
export interface AdapterEncode {
  _encode(packet: object, opts: unknown): unknown;
}

export function adapterEncode(adapter: Adapter): AdapterEncode {
  return adapter as unknown as AdapterEncode;
}

/** engine.io: whether a server's engine holds session `sid` now (`engine.clients`, untyped). */
export function engineHasSession(io: { engine: unknown }, sid: string): boolean {
  return (io.engine as { clients: Record<string, unknown> }).clients[sid] !== undefined;
}

/**
 * @socket.io/redis-adapter: `RedisAdapter.prototype.onmessage` (private in its types), which
 * receives another node's broadcast and emits it locally at once. Returns the original.
 */
export function redisAdapterOnMessage(proto: object): { get(): (...a: unknown[]) => unknown; set(fn: (...a: unknown[]) => unknown): void } {
  const p = proto as { onmessage(...a: unknown[]): unknown };
  return {
    get: () => p.onmessage,
    set: (fn) => {
      p.onmessage = fn;
    },
  };
}

/**
 * @socket.io/redis-streams-adapter (a ClusterAdapter of socket.io-adapter): `doPublish`
 * (protected) sends a message to the other nodes; `onRawMessage` and `onMessage` (private)
 * take in what another node sent.
 */
export interface ClusterAdapterHooks {
  doPublish(message: { type: number; data?: { packet?: object } }): unknown;
  onRawMessage(...a: unknown[]): unknown;
  onMessage(...a: unknown[]): unknown;
}

export function clusterAdapterHooks(adapter: unknown): Adapter & ClusterAdapterHooks {
  return adapter as Adapter & ClusterAdapterHooks;
}
