// The load balancer: a real HTTP and WebSocket reverse proxy on loopback, in front of the
// server nodes. HTTP requests are forwarded one by one (each may go to another node: that is
// what breaks a polling session under round robin); a WebSocket upgrade opens a TCP
// connection to one node and the proxy then copies bytes both ways. Both of its sides are
// traced connections of host `balancer`, units only: a proxy does not speak Engine.IO.

import { Agent, createServer, request, type IncomingMessage, type OutgoingHttpHeaders, type Server as HttpServer, type ServerResponse } from "node:http";
import { createConnection, type AddressInfo, type Socket } from "node:net";
import type { Correlator } from "../capture/correlator.js";
import type { ConnectionCapture } from "../capture/tcp/connection-capture.js";
import type { BalanceMode } from "./choices.js";

export interface Upstream {
  host: string;
  ip: string;
  port: number;
}

export interface BalancerOptions {
  c: Correlator;
  conns: ConnectionCapture;
  host: string;
  ip: string;
  port: number;
  nodes: readonly Upstream[];
  mode: BalanceMode;
}

export interface Balancer {
  readonly port: number;
  readonly mode: BalanceMode;
  /** Picks nodes another way from now on; the rotation starts again at the first node. */
  setMode(mode: BalanceMode): void;
  /** Which node holds each Engine.IO session the balancer saw opened (for sticky-sid). */
  readonly sessions: ReadonlyMap<string, string>;
  /** A node that went down gets no more requests (a health check would find it so); its sessions are forgotten. */
  markDown(host: string): void;
  close(): Promise<void>;
}

/** Hop-by-hop headers (RFC 9110 §7.6.1) are the proxy's own business, never forwarded. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"]);

/** The sid of an Engine.IO request (`…&sid=…`), if it has one. */
export function sidOf(url: string | undefined): string | undefined {
  const q = url?.indexOf("?") ?? -1;
  if (!url || q < 0) return undefined;
  return new URLSearchParams(url.slice(q + 1)).get("sid") ?? undefined;
}

/** The sid an Engine.IO handshake answers with: the first polling packet is `0{"sid":…}`. */
export function handshakeSid(body: string): string | undefined {
  const m = /^0(\{[^\x1e]*\})/.exec(body);
  if (!m) return undefined;
  try {
    const sid = (JSON.parse(m[1]!) as { sid?: unknown }).sid;
    return typeof sid === "string" ? sid : undefined;
  } catch {
    return undefined;
  }
}

/** Sticky by address: the sum of the address's bytes picks the node (127.0.0.2 and 127.0.0.3 land apart). */
export function nodeForAddress(ip: string, count: number): number {
  let sum = 0;
  for (const part of ip.split(/[.:]/)) sum += Number.parseInt(part, part.includes(".") ? 10 : 16) || 0;
  return sum % count;
}

export async function startBalancer(options: BalancerOptions): Promise<Balancer> {
  const { c, conns, host, ip, nodes } = options;
  let rotation = 0;
  const sessions = new Map<string, string>();
  const accepted = new Set<Socket>();
  const tunnels = new Set<Socket>();
  // What the proxy writes on one side it read on the other: the capture pairs the two sockets
  // (a request's two ends, or a WebSocket tunnel's) and gives each unit written on one the
  // unit last read on the other as parent.
  const pair = (a: Socket, b: Socket): void => conns.pair(a, b);
  const tap = { unitsOnly: true, forwards: true };

  const agents = new Map<string, Agent>();
  const agentFor = (node: Upstream): Agent => {
    let agent = agents.get(node.host);
    if (!agent) {
      agent = new Agent({ keepAlive: true, localAddress: ip });
      agent.createConnection = ((o: Parameters<typeof createConnection>[0]) => {
        const socket = createConnection(o);
        conns.tapClient(host, socket, { ip: node.ip, port: node.port }, tap);
        return socket;
      }) as unknown as Agent["createConnection"];
      agents.set(node.host, agent);
    }
    return agent;
  };

  const down = new Set<string>();
  const pick = (req: IncomingMessage): Upstream => {
    const up = nodes.filter((n) => !down.has(n.host));
    const alive = up.length > 0 ? up : nodes;
    const sid = sidOf(req.url);
    if (balancer.mode === "sticky-sid" && sid) {
      const held = alive.find((n) => n.host === sessions.get(sid));
      if (held) return held;
    }
    if (balancer.mode === "sticky-ip") return alive[nodeForAddress(req.socket.remoteAddress ?? "", alive.length)]!;
    const node = alive[rotation % alive.length]!;
    rotation++;
    return node;
  };

  const forwardedHeaders = (req: IncomingMessage): OutgoingHttpHeaders => {
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    const from = req.socket.remoteAddress ?? "";
    headers["x-forwarded-for"] = req.headers["x-forwarded-for"] ? `${String(req.headers["x-forwarded-for"])}, ${from}` : from;
    return headers;
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const node = pick(req);
    const learn = balancer.mode === "sticky-sid" && !sidOf(req.url) && req.method === "GET";
    const upstream = request(
      { host: node.ip, port: node.port, method: req.method, path: req.url, headers: forwardedHeaders(req), agent: agentFor(node) },
      (answer) => {
        const headers: OutgoingHttpHeaders = {};
        for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, headers);
        let head = "";
        answer.on("data", (chunk: Buffer) => {
          if (learn && head.length < 512) head += chunk.toString("latin1");
          res.write(chunk);
        });
        answer.on("end", () => {
          const sid = learn && answer.statusCode === 200 ? handshakeSid(head) : undefined;
          if (sid) sessions.set(sid, node.host);
          res.end();
        });
      },
    );
    // The client went away before its answer was complete (it gave up, or closed): the proxy lets go of the node's side too.
    res.once("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    upstream.once("socket", (socket: Socket) => pair(socket, req.socket));
    upstream.on("error", (err) => {
      if (res.destroyed || res.writableFinished) return;
      c.record({ layer: "lab", kind: "error", host, level: "notice", code: (err as NodeJS.ErrnoException).code ?? "", message: `the balancer could not reach ${node.host} (${node.ip}:${node.port}): ${err.message}; it answers 502` });
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain; charset=utf-8" }).end(`Bad gateway: ${node.host} did not answer\n`);
      else res.destroy();
    });
    req.pipe(upstream);
  };

  /** A WebSocket: the request head goes to one node as it came, then bytes are copied both ways. */
  const onUpgrade = (req: IncomingMessage, client: Socket, head: Buffer): void => {
    const node = pick(req);
    const upstream = createConnection({ host: node.ip, port: node.port, localAddress: ip });
    conns.tapClient(host, upstream, { ip: node.ip, port: node.port }, tap);
    pair(upstream, client);
    tunnels.add(upstream);
    upstream.once("close", () => tunnels.delete(upstream));
    const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
    for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
    lines.push(`X-Forwarded-For: ${req.socket.remoteAddress ?? ""}`);
    upstream.write(`${lines.join("\r\n")}\r\n\r\n`);
    if (head.length) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  };

  const server: HttpServer = createServer(onRequest);
  server.on("upgrade", onUpgrade);
  server.on("connection", (socket: Socket) => {
    accepted.add(socket);
    socket.once("close", () => accepted.delete(socket));
    conns.tapServer(host, socket, tap);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, ip, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let mode = options.mode;
  const balancer: Balancer = {
    port,
    get mode() {
      return mode;
    },
    setMode(next) {
      mode = next;
      rotation = 0;
    },
    sessions,
    markDown(host) {
      down.add(host);
      for (const [sid, node] of sessions) if (node === host) sessions.delete(sid);
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive connections on both sides are let go (the proxy's FIN first).
      server.closeIdleConnections();
      for (const agent of agents.values()) agent.destroy();
      const waitClosed = (sockets: Set<Socket>): Promise<void> =>
        Promise.all([...sockets].map((s) => new Promise<void>((resolve) => (s.destroyed ? resolve() : s.once("close", () => resolve()))))).then(() => undefined);
      const timer = setTimeout(() => {
        for (const s of [...accepted, ...tunnels]) s.destroy();
      }, 2000);
      await waitClosed(new Set([...accepted, ...tunnels]));
      clearTimeout(timer);
      await closed;
    },
  };
  return balancer;
}
