// The only hook on Node internals: it sees every byte a net.Socket reads and writes by
// wrapping that one socket's `push` (each kernel read) and `write`/`end` (each write).
// A self-check elsewhere compares what it saw with `bytesRead`/`bytesWritten`.

import type { Socket } from "node:net";

export interface ByteSink {
  read(chunk: Buffer): void;
  wrote(chunk: Buffer): void;
}

type Encoding = BufferEncoding | undefined;

function toBuffer(chunk: unknown, encoding: Encoding): Buffer | undefined {
  if (chunk === undefined || chunk === null || typeof chunk === "function") return undefined;
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === "string") return Buffer.from(chunk, encoding ?? "utf8");
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return undefined;
}

/**
 * Taps one socket. `serverSide` sockets of an http.Server are read by C++ (llhttp consumes
 * the handle); a no-op 'data' listener makes http.Server hand the reads back to JS, where
 * `push` sees them. Returns a function that removes the tap.
 */
export function tapSocket(socket: Socket, sink: ByteSink, options: { serverSide?: boolean } = {}): () => void {
  const target = socket as Socket & { push: (chunk: unknown, encoding?: Encoding) => boolean };
  const push = target.push;
  const write = socket.write;
  const end = socket.end;

  target.push = function (chunk: unknown, encoding?: Encoding) {
    const buf = toBuffer(chunk, encoding);
    if (buf && buf.length > 0) sink.read(buf);
    return push.call(this, chunk, encoding);
  };
  socket.write = function (this: Socket, chunk: unknown, encoding?: unknown, cb?: unknown) {
    const buf = toBuffer(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : undefined);
    // A write after end() or destroy() fails and carries nothing.
    if (buf && buf.length > 0 && !this.destroyed && !this.writableEnded) sink.wrote(buf);
    return (write as (...a: unknown[]) => boolean).call(this, chunk, encoding, cb);
  } as Socket["write"];
  socket.end = function (this: Socket, chunk?: unknown, encoding?: unknown, cb?: unknown) {
    const buf = toBuffer(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : undefined);
    if (buf && buf.length > 0 && !this.destroyed && !this.writableEnded) sink.wrote(buf);
    return (end as (...a: unknown[]) => Socket).call(this, chunk, encoding, cb);
  } as Socket["end"];

  const noop = (): void => {};
  if (options.serverSide) socket.on("data", noop);

  return () => {
    target.push = push;
    socket.write = write;
    socket.end = end;
    socket.off("data", noop);
  };
}
