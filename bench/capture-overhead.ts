// Capture cost: N acked `emit("hello", "world", cb)` between one client and the server, over
// one transport, timed with bare socket.io (no lab code at all) and with the lab's full
// capture, in the same process, rounds interleaved (bare/lab, then lab/bare, …).

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import { createLab } from "../src/main/lab/lab.js";
import { collectGarbage, Samples } from "./stats.js";

export type Transport = "websocket" | "polling";

export interface Harness {
  socket: ClientSocket;
  /** Trace events recorded so far (0 for bare socket.io). */
  events(): number;
  close(): Promise<void>;
}

function connected(socket: ClientSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve();
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
}

/** Plain socket.io server and client with the same server app (`hello` → `cb("got it")`). */
export async function bare(transport: Transport): Promise<Harness> {
  const http = createServer();
  const server = new Server(http, { serveClient: false, maxHttpBufferSize: 1e6 });
  server.on("connection", (socket) => {
    socket.on("hello", (_arg: unknown, callback: (reply: string) => void) => callback("got it"));
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const port = (http.address() as AddressInfo).port;
  const socket = connect(`http://127.0.0.1:${port}`, { transports: [transport], upgrade: false, forceNew: true, reconnection: false });
  await connected(socket);
  return {
    socket,
    events: () => 0,
    async close() {
      socket.disconnect();
      await new Promise<void>((resolve) => void server.close(() => resolve()));
    },
  };
}

/**
 * The lab with full capture (every tap, wire parsing, correlation, the recorder), one client:
 * its captures where the lab puts them (a worker thread), or on Socket.IO's thread (`captureIn`).
 */
export async function traced(transport: Transport, captureIn?: "thread" | "worker"): Promise<Harness> {
  const lab = await createLab({ port: 0, ...(captureIn ? { captureIn } : {}) });
  const client = await lab.addClient({ transports: transport });
  const socket = client.socket("/");
  await connected(socket);
  return { socket, events: () => lab.recorder.count, close: () => lab.dispose() };
}

/** Sends `n` acked emits keeping `window` in flight; resolves with the elapsed milliseconds. */
export function drive(socket: ClientSocket, n: number, window: number): Promise<number> {
  return new Promise((resolve) => {
    let sent = 0;
    let acked = 0;
    const start = performance.now();
    const onAck = (): void => {
      acked++;
      if (acked === n) resolve(performance.now() - start);
      else send();
    };
    const send = (): void => {
      while (sent < n && sent - acked < window) {
        sent++;
        socket.emit("hello", "world", onAck);
      }
    };
    send();
  });
}

export interface CaptureOverhead {
  transport: Transport;
  emits: number;
  rounds: number;
  /** Median over rounds of (lab ms ÷ bare ms), each pair measured back to back. */
  ratio: number;
  bareMs: number;
  labMs: number;
  /** Trace events per acked emit with full capture. */
  eventsPerEmit: number;
  /** Median over rounds of (lab CPU time ÷ bare CPU time), every thread of the process: steadier than wall time on a shared machine. */
  cpuRatio: number;
  /** The same for Socket.IO's thread alone (a capture worker's CPU left out): what the lab's own thread pays. */
  mainCpuRatio: number;
  /** Median time from the last answer until the trace held every event (ms): a worker catching up. */
  catchUpMs: number;
}

/** One round: a fresh harness after a full GC, `n` acked emits; wall and CPU time, and the events (or records) it counted. */
export async function timed(make: () => Promise<Harness>, n: number, window: number): Promise<{ ms: number; cpuMs: number; mainCpuMs: number; events: number; catchUpMs: number }> {
  collectGarbage();
  const h = await make();
  try {
    const before = h.events();
    const cpu = process.cpuUsage();
    const thread = process.threadCpuUsage();
    const ms = await drive(h.socket, n, window);
    const usedThread = process.threadCpuUsage(thread);
    const used = process.cpuUsage(cpu);
    // Counting waits for every record to be applied: nothing on this thread, a worker's lag.
    const start = performance.now();
    const events = h.events() - before;
    return { ms, cpuMs: (used.user + used.system) / 1000, mainCpuMs: (usedThread.user + usedThread.system) / 1000, events, catchUpMs: performance.now() - start };
  } finally {
    await h.close();
  }
}

export async function measureCaptureOverhead(options: { transport: Transport; emits: number; rounds?: number; window?: number; captureIn?: "thread" | "worker" }): Promise<CaptureOverhead> {
  const { transport, emits, captureIn } = options;
  const lab = (t: Transport): Promise<Harness> => traced(t, captureIn);
  const rounds = options.rounds ?? 5;
  const window = options.window ?? 100;
  // One unmeasured round of each warms the JIT for both.
  await timed(() => bare(transport), Math.min(emits, 500), window);
  await timed(() => lab(transport), Math.min(emits, 500), window);
  const samples = new Samples<"ratio" | "bareMs" | "labMs" | "eventsPerEmit" | "cpuRatio" | "mainCpuRatio" | "catchUpMs">();
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? (["bare", "lab"] as const) : (["lab", "bare"] as const);
    const got: Record<"bare" | "lab", number> = { bare: 0, lab: 0 };
    const cpu: Record<"bare" | "lab", number> = { bare: 0, lab: 0 };
    const mainCpu: Record<"bare" | "lab", number> = { bare: 0, lab: 0 };
    let events = 0;
    let catchUpMs = 0;
    for (const which of order) {
      const res = await timed(() => (which === "bare" ? bare : lab)(transport), emits, window);
      got[which] = res.ms;
      cpu[which] = res.cpuMs;
      mainCpu[which] = res.mainCpuMs;
      if (which === "lab") ({ events, catchUpMs } = res);
    }
    samples.add({ ratio: got.lab / got.bare, bareMs: got.bare, labMs: got.lab, eventsPerEmit: events / emits, cpuRatio: cpu.lab / cpu.bare, mainCpuRatio: mainCpu.lab / mainCpu.bare, catchUpMs });
  }
  return {
    transport,
    emits,
    rounds,
    ratio: samples.median("ratio", 3),
    bareMs: samples.median("bareMs", 1),
    labMs: samples.median("labMs", 1),
    eventsPerEmit: samples.median("eventsPerEmit", 1),
    cpuRatio: samples.median("cpuRatio", 3),
    mainCpuRatio: samples.median("mainCpuRatio", 3),
    catchUpMs: samples.median("catchUpMs", 1),
  };
}
