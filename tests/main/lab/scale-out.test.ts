// @vitest-environment node
// The scale-out lesson on real servers (port 0): several nodes behind the lab's balancer, a
// real 400 "Session ID unknown" under round robin, a polling session that works once the
// balancer is sticky, a broadcast that stays on its node without an adapter and crosses with
// one, fetchSockets() across nodes; with Redis, the PUBLISH that carried the broadcast. The
// Redis runs need Debian's redis-server: skipped where it is missing, unless
// SOCKETSCOPE_REQUIRE_REDIS=1 (CI), then they fail.

import { createConnection } from "node:net";
import { describe, expect, it } from "vitest";
import { runScenarioToFile } from "../../../src/main/cli/run-scenario.js";
import { sidOf, handshakeSid, nodeForAddress } from "../../../src/main/lab/scale-out/balancer.js";
import { redisServerPath } from "../../../src/main/lab/scale-out/redis-server.js";
import type { ScaleOutChoices } from "../../../src/main/lab/scale-out/choices.js";
import { createEventValidator } from "../../../src/shared/trace/validate.js";
import type { TraceEvent } from "../../../src/shared/trace/types.js";

const noRedis = redisServerPath() === undefined;
const requireRedis = process.env.SOCKETSCOPE_REQUIRE_REDIS === "1";
if (noRedis && !requireRedis) console.warn("scale-out with Redis skipped: redis-server is not installed (apt-get install -y redis-server). Set SOCKETSCOPE_REQUIRE_REDIS=1 to make this a failure.");

type Ev<L extends TraceEvent["layer"]> = Extract<TraceEvent, { layer: L }>;

async function run(choices: ScaleOutChoices): Promise<TraceEvent[]> {
  const r = await runScenarioToFile("scale-out", undefined, { port: 0, choices });
  expect(r.error, "the scenario ran").toBeUndefined();
  return r.events;
}

/** Each lesson step's events (between its marker and the next). */
function steps(events: TraceEvent[]): TraceEvent[][] {
  const markers = events.filter((e) => e.layer === "lab" && e.kind === "step");
  return markers.slice(0, -1).map((m, i) => events.filter((e) => e.id > m.id && e.id < markers[i + 1]!.id));
}

/** The node each client's socket is on: server and client share the socket id. */
function placement(events: TraceEvent[]): Map<string, string> {
  const nodeOfSocket = new Map(events.filter((e): e is Ev<"api"> => e.layer === "api" && e.kind === "connect" && e.host.startsWith("node-")).map((e) => [e.socketId, e.host]));
  const out = new Map<string, string>();
  for (const e of events) if (e.layer === "api" && e.kind === "connect" && e.host.startsWith("client-")) out.set(e.host, nodeOfSocket.get(e.socketId)!);
  return out;
}

/** Walks `parents` up from an event: every ancestor's id. */
function ancestors(events: TraceEvent[], from: TraceEvent): Set<number> {
  const byId = new Map(events.map((e) => [e.id, e]));
  const seen = new Set<number>();
  const todo = [...(from.parents ?? [])];
  while (todo.length) {
    const id = todo.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    todo.push(...(byId.get(id)?.parents ?? []));
  }
  return seen;
}

/**
 * `via`: what carried the broadcast between nodes. The bus is the lab's, so the chain from
 * node-1's broadcast to the remote receive is whole; Redis is a program the lab does not
 * trace, so the chain starts again at the RESP unit that brought it to the remote node.
 */
function checkCommon(events: TraceEvent[], nodes: number, via: "bus" | "redis" = "bus"): TraceEvent[][] {
  const v = createEventValidator();
  for (const e of events) expect(v.check(e), `event #${e.id}`).toBeNull();
  const hosts = events.filter((e): e is Ev<"lab"> & { kind: "host" } => e.layer === "lab" && e.kind === "host");
  expect(hosts.filter((h) => h.role === "server").map((h) => h.host)).toEqual(Array.from({ length: nodes }, (_, i) => `node-${i + 1}`));
  expect(hosts.filter((h) => h.role === "balancer").map((h) => h.host)).toEqual(["balancer"]);
  const selfCheck = events.filter((e) => e.layer === "lab" && e.kind === "error" && (e.code === "SELF_CHECK" || e.code === "CAPTURE_FAILED"));
  expect(selfCheck).toEqual([]);
  // Both sides of the balancer are traced connections: client ↔ balancer and balancer ↔ node.
  const opens = events.filter((e): e is Ev<"tcp"> & { kind: "open" } => e.layer === "tcp" && e.kind === "open" && e.host === "balancer");
  const listens = events.filter((e): e is Ev<"lab"> & { kind: "listen" } => e.layer === "lab" && e.kind === "listen");
  const portOf = (host: string): number[] => listens.filter((l) => l.host.startsWith(host)).map((l) => l.port);
  expect(opens.some((o) => o.role === "server" && portOf("balancer").includes(o.local.port))).toBe(true);
  expect(opens.some((o) => o.role === "client" && portOf("node-").includes(o.remote.port))).toBe(true);
  // A proxy speaks no Engine.IO: the balancer has units but no packets.
  expect(events.some((e) => e.host === "balancer" && (e.layer === "engine" || e.layer === "socketio"))).toBe(false);
  // What the balancer writes forwards what it read on the other side: each request it sends a
  // node names the same request read from a client, on another connection, and each response
  // it passes back names the node's response (the lesson runs over long-polling).
  const byId = new Map(events.map((e) => [e.id, e]));
  const balancerOut = events.filter((e): e is Ev<"wire"> => e.layer === "wire" && e.host === "balancer" && e.dir === "out");
  const forwarded = (e: Ev<"wire">) => (e.parents ?? []).map((p) => byId.get(p)).find((p): p is Ev<"wire"> => p?.layer === "wire" && p.host === "balancer" && p.dir === "in" && p.conn !== e.conn && p.kind === e.kind);
  const requests = balancerOut.filter((e): e is Ev<"wire"> & { kind: "http-request" } => e.kind === "http-request");
  expect(requests.length).toBeGreaterThan(0);
  for (const r of requests) {
    const from = forwarded(r);
    expect(from, `balancer request #${r.id} ${r.method} ${r.path}`).toBeDefined();
    expect(from?.kind === "http-request" && from.path).toBe(r.path);
  }
  expect(balancerOut.filter((e) => e.kind === "http-response").length).toBeGreaterThan(0);
  expect(balancerOut.filter((e) => !forwarded(e)).map((e) => `#${e.id} ${e.kind}`)).toEqual([]);
  const s = steps(events);
  expect(s).toHaveLength(5);
  // Step 1: round robin; the handshake is answered by one node, the next request by another with a real 400.
  const rr = s[0]!;
  const refused = rr.filter((e): e is Ev<"wire"> & { kind: "http-response" } => e.layer === "wire" && e.kind === "http-response" && e.status === 400 && e.host.startsWith("node-"));
  expect(refused.length).toBeGreaterThan(0);
  expect(refused[0]!.preview).toBe('{"code":1,"message":"Session ID unknown"}');
  expect(rr.some((e) => e.layer === "wire" && e.kind === "http-response" && e.host === "client-1" && e.status === 400)).toBe(true);
  expect(rr.some((e) => e.layer === "api" && e.kind === "connect")).toBe(false);
  // Step 2: a session that works (connects, and an emit is acknowledged), no 400.
  const sticky = s[1]!;
  expect(sticky.filter((e) => e.layer === "api" && e.kind === "connect" && e.host.startsWith("node-")).length).toBe(nodes);
  expect(sticky.some((e) => e.layer === "api" && e.kind === "ack-receive" && JSON.stringify(e.args) === '["got it"]')).toBe(true);
  expect(sticky.some((e) => e.layer === "wire" && e.kind === "http-response" && e.status === 400)).toBe(false);
  // Steps 3 and 4: the broadcast from node-1 reaches the other nodes' clients only with the adapter.
  const where = placement(events);
  expect(new Set(where.values()).size).toBe(nodes);
  const remote = [...where].filter(([, node]) => node !== "node-1").map(([client]) => client);
  const local = [...where].filter(([, node]) => node === "node-1").map(([client]) => client);
  const gotNews = (span: TraceEvent[], client: string): boolean => span.some((e) => e.layer === "api" && e.kind === "receive" && e.host === client && e.event === "news");
  for (const c of local) expect(gotNews(s[2]!, c), `${c} on node-1, without the adapter`).toBe(true);
  for (const c of remote) expect(gotNews(s[2]!, c), `${c} on another node, without the adapter`).toBe(false);
  for (const c of [...local, ...remote]) expect(gotNews(s[3]!, c), `${c}, with the adapter`).toBe(true);
  // The forwarded receive leads back, by parents alone, to what carried it between the nodes.
  const broadcast = s[3]!.find((e) => e.layer === "api" && e.kind === "broadcast" && e.host === "node-1")!;
  for (const c of remote) {
    const receive = s[3]!.find((e) => e.layer === "api" && e.kind === "receive" && e.host === c && e.event === "news")!;
    const up = ancestors(events, receive);
    if (via === "bus") expect(up.has(broadcast.id), `${c}'s receive descends from node-1's broadcast`).toBe(true);
    else expect(events.some((e) => up.has(e.id) && e.layer === "wire" && e.kind === "resp" && e.dir === "in" && e.host === where.get(c)), `${c}'s receive descends from a RESP unit its node read`).toBe(true);
  }
  // Step 5: node-1's code lists every socket of every node.
  expect(s[4]!.some((e) => e.layer === "lab" && e.kind === "log" && e.host === "node-1" && e.text.startsWith(`${where.size} sockets: `))).toBe(true);
  return s;
}

describe("balancer rules", () => {
  it("reads the sid of a request and of a handshake answer", () => {
    expect(sidOf("/socket.io/?EIO=4&transport=polling&t=x&sid=AbC-1")).toBe("AbC-1");
    expect(sidOf("/socket.io/?EIO=4&transport=polling&t=x")).toBeUndefined();
    expect(handshakeSid('0{"sid":"AbC-1","upgrades":["websocket"],"pingInterval":25000}')).toBe("AbC-1");
    expect(handshakeSid('{"code":1,"message":"Session ID unknown"}')).toBeUndefined();
  });

  it("answers 502 of its own when a node drops a reused connection, and that answer forwards nothing", async () => {
    const { createServer } = await import("node:net");
    const { request, Agent } = await import("node:http");
    const { createRecorder } = await import("../../../src/main/trace/recorder.js");
    const { Correlator } = await import("../../../src/main/lab/capture/correlator.js");
    const { ConnectionCapture } = await import("../../../src/main/lab/capture/tcp/connection-capture.js");
    const { startBalancer } = await import("../../../src/main/lab/scale-out/balancer.js");
    // A node that answers its connection's first request, and drops the connection on the second.
    const node = createServer((socket) => {
      let requests = 0;
      socket.on("data", (d) => {
        if (!d.includes("\r\n\r\n")) return;
        if (++requests === 1) socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok");
        else socket.destroy();
      });
    });
    await new Promise<void>((r) => node.listen(0, "127.0.0.1", r));
    const recorder = createRecorder({ header: { format: "socketscope-trace", version: 1, createdAt: new Date().toISOString(), app: { name: "SocketScope", version: "0" } } });
    const c = new Correlator(recorder);
    const conns = new ConnectionCapture(c);
    const nodePort = (node.address() as { port: number }).port;
    const bal = await startBalancer({ c, conns, host: "balancer", ip: "127.0.0.1", port: 0, nodes: [{ host: "node-1", ip: "127.0.0.1", port: nodePort }], mode: "round-robin" });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const get = (path: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = request({ host: "127.0.0.1", port: bal.port, path, agent }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        });
        req.on("error", reject);
        req.end();
      });
    try {
      expect(await get("/a")).toBe(200);
      expect(await get("/b")).toBe(502);
      const events = recorder.recent();
      const byId = new Map(events.map((e) => [e.id, e]));
      const answers = events.filter((e): e is Ev<"wire"> & { kind: "http-response" } => e.layer === "wire" && e.kind === "http-response" && e.host === "balancer" && e.dir === "out");
      expect(answers.map((a) => a.status)).toEqual([200, 502]);
      // The 200 names the node's answer it forwards; the 502 is the balancer's own and names none.
      expect(answers[0]!.parents?.map((p) => byId.get(p)).some((p) => p?.layer === "wire" && p.kind === "http-response" && p.dir === "in")).toBe(true);
      expect(answers[1]!.parents ?? []).toEqual([]);
    } finally {
      agent.destroy();
      await bal.close();
      await new Promise<void>((r) => node.close(() => r()));
      recorder.close();
    }
  });

  it("puts consecutive client addresses on different nodes when sticky by address", () => {
    expect(nodeForAddress("127.0.0.2", 2)).not.toBe(nodeForAddress("127.0.0.3", 2));
    expect(new Set(["127.0.0.2", "127.0.0.3", "127.0.0.4"].map((ip) => nodeForAddress(ip, 3))).size).toBe(3);
  });
});

describe("scale-out", () => {
  it("cluster adapter, sticky by session id, two nodes: bus messages carry the broadcast and fetchSockets()", async () => {
    const events = await run({});
    const s = checkCommon(events, 2);
    const bus = (span: TraceEvent[], message: string, host: string, dir: "in" | "out") => span.find((e) => e.layer === "lab" && e.kind === "bus" && e.message === message && e.host === host && e.dir === dir);
    expect(s[2]!.some((e) => e.layer === "lab" && e.kind === "bus")).toBe(false);
    const out = bus(s[3]!, "BROADCAST", "node-1", "out")!;
    const into = bus(s[3]!, "BROADCAST", "node-2", "in")!;
    expect(into.parents).toEqual([out.id]);
    expect(bus(s[4]!, "FETCH_SOCKETS", "node-2", "in")).toBeDefined();
    expect(bus(s[4]!, "FETCH_SOCKETS_RESPONSE", "node-1", "in")).toBeDefined();
  }, 60_000);

  it("three nodes, sticky by client address", async () => {
    checkCommon(await run({ nodes: 3, balance: "sticky-ip" }), 3);
  }, 60_000);

  it.skipIf(noRedis && !requireRedis)(
    "Redis pub/sub adapter: the lab starts redis-server, the broadcast is a RESP PUBLISH received as a pmessage, and redis-server is gone after",
    async () => {
      if (noRedis) throw new Error("SOCKETSCOPE_REQUIRE_REDIS=1, but redis-server is not installed");
      const events = await run({ nodes: 3, adapter: "redis" });
      const s = checkCommon(events, 3, "redis");
      const redis = events.find((e): e is Ev<"lab"> & { kind: "host" } => e.layer === "lab" && e.kind === "host" && e.host === "redis")!;
      expect(redis.role).toBe("redis");
      const broadcast = s[3]!.find((e) => e.layer === "api" && e.kind === "broadcast" && e.host === "node-1")!;
      const publish = s[3]!.find((e): e is Ev<"wire"> & { kind: "resp" } => e.layer === "wire" && e.kind === "resp" && e.host === "node-1" && e.command === "PUBLISH");
      expect(publish?.parents).toEqual([broadcast.id]);
      expect(publish?.preview).toMatch(/^publish socket\.io#\/# <\d+ bytes>$/);
      for (const node of ["node-2", "node-3"]) {
        expect(s[3]!.some((e) => e.layer === "wire" && e.kind === "resp" && e.host === node && e.dir === "in" && e.command === "pmessage" && e.preview.startsWith("pmessage socket.io#/#* socket.io#/#"))).toBe(true);
      }
      // fetchSockets(): PUBSUB NUMSUB, then a request and the answers on their channels.
      const commands = s[4]!.filter((e): e is Ev<"wire"> & { kind: "resp" } => e.layer === "wire" && e.kind === "resp" && e.dir === "out").map((e) => `${e.host} ${e.preview.split(" ").slice(0, 2).join(" ")}`);
      expect(commands).toEqual(expect.arrayContaining(["node-1 PUBSUB NUMSUB", "node-1 publish socket.io-request#/#", "node-2 publish socket.io-response#/#", "node-3 publish socket.io-response#/#"]));
      // Stopped with the lab: nothing listens on its port any more.
      const listen = events.find((e): e is Ev<"lab"> & { kind: "listen" } => e.layer === "lab" && e.kind === "listen" && e.host === "redis")!;
      const refused = await new Promise<string>((resolve) => {
        const socket = createConnection({ host: listen.ip, port: listen.port });
        socket.once("connect", () => {
          socket.destroy();
          resolve("connected");
        });
        socket.once("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      });
      expect(refused).toBe("ECONNREFUSED");
    },
    60_000,
  );

  it.skipIf(noRedis && !requireRedis)(
    "Redis streams adapter, WebSocket-only clients: the broadcast is an XADD read by the other node's XREAD",
    async () => {
      if (noRedis) throw new Error("SOCKETSCOPE_REQUIRE_REDIS=1, but redis-server is not installed");
      const events = await run({ adapter: "redis-streams", balance: "websocket-only" });
      const s = checkCommon(events, 2, "redis");
      expect(s[1]!.some((e) => e.layer === "wire" && e.kind === "ws-upgrade" && e.host === "node-1")).toBe(true);
      const broadcast = s[3]!.find((e) => e.layer === "api" && e.kind === "broadcast" && e.host === "node-1")!;
      const xadd = s[3]!.find((e): e is Ev<"wire"> & { kind: "resp" } => e.layer === "wire" && e.kind === "resp" && e.host === "node-1" && e.command === "XADD");
      expect(xadd?.parents).toEqual([broadcast.id]);
    },
    60_000,
  );
});

describe("free play in a scaled-out lab: a node goes down", () => {
  it("its clients come back through the balancer to another node, with a new session", async () => {
    const { createScaleOutLab } = await import("../../../src/main/lab/scale-out/scale-out-lab.js");
    const { runCommand } = await import("../../../src/main/lab/free-play.js");
    const lab = await createScaleOutLab({ port: 0, scaleOut: { nodes: 2, balance: "sticky-sid", adapter: "cluster" } });
    try {
      const clients = [await lab.addClient({ transports: "websocket" }), await lab.addClient({ transports: "websocket" })];
      await Promise.all(clients.map((c) => new Promise<void>((r) => c.socket("/").once("connect", () => r()))));
      const first = lab.nodeOf(clients[0]!)!;
      const sidBefore = (clients[0]!.manager.engine as unknown as { id: string }).id;
      const back = new Promise<void>((r) => clients[0]!.manager.once("reconnect", () => r()));
      expect(await runCommand(lab, { type: "node-stop", node: first.host })).toMatchObject({ ok: true, message: expect.stringContaining(`${first.host} stopped`) });
      await back;
      await new Promise<void>((r) => (clients[0]!.socket("/").connected ? r() : clients[0]!.socket("/").once("connect", () => r())));
      const now = lab.nodeOf(clients[0]!)!;
      expect(now.host).not.toBe(first.host);
      expect((clients[0]!.manager.engine as unknown as { id: string }).id).not.toBe(sidBefore);
      const events = lab.recorder.recent();
      expect(events.some((e) => e.layer === "lab" && e.kind === "fault" && e.fault === "node-down" && e.host === first.host)).toBe(true);
      expect(await runCommand(lab, { type: "node-stop", node: "node-9" })).toMatchObject({ ok: false, message: expect.stringMatching(/^no node "node-9"/) });
    } finally {
      await lab.dispose();
    }
  }, 30_000);
});
