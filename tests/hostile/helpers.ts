// Shared pieces of the hostile-input suite: raw HTTP and WebSocket peers speaking by hand,
// and the lab process's resident memory after a full garbage collection.
import { connect, type Socket } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** RSS in MB after two collections (what the process keeps, not what it has not freed yet). */
export function settledRssMb(): number {
  gc();
  gc();
  return Math.round(process.memoryUsage().rss / 1e5) / 10;
}

/** Sends raw bytes to 127.0.0.1:port and collects the answer until the server closes or `ms` pass. */
export async function exchange(port: number, bytes: Buffer | string, ms = 2000): Promise<string> {
  const socket = connect(port, "127.0.0.1");
  const chunks: Buffer[] = [];
  socket.on("data", (c: Buffer) => chunks.push(c));
  socket.on("error", () => undefined);
  await new Promise((r) => socket.once("connect", r));
  socket.write(bytes);
  await new Promise<void>((r) => {
    const timer = setTimeout(r, ms);
    socket.once("close", () => {
      clearTimeout(timer);
      r();
    });
  });
  socket.destroy();
  return Buffer.concat(chunks).toString("latin1");
}

/** A client WebSocket frame (masked), with any opcode, FIN and RSV1. */
export function clientFrame(opcode: number, payload: Buffer, opts: { fin?: boolean; rsv1?: boolean } = {}): Buffer {
  const mask = Buffer.from([0x11, 0x22, 0x33, 0x44]);
  const b0 = ((opts.fin ?? true) ? 0x80 : 0) | (opts.rsv1 ? 0x40 : 0) | opcode;
  const len = payload.length;
  const head = len < 126 ? Buffer.from([b0, 0x80 | len]) : len < 65536 ? Buffer.from([b0, 0x80 | 126, len >> 8, len & 255]) : Buffer.concat([Buffer.from([b0, 0x80 | 127]), u64(len)]);
  return Buffer.concat([head, mask, Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!))]);
}

function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

/** A raw WebSocket peer on the lab's Engine.IO endpoint (after the 101). */
export async function rawWsPeer(port: number, path = "/socket.io/?EIO=4&transport=websocket", headers = ""): Promise<{ socket: Socket; received: Buffer[]; closed: Promise<void> }> {
  const socket = connect(port, "127.0.0.1");
  const received: Buffer[] = [];
  socket.on("error", () => undefined);
  const closed = new Promise<void>((r) => socket.once("close", () => r()));
  await new Promise((r) => socket.once("connect", r));
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${headers}\r\n`,
  );
  // The 101's head may come in pieces, and frames may follow it in the same read: keep only what follows the head.
  await new Promise<void>((resolve) => {
    let head = Buffer.alloc(0);
    const onHead = (c: Buffer): void => {
      head = Buffer.concat([head, c]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      socket.off("data", onHead);
      if (head.length > end + 4) received.push(head.subarray(end + 4));
      socket.on("data", (d: Buffer) => received.push(d));
      resolve();
    };
    socket.on("data", onHead);
  });
  return { socket, received, closed };
}

/** The first close frame's status code among bytes a server sent, if any. */
export function closeCode(bytes: Buffer): number | undefined {
  for (let i = 0; i + 3 < bytes.length; ) {
    const opcode = bytes[i]! & 0x0f;
    const len7 = bytes[i + 1]! & 0x7f;
    const ext = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
    const len = len7 === 126 ? bytes.readUInt16BE(i + 2) : len7 === 127 ? Number(bytes.readBigUInt64BE(i + 2)) : len7;
    if (opcode === 8 && len >= 2) return bytes.readUInt16BE(i + 2 + ext);
    i += 2 + ext + len;
  }
  return undefined;
}
