// The only hook on Node internals: it sees every byte a net.Socket reads and writes by
// wrapping that one socket's `push` (each kernel read), `write`/`end` (each write, settled:
// carried, or failed) and `destroy` (this end closes its descriptor). A self-check
// elsewhere compares what it saw with `bytesRead`/`bytesWritten`, and a test compares it
// with a loopback capture.

import type { Socket } from "node:net";

export interface ByteSink<W = unknown> {
  read(chunk: Buffer): void;
  /** A write was issued; what it returns identifies it to `settled` (undefined: not tracked). */
  wrote(chunk: Buffer): W | undefined;
  /** Node settled a tracked write: `err` when its bytes never left. Called at most once per write. */
  settled?(write: W, err?: Error | null): void;
  /** Several writes left together, oldest `first`, newest `last` (else `settled` is called for each). */
  settledAll?(first: W, last: W): void;
  /** This end begins to close: `end` sends a FIN once writes drain, `destroy` closes now, `reset` sends RST. */
  closing?(how: "end" | "destroy" | "reset"): void;
  /** A capture hook threw: the tap removes itself and the traffic goes on untraced. */
  failed?(err: unknown): void;
}

type Encoding = BufferEncoding | undefined;
type Callback = (err?: Error | null) => void;

function toBuffer(chunk: unknown, encoding: Encoding): Buffer | undefined {
  if (chunk === undefined || chunk === null || typeof chunk === "function") return undefined;
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === "string") return encoding === undefined || Buffer.isEncoding(encoding) ? Buffer.from(chunk, encoding ?? "utf8") : undefined;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return undefined;
}

/**
 * Taps one socket. `serverSide` sockets of an http.Server are read by C++ (llhttp consumes
 * the handle); a no-op 'data' listener makes http.Server hand the reads back to JS, where
 * `push` sees them. Returns a function that removes the tap.
 *
 * A write is settled as soon as Node knows: at once when the kernel took every byte during
 * the call (nothing left buffered, no error: the common case on loopback), else by the
 * write's callback (after a connect, an uncork, a full socket buffer, or an error).
 *
 * Every tracked write gets the same callback, `afterWrite`: Node calls a stream's write
 * callbacks once each, in the order of the writes (an error reaches the write in flight
 * first, then the buffered ones), so the oldest write not yet called back is the one it
 * answers. One function for all writes also lets Node count a turn's synchronous writes
 * instead of scheduling a tick for each (a closure per write cost ~15 µs per acked emit).
 */
export function tapSocket<W>(socket: Socket, sink: ByteSink<W>, options: { serverSide?: boolean } = {}): () => void {
  type Tapped = Socket & { push: (chunk: unknown, encoding?: Encoding) => boolean; resetAndClosing?: boolean };
  const target = socket as Tapped;
  const push = target.push;
  const write = socket.write as (...a: unknown[]) => boolean;
  const uncork = socket.uncork;
  const end = socket.end as (...a: unknown[]) => Socket;
  const destroy = socket.destroy;
  let broken = false;
  let closingSaid = false;

  // No exception in capture may reach the socket's owner: the first one unhooks the tap.
  const fail = (err: unknown): void => {
    if (broken) return;
    broken = true;
    untap(false);
    try {
      sink.failed?.(err);
    } catch {
      /* the failure report itself failed: nothing more to do */
    }
  };
  const track = (chunk: unknown, enc: unknown): W | undefined => {
    if (broken) return undefined;
    try {
      const buf = toBuffer(chunk, typeof enc === "string" ? (enc as BufferEncoding) : undefined);
      return buf && buf.length > 0 ? sink.wrote(buf) : undefined;
    } catch (err) {
      fail(err);
      return undefined;
    }
  };
  const settle = (w: W, err?: Error | null): void => {
    if (broken) return;
    try {
      sink.settled?.(w, err);
    } catch (e) {
      fail(e);
    }
  };
  // The writes Node has not called back yet, oldest first (from `head`), with the owner's
  // callbacks; those before `settledTo` are settled already (settling goes in order too).
  const pending: (W | undefined)[] = [];
  const ownerCallbacks: (Callback | undefined)[] = [];
  let head = 0;
  let settledTo = 0;
  /** The one callback Node gets for every tracked write: settles the oldest (unless done), then calls its owner's. */
  const afterWrite = (err?: Error | null): void => {
    if (head >= pending.length) return;
    const w = pending[head] as W;
    const userCb = ownerCallbacks[head];
    pending[head] = undefined;
    ownerCallbacks[head] = undefined;
    head++;
    if (settledTo < head) {
      settledTo = head;
      settle(w, err);
    }
    if (head === pending.length) {
      pending.length = 0;
      ownerCallbacks.length = 0;
      head = settledTo = 0;
    } else if (head > 1024) {
      // A writer that always has one write outstanding never empties the queue: drop the answered ones.
      pending.splice(0, head);
      ownerCallbacks.splice(0, head);
      settledTo -= head;
      head = 0;
    }
    if (!userCb) return;
    try {
      userCb(err);
    } catch (e) {
      // Node calls a turn's callbacks in one loop: a throw here would skip the next writes' calls
      // and shift every later one. The owner's exception is thrown again, on its own.
      process.nextTick(() => {
        throw e;
      });
    }
  };
  const tookAll = (s: Socket): boolean => s.writableLength === 0 && !s.errored && !s.destroyed;
  /** The data end() wrote, until settled (it comes after every other write). */
  let endWrite: ((err?: Error | null) => void) | undefined;
  /** Once Node holds nothing back, every write not settled yet left. */
  const allTaken = (): void => {
    const count = pending.length - settledTo;
    if (count > 1 && sink.settledAll && !broken) {
      const first = pending[settledTo] as W;
      settledTo = pending.length;
      try {
        sink.settledAll(first, pending[settledTo - 1] as W);
      } catch (e) {
        fail(e);
      }
    } else if (count > 0) {
      while (settledTo < pending.length) settle(pending[settledTo++] as W);
    }
    endWrite?.();
  };
  const sayClosing = (how: "end" | "destroy" | "reset"): void => {
    if (closingSaid || broken) return;
    closingSaid = true;
    try {
      sink.closing?.(how);
    } catch (err) {
      fail(err);
    }
  };

  target.push = function (chunk: unknown, encoding?: Encoding) {
    if (!broken) {
      try {
        const buf = toBuffer(chunk, encoding);
        if (buf && buf.length > 0) sink.read(buf);
      } catch (err) {
        fail(err);
      }
    }
    return push.call(this, chunk, encoding);
  };
  /**
   * One write through `original` (write, or end with data), tracked and settled: at once as
   * failed when the socket is already ended or destroyed (its bytes never leave), else by Node.
   */
  const tracked = (s: Socket, original: (...a: unknown[]) => unknown, data: unknown, enc: unknown, userCb: unknown): unknown => {
    // An encoding Node refuses (it throws before queueing anything): not a write, the tap stays out of it.
    if (enc && enc !== "buffer" && !Buffer.isEncoding(enc as string)) return original.call(s, data, enc, userCb);
    const dead = s.destroyed || s.writableEnded;
    const w = track(data, enc);
    if (w === undefined) return original.call(s, data, enc, userCb);
    if (dead) {
      settle(w, new Error(s.destroyed ? "written after the socket was destroyed" : "written after end()"));
      return original.call(s, data, enc, userCb);
    }
    if (original === end) {
      // end()'s callback runs once everything written has been flushed (or with the error), not per write.
      const settleEnd = (err?: Error | null): void => {
        if (endWrite !== settleEnd) return;
        endWrite = undefined;
        settle(w, err);
      };
      endWrite = settleEnd;
      const result = original.call(s, data, enc, (err?: Error | null) => {
        settleEnd(err);
        if (typeof userCb === "function") (userCb as Callback)(err);
      });
      if (tookAll(s)) allTaken();
      return result;
    }
    pending.push(w);
    ownerCallbacks.push(typeof userCb === "function" ? (userCb as Callback) : undefined);
    let result: unknown;
    try {
      result = original.call(s, data, enc, afterWrite);
    } catch (err) {
      // Refused before it was queued (a bad argument): Node will not call back for it.
      pending.pop();
      ownerCallbacks.pop();
      settledTo = Math.min(settledTo, pending.length);
      throw err;
    }
    if (tookAll(s)) allTaken();
    return result;
  };
  socket.write = function (this: Socket, chunk: unknown, encoding?: unknown, cb?: unknown) {
    const userCb = typeof encoding === "function" ? encoding : cb;
    const enc = typeof encoding === "function" ? undefined : encoding;
    return tracked(this, write, chunk, enc, userCb) as boolean;
  } as Socket["write"];
  socket.end = function (this: Socket, chunk?: unknown, encoding?: unknown, cb?: unknown) {
    const userCb = typeof chunk === "function" ? chunk : typeof encoding === "function" ? encoding : cb;
    const data = typeof chunk === "function" ? undefined : chunk;
    const enc = typeof encoding === "function" ? undefined : encoding;
    if (!this.destroyed && !this.writableEnded) sayClosing("end");
    return tracked(this, end, data, enc, userCb) as Socket;
  } as Socket["end"];
  // Corked writes (ws writes a frame's head and payload corked) go to the kernel on uncork.
  socket.uncork = function (this: Socket) {
    uncork.call(this);
    if ((settledTo < pending.length || endWrite) && tookAll(this)) allTaken();
  };
  socket.destroy = function (this: Tapped, err?: Error) {
    if (!this.destroyed) sayClosing(this.resetAndClosing ? "reset" : "destroy");
    return destroy.call(this, err);
  } as Socket["destroy"];

  const noop = (): void => {};
  if (options.serverSide) socket.on("data", noop);

  // After a failure the 'data' listener stays: http.Server already reads this socket through JS.
  function untap(all = true): void {
    target.push = push;
    socket.write = write as Socket["write"];
    socket.end = end as Socket["end"];
    socket.uncork = uncork;
    socket.destroy = destroy;
    // Writes still pending keep their place: Node calls `afterWrite` for each, and their owners' callbacks must run.
    if (all) socket.off("data", noop);
  }
  return () => untap();
}
