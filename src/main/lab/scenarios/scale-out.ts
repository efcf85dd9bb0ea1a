// scale-out: two problems of running several Socket.IO servers, shown apart. Load balancing:
// a polling session makes several HTTP requests that must reach the node that opened it
// (round robin breaks it with a real 400, stickiness fixes it). Forwarding: a broadcast on one
// node reaches only that node's clients until an adapter carries it to the others.

import type { Socket as ClientSocket } from "socket.io-client";
import type { TraceEvent } from "../../../shared/trace/types.js";
import type { LabClient } from "../lab.js";
import type { AdapterChoice } from "../scale-out/choices.js";
import { createScaleOutLab, isScaleOutLab, type ScaleOutLab } from "../scale-out/scale-out-lab.js";
import { connected, emitWithAck, once, settles, type Scenario, type ScenarioContext } from "./scenario.js";
import { recorded } from "./trace-wait.js";

/** Cluster adapters heartbeat every 5 s by default; in a lesson that is noise in whatever step comes next (as LESSON_PING). */
const LESSON_HEARTBEAT_MS = 300_000;

function labOf(ctx: ScenarioContext): ScaleOutLab {
  if (!isScaleOutLab(ctx.lab)) throw new Error("scale-out needs a lab of several server nodes");
  return ctx.lab;
}

const clientsOf = (ctx: ScenarioContext): LabClient[] => (ctx.state.clients as LabClient[] | undefined) ?? [];

/** Resolves once every client's socket on "/" got `event` (rejects after the usual timeout). */
function allReceive(clients: LabClient[], event: string): Promise<void> {
  return Promise.all(clients.map((c) => once(c.sockets.get("/")!, event, `${c.id} to receive "${event}"`))).then(() => undefined);
}

/**
 * Waits until the adapter on every node can hear the others: as many servers as nodes
 * (heartbeats on the bus, subscribers counted with PUBSUB NUMSUB), and for Redis streams each
 * node's first XREAD, which reads only what is added after it.
 */
async function adapterReady(lab: ScaleOutLab, choice: AdapterChoice): Promise<void> {
  const xreads = choice === "redis-streams" ? lab.nodes.map((n) => recorded(lab, (e: TraceEvent) => e.layer === "wire" && e.kind === "resp" && e.host === n.host && e.command === "XREAD", `${n.host}'s XREAD`)) : [];
  const deadline = Date.now() + 10_000;
  for (const node of lab.nodes) {
    const adapter = node.io.of("/").adapter as unknown as { serverCount(): Promise<number> };
    while ((await adapter.serverCount()) < lab.nodes.length) {
      if (Date.now() > deadline) throw new Error(`${node.host}'s adapter does not see the other nodes`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  await Promise.all(xreads);
}

export const scaleOut: Scenario = {
  id: "scale-out",
  title: "Scale out: balancer, sticky sessions, adapter",
  summary:
    "Several Socket.IO servers behind a load balancer: round robin breaks a polling session (400 Session ID unknown), stickiness fixes it; a broadcast stays on its node until an adapter (in-process cluster bus, or Redis) forwards it; fetchSockets() asks every node.",
  keyView: "Addressing",
  listenPorts: (choices) => 1 + (choices.nodes ?? 2),
  createLab(options, choices) {
    const adapter = choices.adapter ?? "cluster";
    const balance = choices.balance ?? "sticky-sid";
    if (adapter === "none") throw new Error('scale-out shows the nodes without an adapter in step 3 and with one in step 4: --adapter is the one step 4 uses (cluster, redis or redis-streams), not "none"');
    if (balance === "round-robin") throw new Error('scale-out shows round robin in step 1 and the fix in step 2: --balance is the fix (sticky-sid, sticky-ip or websocket-only), not "round-robin"');
    return createScaleOutLab({ ...options, scaleOut: { nodes: choices.nodes ?? 2, balance, adapter }, startAdapter: "none", startBalance: "round-robin", heartbeatInterval: LESSON_HEARTBEAT_MS });
  },
  steps: [
    {
      title: "Round robin breaks a polling session",
      narration:
        "Problem one is load balancing. Two Socket.IO servers (node-1 on 127.0.1.1, node-2 on 127.0.1.2) sit behind a load balancer on 127.0.0.1 that sends each HTTP request to the next node in turn. A client that only polls opens its session with GET …transport=polling: the balancer passes it to node-1, which answers 200 with the open packet and a session id (sid). The client's next request (the POST carrying CONNECT, 40) goes out with that sid and lands on node-2, which never opened that session: it answers 400 {\"code\":1,\"message\":\"Session ID unknown\"}. The client reports an xhr error and gives up; the lab removes it and its connections close.",
      async run(ctx) {
        const lab = labOf(ctx);
        const client = await lab.addClient({ transports: "polling", reconnection: false, label: "polling client (round robin)" });
        const socket = client.socket("/");
        await settles("the failing polling session", (done) => {
          socket.io.once("error", () => done());
          socket.once("connect", () => done());
        });
        if (socket.connected) throw new Error("the polling session worked under round robin: the balancer sent every request to one node");
        await client.close();
      },
    },
    {
      title: "Stickiness fixes it",
      narration:
        "Now the balancer is sticky (sticky-sid by default: it reads the sid the handshake answered with and sends every request carrying that sid to the node that issued it; sticky-ip picks the node from the client's address; websocket-only has clients skip polling, so a session is one TCP connection to one node). New clients connect through the same balancer, one per node: each handshake GET, POST and pending GET of a session reaches the same node, CONNECT is answered, and client 2's emit(\"hello\", \"world\", cb) gets its ack \"got it\" over polling.",
      async run(ctx) {
        const lab = labOf(ctx);
        const fix = lab.choices.balance;
        lab.setBalance(fix);
        const clients: LabClient[] = [];
        for (let i = 0; i < lab.nodes.length; i++) {
          const client = await lab.addClient({ transports: fix === "websocket-only" ? "websocket" : "polling" });
          await connected(client.socket("/"));
          clients.push(client);
        }
        const held = new Set(clients.map((c) => lab.nodeOf(c)?.host));
        if (held.size < lab.nodes.length) throw new Error(`the balancer put the clients on ${[...held].join(", ")} only: with sticky-ip, every client needs its own address (127.0.0.x aliases)`);
        ctx.state.clients = clients;
        const [reply] = await emitWithAck(clients[0]!.sockets.get("/") as ClientSocket, "hello", "world");
        clients[0]!.console.log(reply);
      },
    },
    {
      title: "A broadcast stays on its node",
      narration:
        "Problem two is forwarding. On node-1 the server code calls io.emit(\"news\", \"from node-1\"). Each node keeps its own sockets in its own memory (Socket.IO's in-memory adapter), so node-1 writes the packet 42[\"news\",\"from node-1\"] to its own clients only. The client on node-2 gets nothing: node-2 never heard of the broadcast. Stickiness does not help here; it only decides where a client lands.",
      async run(ctx) {
        const lab = labOf(ctx);
        const [first] = lab.nodes;
        const local = clientsOf(ctx).filter((c) => lab.nodeOf(c) === first);
        const arrived = allReceive(local, "news");
        first!.io.emit("news", "from node-1");
        await arrived;
        // Nothing is on its way to the others: the quiet after this step is the point.
      },
    },
    {
      title: "An adapter forwards the broadcast",
      narration:
        "Every node gets an adapter (here without restarting: the lab keeps their sockets and rooms). The default is socket.io-adapter's ClusterAdapterWithHeartbeat over the lab's in-process bus: each node announces itself (INITIAL_HEARTBEAT, answered by HEARTBEAT). With --adapter redis, @socket.io/redis-adapter SUBSCRIBEs each node to Redis; with redis-streams, each node XREADs a stream. The same io.emit(\"news\", …) on node-1 now also goes to the adapter: a BROADCAST message on the bus (or a PUBLISH to socket.io#/# with a msgpack body, or an XADD), which node-2 receives and writes to its own client. Every client gets the news.",
      async run(ctx) {
        const lab = labOf(ctx);
        lab.useAdapter(lab.choices.adapter);
        await adapterReady(lab, lab.choices.adapter);
        const arrived = allReceive(clientsOf(ctx), "news");
        lab.nodes[0]!.io.emit("news", "from node-1, forwarded");
        await arrived;
      },
    },
    {
      title: "fetchSockets() asks every node",
      narration:
        "io.fetchSockets() on node-1 is a request and a response across the nodes: node-1 publishes FETCH_SOCKETS (with Redis: PUBSUB NUMSUB to count the nodes, then a PUBLISH on socket.io-request#/#), every other node answers FETCH_SOCKETS_RESPONSE with its sockets (with Redis: a PUBLISH on socket.io-response#/#), and node-1's code logs them all, its own and the others'. Without an adapter it would list node-1's sockets alone.",
      async run(ctx) {
        const lab = labOf(ctx);
        const node = lab.nodes[0]!;
        const sockets = await node.io.fetchSockets();
        // The server code learners write, on node-1.
        node.console.log(`${sockets.length} sockets: ${sockets.map((s) => s.id).join(", ")}`);
        if (sockets.length !== clientsOf(ctx).length) throw new Error(`fetchSockets() found ${sockets.length} sockets, not ${clientsOf(ctx).length}`);
      },
    },
  ],
};
