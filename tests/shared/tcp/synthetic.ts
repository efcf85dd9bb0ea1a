// Synthetic connections for the model's tests: byte streams with real times, as a trace would
// give them, without running a lab.

import type { ConnectionInput, StreamChunk, Side } from "../../../src/shared/tcp/types.js";

export interface Write {
  from: Side;
  t: number;
  bytes: Uint8Array;
}

/** Deterministic filler bytes: byte i of a stream is (i * 31 + salt) mod 251. */
export function bytesOf(length: number, salt = 0): Uint8Array {
  const b = new Uint8Array(length);
  for (let i = 0; i < length; i++) b[i] = (i * 31 + salt) % 251;
  return b;
}

/** A connection opened at `openAt`, carrying `writes`, closed by `closeBy` at `closeAt`. */
export function syntheticConnection(
  writes: Write[],
  opts: { openAt?: number; closeAt?: number; closeBy?: Side; reset?: boolean; conn?: string } = {},
): ConnectionInput {
  const offsets = { client: 0, server: 0 };
  const chunks: StreamChunk[] = writes.map((w) => {
    const chunk = { from: w.from, offset: offsets[w.from], bytes: w.bytes, writtenAt: w.t, readAt: w.t };
    offsets[w.from] += w.bytes.length;
    return chunk;
  });
  const last = writes.reduce((m, w) => Math.max(m, w.t), 0);
  const closeAt = opts.closeAt ?? last + 1;
  return {
    conn: opts.conn ?? "client-1/tcp1",
    traceConns: { client: opts.conn ?? "client-1/tcp1" },
    client: { ip: "127.0.0.2", port: 40000 },
    server: { ip: "127.0.0.1", port: 3000 },
    clientHost: "client-1",
    serverHost: "server",
    openAt: opts.openAt ?? 0,
    acceptedAt: opts.openAt ?? 0,
    chunks,
    close: { by: opts.closeBy ?? "client", at: closeAt, peerAt: closeAt, reset: opts.reset ?? false },
  };
}

/** Concatenates what one side's application received, checking offsets are contiguous. */
export function received(deliveries: { to: Side; offset: number; bytes: Uint8Array }[], to: Side): Uint8Array {
  const parts = deliveries.filter((d) => d.to === to);
  const total = parts.reduce((n, d) => n + d.bytes.length, 0);
  const out = new Uint8Array(total);
  let pos = 0;
  for (const d of parts) {
    if (d.offset !== pos) throw new Error(`delivery to ${to} at ${d.offset}, expected ${pos}`);
    out.set(d.bytes, pos);
    pos += d.bytes.length;
  }
  return out;
}

/** The real bytes one side wrote, concatenated. */
export function written(input: ConnectionInput, from: Side): Uint8Array {
  const parts = input.chunks.filter((c) => c.from === from);
  const out = new Uint8Array(parts.reduce((n, c) => n + c.bytes.length, 0));
  for (const c of parts) out.set(c.bytes, c.offset);
  return out;
}

import { encodeBase64 } from "../../../src/shared/tcp/base64.js";
import type { TraceEvent } from "../../../src/shared/trace/types.js";

/**
 * A trace of request/response exchanges between client-1 and the server over one connection,
 * traced at both ends, with `api` events linked by `parents` as the lab links them.
 */
export function syntheticTrace(exchanges: { request: Uint8Array; response: Uint8Array }[]): TraceEvent[] {
  const events: TraceEvent[] = [];
  let id = 0;
  let t = 0;
  const C = "client-1/tcp1";
  const S = "server/tcp1";
  const c = { ip: "127.0.0.2", port: 40001 };
  const s = { ip: "127.0.0.1", port: 3000 };
  const add = <E extends TraceEvent>(e: Omit<E, "id" | "t">, dt = 0.05): E => {
    t += dt;
    const ev = { ...e, id: ++id, t } as E;
    events.push(ev);
    return ev;
  };
  add({ layer: "lab", kind: "listen", host: "server", ip: s.ip, port: s.port, service: "socket.io" } as never);
  add({ layer: "tcp", kind: "open", host: "server", conn: S, local: s, remote: c, role: "server" } as never);
  add({ layer: "tcp", kind: "open", host: "client-1", conn: C, local: c, remote: s, role: "client", peer: S } as never);
  const off = { c: 0, s: 0 };
  for (const [i, x] of exchanges.entries()) {
    const emit = add({ layer: "api", kind: "emit", host: "client-1", event: `m${i}` } as never, 1);
    const out = add({ layer: "tcp", kind: "data", host: "client-1", conn: C, dir: "out", offset: off.c, length: x.request.length, bytes: encodeBase64(x.request), parents: [emit.id] } as never);
    const inn = add({ layer: "tcp", kind: "data", host: "server", conn: S, dir: "in", offset: off.c, length: x.request.length, bytes: encodeBase64(x.request), parents: [out.id] } as never);
    off.c += x.request.length;
    const receive = add({ layer: "api", kind: "receive", host: "server", event: `m${i}`, parents: [inn.id] } as never);
    const ackSend = add({ layer: "api", kind: "ack-send", host: "server", parents: [receive.id] } as never);
    const sOut = add({ layer: "tcp", kind: "data", host: "server", conn: S, dir: "out", offset: off.s, length: x.response.length, bytes: encodeBase64(x.response), parents: [ackSend.id] } as never);
    const cIn = add({ layer: "tcp", kind: "data", host: "client-1", conn: C, dir: "in", offset: off.s, length: x.response.length, bytes: encodeBase64(x.response), parents: [sOut.id] } as never);
    off.s += x.response.length;
    add({ layer: "api", kind: "ack-receive", host: "client-1", parents: [cIn.id] } as never);
  }
  const close = { reason: "closed", bytesIn: 0, bytesOut: 0, bytesRead: 0, bytesWritten: 0, checked: true };
  add({ layer: "tcp", kind: "close", host: "client-1", conn: C, ...close } as never, 2);
  add({ layer: "tcp", kind: "close", host: "server", conn: S, ...close } as never);
  return events;
}
