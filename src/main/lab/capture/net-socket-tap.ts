// The only hook on Node internals: it sees every byte a net.Socket reads and writes by
// wrapping that one socket's `push` (each kernel read), `write`/`end` (each write, settled
// by its callback: carried, or failed) and `destroy` (this end closes its descriptor).
// A self-check elsewhere compares what it saw with `bytesRead`/`bytesWritten`, and a test
// compares it with a loopback capture.

import type { Socket } from "node:net";

/** Called once a write is settled: `err` when Node reports that its bytes never left. */
export type WriteSettled = (err?: Error | null) => void;

export interface ByteSink {
  read(chunk: Buffer): void;
  /** A write was issued; the returned function is called when Node settles it. */
  wrote(chunk: Buffer): WriteSettled | void;
  /** This end begins to close: `end` sends a FIN once writes drain, `destroy` closes now, `reset` sends RST. */
  closing?(how: "end" | "destroy" | "reset"): void;
  /** A capture hook threw: the tap removes itself and the traffic goes on untraced. */
  failed?(err: unknown): void;
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
  type Tapped = Socket & { push: (chunk: unknown, encoding?: Encoding) => boolean; resetAndClosing?: boolean };
  const target = socket as Tapped;
  const push = target.push;
  const write = socket.write;
  const end = socket.end;
  const destroy = socket.destroy;
  let broken = false;
  let closingSaid = false;

  // No exception in capture may reach the socket's owner: the first one unhooks the tap.
  const guard = <T>(fn: () => T): T | undefined => {
    if (broken) return undefined;
    try {
      return fn();
    } catch (err) {
      broken = true;
      untap(false);
      try {
        sink.failed?.(err);
      } catch {
        /* the failure report itself failed: nothing more to do */
      }
      return undefined;
    }
  };
  const sayClosing = (how: "end" | "destroy" | "reset"): void => {
    if (closingSaid) return;
    closingSaid = true;
    guard(() => sink.closing?.(how));
  };

  target.push = function (chunk: unknown, encoding?: Encoding) {
    guard(() => {
      const buf = toBuffer(chunk, encoding);
      if (buf && buf.length > 0) sink.read(buf);
    });
    return push.call(this, chunk, encoding);
  };
  socket.write = function (this: Socket, chunk: unknown, encoding?: unknown, cb?: unknown) {
    const userCb = typeof encoding === "function" ? encoding : cb;
    const enc = typeof encoding === "function" ? undefined : encoding;
    // A write after end() or destroy() fails and carries nothing.
    const settled =
      this.destroyed || this.writableEnded
        ? undefined
        : guard(() => {
            const buf = toBuffer(chunk, typeof enc === "string" ? (enc as BufferEncoding) : undefined);
            return buf && buf.length > 0 ? sink.wrote(buf) : undefined;
          });
    if (!settled) return (write as (...a: unknown[]) => boolean).call(this, chunk, enc, userCb);
    const done = (err?: Error | null): void => {
      guard(() => settled(err));
      if (typeof userCb === "function") (userCb as (e?: Error | null) => void)(err);
    };
    return (write as (...a: unknown[]) => boolean).call(this, chunk, enc, done);
  } as Socket["write"];
  socket.end = function (this: Socket, chunk?: unknown, encoding?: unknown, cb?: unknown) {
    const userCb = typeof chunk === "function" ? chunk : typeof encoding === "function" ? encoding : cb;
    const data = typeof chunk === "function" ? undefined : chunk;
    const enc = typeof encoding === "function" ? undefined : encoding;
    const settled =
      this.destroyed || this.writableEnded
        ? undefined
        : guard(() => {
            const buf = toBuffer(data, typeof enc === "string" ? (enc as BufferEncoding) : undefined);
            return buf && buf.length > 0 ? sink.wrote(buf) : undefined;
          });
    if (!this.destroyed && !this.writableEnded) sayClosing("end");
    if (!settled) return (end as (...a: unknown[]) => Socket).call(this, data, enc, userCb);
    // end()'s callback runs once everything written has been flushed (or with the error).
    const done = (err?: Error | null): void => {
      guard(() => settled(err));
      if (typeof userCb === "function") (userCb as (e?: Error | null) => void)(err);
    };
    return (end as (...a: unknown[]) => Socket).call(this, data, enc, done);
  } as Socket["end"];
  socket.destroy = function (this: Tapped, err?: Error) {
    if (!this.destroyed) sayClosing(this.resetAndClosing ? "reset" : "destroy");
    return destroy.call(this, err);
  } as Socket["destroy"];

  const noop = (): void => {};
  if (options.serverSide) socket.on("data", noop);

  // After a failure the 'data' listener stays: http.Server already reads this socket through JS.
  function untap(all = true): void {
    target.push = push;
    socket.write = write;
    socket.end = end;
    socket.destroy = destroy;
    if (all) socket.off("data", noop);
  }
  return () => untap();
}
