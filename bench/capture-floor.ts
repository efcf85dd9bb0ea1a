// The floor any capture design pays on the thread that runs Socket.IO: the capture's hook set
// (the byte tap on every socket, a traced parser, the engine's packet events, a middleware, the
// outgoing/any listeners on each socket, and the wrapped ack callbacks on both ends) with nothing recorded, and the same hooks each
// writing one compact binary record (kind, time, bytes or text) to a shared-memory log, as a
// capture that leaves building the events to a worker would. Timed against bare socket.io as
// `capture-overhead.ts` times the lab: same app, same drive, rounds interleaved.
//
// A third harness runs the lab's own TCP layer and nothing else: its capture's probe on every
// socket (`tcp/connection-capture.ts` over `tcp/socket-probe.ts`: every byte read and written
// copied, every write settled) handing its records to the lab's queue, which writes them in binary and posts them every few
// milliseconds to a worker that only counts them. No other layer is hooked, and nothing is
// parsed: what a capture that derives every layer above TCP from the bytes would still pay on
// Socket.IO's thread.

import { Agent, createServer, type Server as HttpServer } from "node:http";
import { createConnection, type AddressInfo, type Socket } from "node:net";
import { Worker } from "node:worker_threads";
import { Server } from "socket.io";
import { Manager, type Socket as ClientSocket } from "socket.io-client";
import * as sioParser from "socket.io-parser";
import { TRACE_FORMAT, TRACE_VERSION } from "../src/shared/trace/types.js";
import { Correlator } from "../src/main/lab/capture/correlator.js";
import type { RecordBatch } from "../src/main/lab/capture/record-queue.js";
import { ConnectionCapture } from "../src/main/lab/capture/tcp/connection-capture.js";
import { tapSocket } from "../src/main/lab/capture/tcp/net-socket-tap.js";
import { createRecorder } from "../src/main/trace/recorder.js";
import { READER } from "./capture-deferred.js";
import { bare, timed, type Harness, type Transport } from "./capture-overhead.js";
import { Samples } from "./stats.js";

export type FloorMode = "hooks" | "binary-log";

/** A ring of binary records in shared memory, written the way a capture thread would hand facts to a worker. */
class BinaryLog {
  private readonly bytes = new Uint8Array(new SharedArrayBuffer(1 << 24));
  private readonly view = new DataView(this.bytes.buffer);
  private readonly encoder = new TextEncoder();
  private at = 0;
  records = 0;

  write(kind: number, payload: Uint8Array | string | undefined): void {
    if (this.at > this.bytes.length - (1 << 20)) this.at = 0;
    this.view.setUint8(this.at, kind);
    this.view.setFloat64(this.at + 1, performance.now());
    let length = 0;
    if (payload instanceof Uint8Array) {
      this.bytes.set(payload, this.at + 13);
      length = payload.length;
    } else if (typeof payload === "string") {
      length = this.encoder.encodeInto(payload, this.bytes.subarray(this.at + 13)).written;
    }
    this.view.setUint32(this.at + 9, length);
    this.at += 13 + length;
    this.records++;
  }
}

/** Listens on a free loopback port and makes a client Manager for it whose every socket `tap` sees first. */
async function clientOf(http: HttpServer, transport: Transport, tap: (socket: Socket) => void, options: Record<string, unknown> = {}): Promise<{ agent: Agent; manager: Manager }> {
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const port = (http.address() as AddressInfo).port;
  const agent = new Agent({ keepAlive: transport === "polling" });
  agent.createConnection = ((o: Parameters<typeof createConnection>[0]) => {
    const s = createConnection(o);
    tap(s);
    return s;
  }) as unknown as Agent["createConnection"];
  const manager = new Manager(`http://127.0.0.1:${port}`, { transports: [transport], upgrade: false, reconnection: false, ...options, transportOptions: { [transport]: { agent } } } as never);
  return { agent, manager };
}

/** Server and client with the capture's hooks; `mode` says what each hook does. */
export async function hooked(transport: Transport, mode: FloorMode): Promise<Harness> {
  const log = new BinaryLog();
  const note = mode === "binary-log" ? (kind: number, payload?: Uint8Array | string) => log.write(kind, payload) : (_kind: number, _payload?: Uint8Array | string) => {};
  const parser = () => {
    class Encoder extends sioParser.Encoder {
      override encode(packet: sioParser.Packet): ReturnType<sioParser.Encoder["encode"]> {
        const out = super.encode(packet);
        note(1, typeof out[0] === "string" ? out[0] : undefined);
        return out;
      }
    }
    class Decoder extends sioParser.Decoder {
      override add(obj: unknown): void {
        note(2, typeof obj === "string" ? obj : undefined);
        super.add(obj as never);
      }
    }
    return { protocol: sioParser.protocol, PacketType: sioParser.PacketType, Encoder, Decoder };
  };
  const sink = { read: (b: Buffer) => note(3, b), wrote: (b: Buffer) => void note(4, b) };
  const engineHooks = (engine: { on(ev: string, fn: (p: { type: string; data?: unknown }) => void): unknown }): void => {
    engine.on("packet", (p) => note(5, typeof p.data === "string" ? p.data : p.type));
    engine.on("packetCreate", (p) => note(6, typeof p.data === "string" ? p.data : p.type));
  };

  const http = createServer();
  http.on("connection", (s: Socket) => tapSocket(s, sink, { serverSide: true }));
  const server = new Server(http, { serveClient: false, maxHttpBufferSize: 1e6, parser: parser() as never });
  server.engine.on("connection", engineHooks);
  server.on("connection", (socket) => {
    socket.use((packet, next) => {
      note(7, String(packet[0]));
      // The ack callback a handler gets is wrapped, as the capture wraps it to see the ack-send.
      const ack = packet[packet.length - 1];
      if (typeof ack === "function") {
        packet[packet.length - 1] = (...reply: unknown[]) => {
          note(11);
          ack(...reply);
        };
      }
      next();
    });
    socket.onAnyOutgoing((event: string) => note(8, event));
    socket.on("hello", (_arg: unknown, callback: (reply: string) => void) => callback("got it"));
  });
  const { agent, manager } = await clientOf(http, transport, (s) => tapSocket(s, sink), { parser: parser() });
  const socket: ClientSocket = manager.socket("/");
  socket.onAny((event: string) => note(9, event));
  socket.onAnyOutgoing((event: string) => note(10, event));
  // The application's ack callbacks are wrapped, as the capture wraps them to see the ack-receive.
  const emit = socket.emit.bind(socket) as (...a: unknown[]) => ClientSocket;
  socket.emit = ((...args: unknown[]) => {
    const callback = args[args.length - 1];
    if (typeof callback === "function") {
      args[args.length - 1] = (...reply: unknown[]) => {
        note(12);
        return (callback as (...r: unknown[]) => unknown)(...reply);
      };
    }
    return emit(...args);
  }) as never;
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  engineHooks(manager.engine as never);
  return {
    socket,
    events: () => log.records,
    async close() {
      socket.disconnect();
      agent.destroy();
      await new Promise<void>((resolve) => void server.close(() => resolve()));
    },
  };
}

/**
 * Server and client with the lab's TCP layer alone: its capture (`ConnectionCapture`) tapping
 * every socket, its records written by the lab's queue as the lab writes them and posted to a worker that counts them.
 */
export async function labTcp(transport: Transport): Promise<Harness> {
  // Started before the drive, as the lab's worker is.
  const worker = new Worker(READER, { eval: true });
  await new Promise<void>((resolve, reject) => {
    worker.once("online", resolve);
    worker.once("error", reject);
  });
  const recorder = createRecorder({ header: { format: TRACE_FORMAT, version: TRACE_VERSION, createdAt: new Date().toISOString(), app: { name: "bench", version: "0" } } });
  // The lab's own TCP capture, its records sent as the lab's side sends them: in a message, the
  // bytes transferred, the records written counted in shared memory.
  const c = new Correlator(recorder);
  const conns = new ConnectionCapture(c);
  let posted = 0;
  c.queue.sendTo((batch: RecordBatch) => {
    posted += batch.count;
    worker.postMessage({ batch, count: batch.count }, [batch.bytes]);
  }, new Int32Array(new SharedArrayBuffer(4)));

  const http = createServer();
  http.on("connection", (s: Socket) => conns.tapServer("server", s));
  const server = new Server(http, { serveClient: false, maxHttpBufferSize: 1e6 });
  server.on("connection", (socket) => {
    socket.on("hello", (_arg: unknown, callback: (reply: string) => void) => callback("got it"));
  });
  const close = async (socket?: ClientSocket, agent?: Agent): Promise<void> => {
    socket?.disconnect();
    agent?.destroy();
    await new Promise<void>((resolve) => void server.close(() => resolve()));
    c.queue.drain();
    await worker.terminate();
  };
  let client: { agent: Agent; manager: Manager } | undefined;
  try {
    client = await clientOf(http, transport, (s) => conns.tapClient("client", s));
    const socket = client.manager.socket("/");
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", reject);
    });
    const agent = client.agent;
    return {
      socket,
      events: () => {
        c.queue.drain();
        return posted;
      },
      close: () => close(socket, agent),
    };
  } catch (err) {
    await close(undefined, client?.agent);
    throw err;
  }
}

export interface CaptureFloor {
  transport: Transport;
  emits: number;
  rounds: number;
  /** Median over rounds of (hooks, nothing recorded ÷ bare), each pair back to back. */
  hooksRatio: number;
  /** Median over rounds of (hooks writing binary records to shared memory ÷ bare). */
  binaryLogRatio: number;
  /** Binary records per acked emit. */
  recordsPerEmit: number;
  /** Median over rounds of (the lab's TCP layer alone ÷ bare): its probe on every socket, its records posted to a worker that counts them. */
  labTcpRatio: number;
  /** The TCP layer's records per acked emit. */
  labTcpRecordsPerEmit: number;
}

export async function measureCaptureFloor(options: { transport: Transport; emits: number; rounds?: number; window?: number }): Promise<CaptureFloor> {
  const { transport, emits } = options;
  const rounds = options.rounds ?? 5;
  const window = options.window ?? 100;
  const makers = { bare: () => bare(transport), hooks: () => hooked(transport, "hooks"), log: () => hooked(transport, "binary-log"), tcp: () => labTcp(transport) };
  for (const make of Object.values(makers)) await timed(make, Math.min(emits, 500), window);
  const samples = new Samples<"hooksRatio" | "binaryLogRatio" | "recordsPerEmit" | "labTcpRatio" | "labTcpRecordsPerEmit">();
  const kinds = ["bare", "hooks", "log", "tcp"] as const;
  for (let r = 0; r < rounds; r++) {
    const order = kinds.slice(r % kinds.length).concat(kinds.slice(0, r % kinds.length));
    const ms: Record<string, number> = {};
    const records: Record<string, number> = {};
    for (const which of order) {
      const res = await timed(makers[which], emits, window);
      ms[which] = res.ms;
      records[which] = res.events;
    }
    samples.add({
      hooksRatio: ms.hooks! / ms.bare!,
      binaryLogRatio: ms.log! / ms.bare!,
      recordsPerEmit: records.log! / emits,
      labTcpRatio: ms.tcp! / ms.bare!,
      labTcpRecordsPerEmit: records.tcp! / emits,
    });
  }
  return {
    transport,
    emits,
    rounds,
    hooksRatio: samples.median("hooksRatio", 3),
    binaryLogRatio: samples.median("binaryLogRatio", 3),
    recordsPerEmit: samples.median("recordsPerEmit", 1),
    labTcpRatio: samples.median("labTcpRatio", 3),
    labTcpRecordsPerEmit: samples.median("labTcpRecordsPerEmit", 1),
  };
}
