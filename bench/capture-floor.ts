// The floor any capture design pays on the thread that runs Socket.IO: the capture's hook set
// (the byte tap on every socket, a traced parser, the engine's packet events, a middleware, the
// outgoing/any listeners on each socket, and the wrapped ack callbacks on both ends) with nothing recorded, and the same hooks each
// writing one compact binary record (kind, time, bytes or text) to a shared-memory log, as a
// capture that leaves building the events to a worker would. Timed against bare socket.io as
// `capture-overhead.ts` times the lab: same app, same drive, rounds interleaved.

import { Agent, createServer } from "node:http";
import { createConnection, type AddressInfo, type Socket } from "node:net";
import { Server } from "socket.io";
import { Manager, type Socket as ClientSocket } from "socket.io-client";
import * as sioParser from "socket.io-parser";
import { tapSocket } from "../src/main/lab/capture/tcp/net-socket-tap.js";
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
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const port = (http.address() as AddressInfo).port;
  const agent = new Agent({ keepAlive: transport === "polling" });
  agent.createConnection = ((o: Parameters<typeof createConnection>[0]) => {
    const s = createConnection(o);
    tapSocket(s, sink);
    return s;
  }) as unknown as Agent["createConnection"];
  const manager = new Manager(`http://127.0.0.1:${port}`, { transports: [transport], upgrade: false, reconnection: false, parser: parser(), transportOptions: { [transport]: { agent } } } as never);
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
}

export async function measureCaptureFloor(options: { transport: Transport; emits: number; rounds?: number; window?: number }): Promise<CaptureFloor> {
  const { transport, emits } = options;
  const rounds = options.rounds ?? 5;
  const window = options.window ?? 100;
  const makers = { bare: () => bare(transport), hooks: () => hooked(transport, "hooks"), log: () => hooked(transport, "binary-log") };
  for (const make of Object.values(makers)) await timed(make, Math.min(emits, 500), window);
  const samples = new Samples<"hooksRatio" | "binaryLogRatio" | "recordsPerEmit">();
  for (let r = 0; r < rounds; r++) {
    const order = (["bare", "hooks", "log"] as const).slice(r % 3).concat((["bare", "hooks", "log"] as const).slice(0, r % 3));
    const ms: Record<string, number> = {};
    let records = 0;
    for (const which of order) {
      const res = await timed(makers[which], emits, window);
      ms[which] = res.ms;
      if (which === "log") records = res.events;
    }
    samples.add({ hooksRatio: ms.hooks! / ms.bare!, binaryLogRatio: ms.log! / ms.bare!, recordsPerEmit: records / emits });
  }
  return { transport, emits, rounds, hooksRatio: samples.median("hooksRatio", 3), binaryLogRatio: samples.median("binaryLogRatio", 3), recordsPerEmit: samples.median("recordsPerEmit", 1) };
}
