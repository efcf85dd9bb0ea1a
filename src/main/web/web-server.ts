// Web mode's HTTP server: serves the built renderer on loopback and bridges the /lab
// WebSocket protocol to a LabApi. Every message is validated; a bad one gets an error
// reply, never a crash. Trace events go out at most once per ~16 ms per client.

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { ClientTransports, FreePlayCommand, LabApi } from "../../shared/lab-api.js";
import { LAB_PATH, MAX_CLIENT_MESSAGE, parseClientMessage, type ClientMessage, type ServerMessage } from "../../shared/web-protocol.js";
import { LAB_ARG_SCHEMAS } from "../protocol/lab-args.js";
import type { Validator } from "../protocol/validate.js";
import { upgradeToWebSocket, type WsServerSocket } from "./ws-server-socket.js";
import { createTraceBatcher } from "./trace-batcher.js";
import { encodeServerMessage } from "./server-message.js";

export interface WebServerOptions {
  port?: number;
  host?: string;
  service: LabApi;
  rendererDir: string;
  /** Where notices go (a busy port, a client error); defaults to console.warn. */
  log?: (message: string) => void;
}

export interface WebServer {
  url: string;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".map": "application/json",
};

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

async function call(service: LabApi, m: ClientMessage): Promise<unknown> {
  // the same schema as Electron's IPC gateway: exact objects, bounded strings, arrays and nesting
  const checked = (LAB_ARG_SCHEMAS[m.method] as Validator<unknown[]>)(m.params, "params");
  if (!checked.ok) throw new Error(`refused: ${checked.error}`);
  const p = checked.value;
  switch (m.method) {
    case "listScenarios":
      return service.listScenarios();
    case "startScenario":
      return service.startScenario(p[0] as string, p[1] as { seed?: number } | undefined);
    case "nextStep":
      return service.nextStep();
    case "restartScenario":
      return service.restartScenario();
    case "stop":
      return service.stop();
    case "command":
      return service.command(p[0] as FreePlayCommand);
    case "attach":
      return service.attach(p[0] as string, p[1] as { transports?: ClientTransports } | undefined);
    case "openToPeers":
      return service.openToPeers(p[0] as { host: string });
    case "getStatus":
      return service.getStatus();
  }
}

function listen(server: ReturnType<typeof createServer>, port: number, host: string): Promise<void> {
  return new Promise((resolveListen, reject) => {
    const onError = (err: Error): void => {
      server.off("listening", onListening);
      reject(err);
    };
    const onListening = (): void => {
      server.off("error", onError);
      resolveListen();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? "127.0.0.1";
  const log = options.log ?? ((m: string) => console.warn(m));
  const root = resolve(options.rendererDir);
  const sockets = new Set<WsServerSocket>();
  // The upgraded TCP sockets, so closing can end them even if a browser lingers in the closing handshake.
  const raw = new Set<Duplex>();
  const disposers = new Set<() => void>();
  let origin = "";

  const serveFile = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD" }).end();
      return;
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    } catch {
      res.writeHead(400).end("bad path");
      return;
    }
    if (pathname === "/favicon.ico") {
      res.writeHead(204).end();
      return;
    }
    const rel = pathname === "/" ? "index.html" : normalize(pathname).replace(/^([/\\])+/, "");
    const file = resolve(join(root, rel));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end("forbidden");
      return;
    }
    try {
      const st = await stat(file);
      if (!st.isFile()) throw new Error("not a file");
      const body = await readFile(file);
      res.writeHead(200, {
        "Content-Type": MIME[extname(file)] ?? "application/octet-stream",
        "Content-Length": body.length,
        "Cache-Control": "no-cache",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": CSP,
      });
      res.end(req.method === "HEAD" ? undefined : body);
    } catch {
      res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end(rel === "index.html" ? "The renderer is not built: run `npx electron-vite build`." : "not found");
    }
  };

  const server = createServer((req, res) => {
    void serveFile(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  server.on("upgrade", (req, socket, head) => {
    const reject = (status: string): void => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    let path = "";
    try {
      path = new URL(req.url ?? "/", "http://x").pathname;
    } catch {
      return reject("400 Bad Request");
    }
    if (path !== LAB_PATH) return reject("404 Not Found");
    if (String(req.headers.upgrade).toLowerCase() !== "websocket" || req.headers["sec-websocket-version"] !== "13" || !req.headers["sec-websocket-key"]) return reject("400 Bad Request");
    // Only pages this server served may drive the lab (no cross-site or rebinding access).
    const reqOrigin = req.headers.origin;
    const hostHeader = req.headers.host ?? "";
    const port = (server.address() as AddressInfo).port;
    const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
    if (!allowedHosts.includes(hostHeader) || (reqOrigin !== undefined && reqOrigin !== `http://${hostHeader}`)) return reject("403 Forbidden");

    raw.add(socket);
    socket.once("close", () => raw.delete(socket));
    let ws: WsServerSocket | null = null;
    const send = (m: ServerMessage): void => ws?.send(encodeServerMessage(m));
    const batcher = createTraceBatcher((batch) => send({ type: "trace", batch }), { busy: () => (ws?.buffered ?? 0) > 8 * 1024 * 1024 });
    let offTrace = (): void => undefined;
    let offStatus = (): void => undefined;
    const dispose = (): void => {
      offTrace();
      offStatus();
      batcher.dispose();
      if (ws) sockets.delete(ws);
      disposers.delete(dispose);
    };
    ws = upgradeToWebSocket(
      req,
      socket,
      head,
      {
        onText(text) {
          const parsed = parseClientMessage(text);
          if (!parsed.ok) {
            send({ type: "response", id: parsed.id, ok: false, error: parsed.error });
            return;
          }
          const m = parsed.message;
          call(options.service, m).then(
            (result) => send({ type: "response", id: m.id, ok: true, result }),
            (err: unknown) => send({ type: "response", id: m.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
          );
        },
        onClose: dispose,
      },
      MAX_CLIENT_MESSAGE,
    );
    sockets.add(ws);
    disposers.add(dispose);
    offTrace = options.service.onTrace((batch) => batcher.push(batch));
    offStatus = options.service.onStatus((status) => send({ type: "status", status }));
  });

  const wanted = options.port ?? 0;
  try {
    await listen(server, wanted, host);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE" || wanted === 0) throw err;
    log(`Port ${wanted} on ${host} is busy; using another port.`);
    await listen(server, 0, host);
  }
  const address = server.address() as AddressInfo;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  origin = `http://${shownHost}:${address.port}`;

  return {
    url: `${origin}/`,
    close: async () => {
      for (const d of [...disposers]) d();
      for (const s of [...sockets]) s.close(1001, "server closing");
      server.closeAllConnections();
      // The close frames are on their way; a browser that waits for the server to close the
      // TCP connection first (RFC 6455 §7.1.1) would otherwise hold the server open.
      if (raw.size > 0) await new Promise((r) => setTimeout(r, 50));
      for (const r of [...raw]) r.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
