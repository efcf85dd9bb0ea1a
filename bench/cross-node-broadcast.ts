// `npx tsx bench/cross-node-broadcast.ts [rounds]`: the cost of one broadcast that crosses
// from one server node to another, per adapter, in a traced two-node lab (WebSocket clients
// through the balancer). Two figures, medians over `rounds` (default 41, the first dropped):
// end to end, from io.emit on node-1 to the handler of a client on node-2 (wall clock); and
// the adapter's hop, from node-1's api broadcast to node-2's encode of it (the trace's clock).
// The Redis adapters run only where redis-server is installed.

import { redisServerPath } from "../src/main/lab/scale-out/redis-server.js";
import { createScaleOutLab } from "../src/main/lab/scale-out/scale-out-lab.js";
import type { AdapterChoice } from "../src/main/lab/scale-out/choices.js";
import type { TraceEvent } from "../src/shared/trace/types.js";

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

async function measure(adapter: AdapterChoice, rounds: number): Promise<{ endToEnd: number[]; hop: number[] }> {
  const lab = await createScaleOutLab({ port: 0, scaleOut: { nodes: 2, adapter, balance: "websocket-only" }, pingInterval: 300_000, heartbeatInterval: 300_000 });
  const events: TraceEvent[] = [];
  const stop = lab.recorder.subscribe((batch) => events.push(...batch));
  try {
    const clients = [];
    for (let i = 0; i < 2; i++) {
      const client = await lab.addClient({ transports: "websocket" });
      const socket = client.socket("/");
      await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
      clients.push(client);
    }
    const remote = clients.find((c) => lab.nodeOf(c) !== lab.nodes[0]);
    if (!remote) throw new Error("both clients landed on node-1");
    for (const node of lab.nodes) {
      const a = node.io.of("/").adapter as unknown as { serverCount(): Promise<number> };
      while ((await a.serverCount()) < lab.nodes.length) await new Promise((r) => setTimeout(r, 20));
    }
    // Redis streams read only what is added after their first XREAD.
    await new Promise((r) => setTimeout(r, adapter === "redis-streams" ? 300 : 50));
    const endToEnd: number[] = [];
    const hop: number[] = [];
    const socket = remote.sockets.get("/")!;
    for (let i = 0; i < rounds; i++) {
      const got = new Promise<number>((resolve) => socket.once("news", () => resolve(performance.now())));
      const from = events.length;
      const start = performance.now();
      lab.nodes[0]!.io.emit("news", i);
      const end = await got;
      await new Promise((r) => setTimeout(r, 10));
      const window = events.slice(from);
      const broadcast = window.find((e) => e.layer === "api" && e.kind === "broadcast" && e.host === "node-1");
      const encode = window.find((e) => e.layer === "socketio" && e.host === lab.nodeOf(remote)?.host && e.dir === "out");
      if (i === 0) continue; // warm-up
      endToEnd.push(end - start);
      if (broadcast && encode) hop.push(encode.t - broadcast.t);
    }
    return { endToEnd, hop };
  } finally {
    stop();
    await lab.dispose();
  }
}

const rounds = Number(process.argv[2] ?? 41);
const adapters: AdapterChoice[] = redisServerPath() ? ["cluster", "redis", "redis-streams"] : ["cluster"];
if (!redisServerPath()) console.log("redis-server is not installed: the Redis adapters are left out");
console.log("adapter        rounds  end-to-end median (min–max) ms   adapter hop median ms");
for (const adapter of adapters) {
  const { endToEnd, hop } = await measure(adapter, rounds);
  console.log(
    `${adapter.padEnd(14)} ${String(endToEnd.length).padStart(6)}  ${median(endToEnd).toFixed(2).padStart(6)} (${Math.min(...endToEnd).toFixed(2)}–${Math.max(...endToEnd).toFixed(2)})${" ".repeat(14)}${median(hop).toFixed(2).padStart(6)}`,
  );
}
