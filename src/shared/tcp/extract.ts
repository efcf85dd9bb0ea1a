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

  // Pair the ends: `peer` on either open, else the mirrored 4-tuple.
  const peerOf = new Map<string, string>();
  const byTuple = new Map<string, string>();
  for (const [id, t] of traced) byTuple.set(key(t.open.local, t.open.remote), id);
  for (const [id, t] of traced) {
    const peer = t.open.peer ?? byTuple.get(key(t.open.remote, t.open.local));
    if (peer !== undefined && traced.has(peer) && peer !== id && !peerOf.has(id) && !peerOf.has(peer)) {
      peerOf.set(id, peer);
      peerOf.set(peer, id);
    }
  }

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
  const counterpart = sourceSide === "client" ? server : client;

  const chunks: StreamChunk[] = [];
  const byOffset = (dir: "in" | "out"): TcpDataEvent[] => source.data.filter((e) => e.dir === dir).sort((a, b) => a.offset - b.offset);
  for (const ev of [...byOffset("out"), ...byOffset("in")]) {
    const from: Side = ev.dir === "out" ? sourceSide : sourceSide === "client" ? "server" : "client";
    const bytes = decodeBase64(ev.bytes);
    // The other end's time for these bytes: its write of the first byte, or its read of the last.
    let writtenAt = ev.t;
    let readAt = ev.t;
    if (counterpart) {
      if (ev.dir === "out") readAt = timeCovering(counterpart.data, "in", ev.offset + bytes.length - 1) ?? ev.t;
      else writtenAt = timeCovering(counterpart.data, "out", ev.offset) ?? ev.t;
    }
    chunks.push({ from, offset: ev.offset, bytes, writtenAt: Math.min(writtenAt, readAt), readAt });
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
    const first = closes[0]!;
    const second = closes[1];
    input.close = {
      by: first.side,
      at: first.c.t,
      peerAt: second ? second.c.t : first.c.t,
      reset: closes.some((x) => x.c.reset === true),
    };
  }
  return input;
}

/** Real time of the `dir` data event of `data` that holds byte `offset`. */
function timeCovering(data: readonly TcpDataEvent[], dir: "in" | "out", offset: number): number | undefined {
  for (const ev of data) if (ev.dir === dir && ev.offset <= offset && offset < ev.offset + ev.length) return ev.t;
  return undefined;
}
