// The lab's servers: the Socket.IO server (its HTTP server, the upgrade gate a lesson can close,
// the learners' server code) and the plain HTTP status service on a second port of the same
// IP, both traced as the host "server". Started, stopped and restarted with other choices.

import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Server } from "socket.io";
import { Adapter, SessionAwareAdapter } from "socket.io-adapter";
import { createTracedAdapter } from "./capture/api/traced-adapter.js";
import { createTracedServer, type TracedServerCapture } from "./capture/traced-server.js";
import type { LabOptions, ServerChoices } from "./lab.js";
import { NAMESPACES } from "./lab.js";
import { installServerApp, type AppConsole } from "./server-app.js";
import { listen } from "./listen.js";

export interface LabServer {
  /** The Socket.IO server; undefined while stopped. */
  readonly io: Server | undefined;
  readonly port: number;
  readonly servicePort: number;
  /** Starts both servers (on their previous ports, if they ran before); `choices` replace the server options from now on. */
  start(choices?: ServerChoices): Promise<void>;
  stop(): Promise<void>;
  holdUpgrades(): void;
  releaseUpgrades(): void;
}

export interface LabServerContext {
  capture: TracedServerCapture;
  options: Pick<LabOptions, "port" | "servicePort" | "noServer" | "pingInterval" | "pingTimeout" | "chunkDelay" | "log" | "server">;
  /** The address both servers bind to now (the lab may move them). */
  bind(): string;
  /** `console` of the server's code. */
  log: AppConsole;
}

export function createLabServer(ctx: LabServerContext): LabServer {
  const { capture, options, log } = ctx;
  const { c, api, conns } = capture;
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
      return await listen(server, wanted, ctx.bind());
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "EADDRINUSE" && code !== "EACCES") throw err;
      const got = await listen(server, 0, ctx.bind());
      const message = `port ${wanted} on ${ctx.bind()} is busy (${code}); the ${service} listens on port ${got} instead`;
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
    io = createTracedServer(httpServer, "server", capture, NAMESPACES, {
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
    c.record({ layer: "lab", kind: "listen", host: "server", ip: ctx.bind(), port, service: "socket.io" });

    serviceServer = createServer((req: IncomingMessage, res: ServerResponse) => {
      const body = `SocketScope status service on port ${servicePort}: ${io?.engine.clientsCount ?? 0} Socket.IO sessions on port ${port}.\n`;
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(body) });
      res.end(req.method === "HEAD" ? undefined : body);
    });
    tapAccepted(serviceServer);
    // Beside the server's port when one was asked for; any free port when the server took any (port 0: port + 1 may be another program's).
    servicePort = await listenOrFallback(serviceServer, servicePort || (options.servicePort ?? (wantedPort === 0 ? 0 : port + 1)), "status service");
    c.record({ layer: "lab", kind: "listen", host: "server", ip: ctx.bind(), port: servicePort, service: "http-status" });
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

  return {
    get io() {
      return io;
    },
    get port() {
      return port;
    },
    get servicePort() {
      return servicePort;
    },
    start: startServer,
    stop: stopServer,
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
  };
}
