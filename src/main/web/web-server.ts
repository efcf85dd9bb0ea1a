// Web mode's HTTP server: serves the built renderer on loopback and bridges the /lab
// WebSocket protocol to a LabApi. Every message is validated with the same schema as Electron's
// IPC gateway; a bad one gets an error reply, never a crash. Trace events go out through the one
// trace batcher. `request` sends every page a shell request, as Electron's menu does over IPC.

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { LabApi } from "../../shared/lab-api.js";
import type { ShellRequest } from "../../shared/page-api.js";
import { LAB_PATH, MAX_CLIENT_MESSAGE, parseClientMessage, type ClientMessage, type ServerMessage } from "../../shared/web-protocol.js";
import { checkLabCall } from "../protocol/lab-args.js";
import { appHeaders, resolveAppFile } from "../protocol/app-files.js";
import { createOpenedFiles } from "../protocol/opened-files.js";
import { createTraceBatcher } from "../protocol/trace-batcher.js";
import { upgradeToWebSocket, type WsServerSocket } from "./ws-server-socket.js";
import { encodeServerMessage } from "./server-message.js";
import { listen } from "../lab/listen.js";

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
  /** Asks every connected page to act (the same requests Electron's menu sends). */
  request(request: ShellRequest): void;
  /** Asks every connected page to open the trace file at `path` (served to it at /opened/<token>). */
  openTrace(path: string): void;
  close(): Promise<void>;
}

/** The web socket is this full (bytes not yet written): trace waits in the batcher. */
const SOCKET_FULL = 8 * 1024 * 1024;

function call(service: LabApi, m: ClientMessage): Promise<unknown> {
  const checked = checkLabCall(m.method, m.params, "params");
  if (!checked.ok) return Promise.reject(new Error(`refused: ${checked.error}`));
  const method = service[m.method] as (...args: unknown[]) => Promise<unknown>;
  return method.apply(service, checked.value);
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? "127.0.0.1";
  const log = options.log ?? ((m: string) => console.warn(m));
  const root = resolve(options.rendererDir);
  const sockets = new Set<WsServerSocket>();
  // The upgraded TCP sockets, so closing can end them even if a browser lingers in the closing handshake.
  const raw = new Set<Duplex>();
  const disposers = new Set<() => void>();
  const sendAll = new Set<(m: ServerMessage) => void>();
  const opened = createOpenedFiles();
  let origin = "";

  const serveFile = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD" }).end();
      return;
    }
    const pathname = new URL(req.url ?? "/", "http://x").pathname;
    if (pathname === "/favicon.ico") {
      res.writeHead(204).end();
      return;
    }
    const offered = opened.lookup(pathname);
    if (offered) {
      const st = await stat(offered).catch(() => null);
      if (!st?.isFile()) return void res.writeHead(404).end("the offered file is gone");
      res.writeHead(200, { ...appHeaders(offered), "Content-Type": "application/x-ndjson", "Content-Length": st.size });
      if (req.method === "HEAD") return void res.end();
      createReadStream(offered).on("error", () => res.destroy()).pipe(res);
      return;
    }
    const found = resolveAppFile(root, pathname);
    if (!found.ok) {
      res.writeHead(found.status).end(found.status === 403 ? "forbidden" : "bad path");
      return;
    }
    try {
      const st = await stat(found.file);
      if (!st.isFile()) throw new Error("not a file");
      const body = await readFile(found.file);
      res.writeHead(200, { ...appHeaders(found.file), "Content-Length": body.length });
      res.end(req.method === "HEAD" ? undefined : body);
    } catch {
      const index = found.file === resolve(root, "index.html");
      res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end(index ? "The renderer is not built: run `npx electron-vite build`." : "not found");
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
    const batcher = createTraceBatcher({ send: (batch) => send({ type: "trace", batch }), busy: () => (ws?.buffered ?? 0) > SOCKET_FULL });
    let offTrace = (): void => undefined;
    let offStatus = (): void => undefined;
    const dispose = (): void => {
      offTrace();
      offStatus();
      batcher.dispose();
      sendAll.delete(send);
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
    sendAll.add(send);
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

  const request = (r: ShellRequest): void => {
    for (const send of sendAll) send({ type: "shell", request: r });
  };
  return {
    url: `${origin}/`,
    request,
    openTrace: (path) => request(opened.offer(path)),
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
