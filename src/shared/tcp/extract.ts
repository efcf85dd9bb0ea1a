// From a trace to the model's input: pairs the two traced ends of each lab connection (by `peer`
// or mirrored 4-tuples) and takes ONE end, the client's where traced, as the truth for both
// directions' bytes; the other end contributes only its real times.

import type { Endpoint, TcpCloseEvent, TcpDataEvent, TcpOpenEvent, TraceEvent } from "../trace/types.js";
import { decodeBase64 } from "./base64.js";
import type { ConnectionInput, Side, StreamChunk } from "./types.js";

interface Traced {
  open: TcpOpenEvent;
  data: TcpDataEvent[];
  close?: TcpCloseEvent;
}

const key = (a: Endpoint, b: Endpoint): string => `${a.ip}:${a.port}>${b.ip}:${b.port}`;

/** Every connection of the trace that opened, in the order they opened. */
export function extractConnections(events: readonly TraceEvent[]): ConnectionInput[] {
  const traced = new Map<string, Traced>();
  const listens: { ip: string; port: number; host: string }[] = [];
  for (const ev of events) {
    if (ev.layer === "lab" && ev.kind === "listen") listens.push({ ip: ev.ip, port: ev.port, host: ev.host });
    if (ev.layer !== "tcp" || ev.conn === undefined) continue;
    if (ev.kind === "open") traced.set(ev.conn, { open: ev, data: [] });
    const t = traced.get(ev.conn);
    if (!t) continue;
    if (ev.kind === "data" && ev.length > 0) t.data.push(ev);
    if (ev.kind === "close") t.close = ev;
  }

  // Pair the ends: `peer` on either open, else the mirrored 4-tuple. A long session can reuse a
  // 4-tuple (an ephemeral port comes round again), so of the unpaired ends with the mirrored
  // tuple the one that opened nearest in time is this end's peer.
  const peerOf = new Map<string, string>();
  const byTuple = new Map<string, string[]>();
  for (const [id, t] of traced) {
    const k = key(t.open.local, t.open.remote);
    const ids = byTuple.get(k);
    if (ids) ids.push(id);
    else byTuple.set(k, [id]);
  }
  const mirrored = (id: string, t: Traced): string | undefined => {
    let best: string | undefined;
    let bestGap = Infinity;
    for (const other of byTuple.get(key(t.open.remote, t.open.local)) ?? []) {
      if (other === id || peerOf.has(other)) continue;
      const gap = Math.abs(traced.get(other)!.open.t - t.open.t);
      if (gap < bestGap) [best, bestGap] = [other, gap];
    }
    return best;
  };
  const pair = (id: string, peer: string | undefined): void => {
    if (peer !== undefined && traced.has(peer) && peer !== id && !peerOf.has(id) && !peerOf.has(peer)) {
      peerOf.set(id, peer);
      peerOf.set(peer, id);
    }
  };
  // Named peers first, so an end without a name cannot take an end named by another.
  for (const [id, t] of traced) pair(id, t.open.peer);
  for (const [id, t] of traced) if (!peerOf.has(id)) pair(id, mirrored(id, t));

  const hostAt = (ep: Endpoint): string => {
    const l = listens.find((x) => x.port === ep.port && (x.ip === ep.ip || x.ip === "0.0.0.0" || x.ip === "::"));
    return l ? l.host : `${ep.ip}:${ep.port}`;
  };

  const inputs: ConnectionInput[] = [];
  const done = new Set<string>();
  for (const [id, t] of traced) {
    if (done.has(id)) continue;
    const peerId = peerOf.get(id);
    const peer = peerId !== undefined ? traced.get(peerId) : undefined;
    done.add(id);
    if (peerId !== undefined) done.add(peerId);
    const isClient = t.open.role === "client" || (peer !== undefined && peer.open.role === "server");
    const ends: Partial<Record<Side, Traced>> = isClient ? { client: t, ...(peer ? { server: peer } : {}) } : { server: t, ...(peer ? { client: peer } : {}) };
    inputs.push(toInput(ends, hostAt));
  }
  return inputs.sort((a, b) => a.openAt - b.openAt);
}

function toInput(ends: Partial<Record<Side, Traced>>, hostAt: (ep: Endpoint) => string): ConnectionInput {
  const { client, server } = ends;
  const source = (client ?? server)!;
  const sourceSide: Side = client ? "client" : "server";
  const clientEp = client ? client.open.local : server!.open.remote;
  const serverEp = client ? client.open.remote : server!.open.local;

  const chunks: StreamChunk[] = [];
  for (const from of ["client", "server"] as const) {
    const to: Side = from === "client" ? "server" : "client";
    const writes = dataOf(ends[from], "out");
    const reads = dataOf(ends[to], "in");
    // The source end's events carry the bytes; the other end's only add times and boundaries.
    const bytes = concat(sourceSide === from ? writes : reads);
    chunks.push(...splitChunks(from, bytes, writes, reads));
  }
  const openAt = (client ?? server)!.open.t;
  const acceptedAt = server ? server.open.t : openAt;
  const input: ConnectionInput = {
    conn: source.open.conn!,
    traceConns: { ...(client ? { client: client.open.conn! } : {}), ...(server ? { server: server.open.conn! } : {}) },
    client: clientEp,
    server: serverEp,
    clientHost: client ? client.open.host : `${clientEp.ip}:${clientEp.port}`,
    serverHost: server ? server.open.host : hostAt(serverEp),
    openAt,
    acceptedAt,
    chunks,
  };
  const closes = (["client", "server"] as const).flatMap((side) => {
    const c = ends[side]?.close;
    return c ? [{ side, c }] : [];
  });
  if (closes.length > 0) {
    closes.sort((a, b) => a.c.t - b.c.t);
    // `reset` on a close means that end was reset (ECONNRESET): the other end sent the RST.
    const resetBy = closes.filter((x) => x.c.reset === true).map((x) => (x.side === "client" ? "server" : "client"));
    const by: Side = resetBy.length === 1 ? resetBy[0]! : closes[0]!.side;
    const mine = closes.find((x) => x.side === by);
    const theirs = closes.find((x) => x.side !== by);
    const at = (mine ?? theirs)!.c.t;
    input.close = { by, at, peerAt: theirs ? theirs.c.t : at, reset: resetBy.length > 0 };
  }
  return input;
}

/** One end's data events in one direction, in offset order; none when that end was not traced. */
function dataOf(end: Traced | undefined, dir: "in" | "out"): TcpDataEvent[] {
  return end ? end.data.filter((e) => e.dir === dir).sort((a, b) => a.offset - b.offset) : [];
}

function concat(events: readonly TcpDataEvent[]): Uint8Array {
  const parts = events.map((e) => ({ offset: e.offset, bytes: decodeBase64(e.bytes) }));
  const total = parts.reduce((n, p) => Math.max(n, p.offset + p.bytes.length), 0);
  const out = new Uint8Array(total);
  for (const p of parts) out.set(p.bytes, p.offset);
  return out;
}

/**
 * Cuts a direction's stream at every boundary either end saw, so each chunk was written by one
 * write and read by one read: written when the write holding its first byte happened, read when
 * the read holding its last byte happened (either end's time standing in for the other's).
 */
function splitChunks(from: Side, bytes: Uint8Array, writes: readonly TcpDataEvent[], reads: readonly TcpDataEvent[]): StreamChunk[] {
  const cuts = new Set<number>([0, bytes.length]);
  for (const e of [...writes, ...reads]) {
    if (e.offset < bytes.length) cuts.add(e.offset);
    if (e.offset + e.length < bytes.length) cuts.add(e.offset + e.length);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const chunks: StreamChunk[] = [];
  let w = 0;
  let r = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i]!;
    const end = points[i + 1]!;
    while (w < writes.length && writes[w]!.offset + writes[w]!.length <= start) w++;
    while (r < reads.length && reads[r]!.offset + reads[r]!.length < end) r++;
    const write = writes[w];
    const read = reads[r];
    const writtenAt = write && write.offset <= start ? write.t : read?.t;
    const readAt = read && read.offset < end ? read.t : writtenAt;
    if (writtenAt === undefined || readAt === undefined) continue;
    chunks.push({ from, offset: start, bytes: bytes.subarray(start, end), writtenAt: Math.min(writtenAt, readAt), readAt });
  }
  return chunks;
}
