// Redis clients (ioredis) for one server node, each of its connections to Redis a traced
// connection of that node read as RESP. The seam is ioredis's public `Connector` option: the
// lab's connector opens the socket from the node's own address and taps it before it connects.

import { createConnection } from "node:net";
import { AbstractConnector, Redis } from "ioredis";
import type { NetStream } from "ioredis/built/types.js";
import type { ConnectionCapture } from "../capture/tcp/connection-capture.js";

export interface RedisClientsOptions {
  /** Taps each client's connection, `toApi`: what it writes and reads is the node's own code's (see `TapOptions.toApi`). */
  conns: ConnectionCapture;
  /** The node these clients belong to, and its address. */
  host: string;
  ip: string;
  redis: { ip: string; port: number };
}

export interface RedisClients {
  /** A new client (`duplicate()` of it makes another traced one). */
  create(): Redis;
  /** Closes every client it made, and their duplicates (QUIT, then FIN). */
  close(): Promise<void>;
}

export function createRedisClients(options: RedisClientsOptions): RedisClients {
  const { conns, host, ip, redis } = options;
  const streams = new Set<NetStream>();
  const clients = new Set<Redis>();

  class TappedConnector extends AbstractConnector {
    constructor() {
      super(2000);
    }

    connect(): Promise<NetStream> {
      this.connecting = true;
      // ioredis wants the stream a turn later, once its own listeners can be added.
      return new Promise((resolve, reject) => {
        process.nextTick(() => {
          if (!this.connecting) return reject(new Error("Connection is closed."));
          const socket = createConnection({ host: redis.ip, port: redis.port, localAddress: ip });
          conns.tapClient(host, socket, { ip: redis.ip, port: redis.port }, { protocol: "resp", toApi: true });
          streams.add(socket);
          socket.once("close", () => streams.delete(socket));
          this.stream = socket;
          resolve(socket);
        });
      });
    }
  }

  const track = (client: Redis): Redis => {
    clients.add(client);
    client.on("error", () => {
      /* a lost connection ends the client (no retries): its close is in the trace */
    });
    const duplicate = client.duplicate.bind(client);
    client.duplicate = ((override?: object) => track(duplicate(override))) as Redis["duplicate"];
    return client;
  };

  return {
    create() {
      return track(new Redis({ host: redis.ip, port: redis.port, Connector: TappedConnector, retryStrategy: () => null, maxRetriesPerRequest: 0 }));
    },
    async close() {
      await Promise.all(
        [...clients].map(async (client) => {
          // QUIT as a client does; a subscriber, or one blocked in XREAD, does not answer it in time: ended outright.
          if (client.status === "ready") {
            let timer: NodeJS.Timeout | undefined;
            await Promise.race([client.quit().catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, QUIT_WAIT_MS)))]);
            clearTimeout(timer);
          }
          client.disconnect();
        }),
      );
      await Promise.all([...streams].map((s) => new Promise<void>((resolve) => (s.destroyed ? resolve() : s.once("close", () => resolve())))));
    },
  };
}

const QUIT_WAIT_MS = 300;
