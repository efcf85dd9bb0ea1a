// TCP and wire capture for one host's connections: records `tcp` open/data/close with the
// byte self-check, parses the bytes into `wire` units, and links them to `engine` packets
// (sending: engine → wire → tcp; receiving: tcp → wire → engine) and to the peer's bytes.

import type { Socket } from "node:net";
import { assertNever, type Endpoint, type EnginePacketEvent, type EnginePacketType, type TcpDataEvent, type TcpOpenEvent, type WireEvent } from "../../../shared/trace/types.js";
import { createWireParser } from "../wire/wire-parser.js";
import type { ParsedEnginePacket, StreamDir, WireParser, WireUnitParsed } from "../wire/types.js";
import { Correlator } from "./correlator.js";
import { tapSocket } from "./net-socket-tap.js";

interface Span {
  start: number;
  end: number;
  id: number;
}

interface Direction {
  /** Bytes seen so far (the next chunk's offset). */
  offset: number;
  /** Written chunks not yet recorded: they wait for the wire unit they carry. */
  pending: { offset: number; bytes: Buffer }[];
  /** Where the parser has completed units up to. */
  parsedTo: number;
  /** Recent recorded tcp chunks and wire units, for parents by byte range. */
  chunks: Span[];
  units: Span[];
}

export interface ConnectionInfo {
  id: string;
  host: string;
  role: "client" | "server";
  local: Endpoint;
  remote: Endpoint;
  peer?: ConnectionInfo;
}

interface Connection extends ConnectionInfo {
  socket: Socket;
  parser: WireParser;
  open: boolean;
  closed: boolean;
  out: Direction;
  in: Direction;
  /** Writes issued before the TCP connection was established. */
  early: Buffer[];
  untap: () => void;
  peer?: Connection;
  /** Set on the server side when the other end is not one of the lab's hosts. */
  external?: string;
  lastError?: string;
}

const KEEP_SPANS = 256;
const UNCLAIMED_AFTER_MS = 100;
/** Packets no engine emits a `packet` event for: recorded from the wire as soon as parsed. */
function isTransportInternal(p: ParsedEnginePacket): boolean {
  return p.type === "upgrade" || ((p.type === "ping" || p.type === "pong") && p.data === "probe");
}

const newDirection = (): Direction => ({ offset: 0, pending: [], parsedTo: 0, chunks: [], units: [] });

/** Spans are kept in stream order and do not overlap: walk back from the newest and stop early. */
function overlapping(spans: Span[], start: number, end: number): number[] {
  const ids: number[] = [];
  for (let i = spans.length - 1; i >= 0; i--) {
    const s = spans[i]!;
    if (s.end <= start) break;
    if (s.start < end) ids.push(s.id);
  }
  return ids.reverse();
}

function remember(spans: Span[], span: Span): void {
  spans.push(span);
  // Trimmed in bulk: splicing one off the front on every push moved all 256 each time.
  if (spans.length > 2 * KEEP_SPANS) spans.splice(0, spans.length - KEEP_SPANS);
}

/** A tcp `data` event; `parents` only when there are some. */
function dataEvent(conn: Connection, dir: StreamDir, offset: number, bytes: Buffer, parents: number[]): TcpDataEvent {
  const ev: TcpDataEvent = { id: 0, t: 0, layer: "tcp", kind: "data", host: conn.host, conn: conn.id, dir, offset, length: bytes.length, bytes: bytes.toString("base64") };
  if (parents.length) ev.parents = parents;
  return ev;
}

const endpointKey = (a: Endpoint, b: Endpoint): string => `${a.ip}:${a.port}>${b.ip}:${b.port}`;

export interface ConnectionCaptureHooks {
  /** A server-side connection from a peer that is not a lab host. */
  onExternalPeer?(remote: Endpoint): string;
}

export class ConnectionCapture {
  private nextConn = 1;
  private readonly byTuple = new Map<string, Connection>();
  private readonly live = new Set<Connection>();
  private sweepScheduled = false;
  /** Set while the lab shuts down: connections refused then are expected, not errors. */
  closing = false;
  private unclaimedTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly c: Correlator,
    private readonly hooks: ConnectionCaptureHooks = {},
  ) {}

  /** Taps a client-side socket right after it was created (before it connects). */
  tapClient(host: string, socket: Socket): void {
    const conn = this.create(host, "client", socket);
    socket.once("connect", () => this.opened(conn));
  }

  /** Taps a socket an http.Server accepted. */
  tapServer(host: string, socket: Socket): void {
    const conn = this.create(host, "server", socket);
    this.opened(conn);
  }

  /** Connections still open (for disposal and for views of the lab state). */
  connections(): ConnectionInfo[] {
    return [...this.live];
  }

  /** Resolves once every tapped connection has closed (or after `maxMs`). */
  async settled(maxMs: number): Promise<void> {
    const start = Date.now();
    while (this.live.size > 0 && Date.now() - start < maxMs) await new Promise((r) => setTimeout(r, 5));
  }

  /** The open sockets of one host (to pause a client that should stop answering, say). */
  socketsOf(host: string): Socket[] {
    return [...this.live].filter((c) => c.host === host && !c.closed).map((c) => c.socket);
  }

  private create(host: string, role: "client" | "server", socket: Socket): Connection {
    const conn: Connection = {
      id: `${host}/tcp${this.nextConn++}`,
      host,
      role,
      socket,
      local: { ip: "", port: 0 },
      remote: { ip: "", port: 0 },
      parser: createWireParser(role),
      open: false,
      closed: false,
      out: newDirection(),
      in: newDirection(),
      early: [],
      untap: () => {},
    };
    conn.untap = tapSocket(
      socket,
      {
        read: (chunk) => this.read(conn, chunk),
        wrote: (chunk) => (conn.open ? this.wrote(conn, chunk) : conn.early.push(Buffer.from(chunk))),
      },
      { serverSide: role === "server" },
    );
    socket.once("close", (hadError: boolean) => this.closed(conn, hadError));
    socket.on("error", (err: NodeJS.ErrnoException) => {
      conn.lastError = err.code ?? err.message;
    });
    this.live.add(conn);
    return conn;
  }

  private opened(conn: Connection): void {
    const s = conn.socket;
    conn.local = { ip: s.localAddress ?? "", port: s.localPort ?? 0 };
    conn.remote = { ip: s.remoteAddress ?? "", port: s.remotePort ?? 0 };
    conn.open = true;
    this.byTuple.set(endpointKey(conn.local, conn.remote), conn);
    this.link(conn);
    const open: TcpOpenEvent = { id: 0, t: 0, layer: "tcp", kind: "open", host: conn.host, conn: conn.id, local: conn.local, remote: conn.remote, role: conn.role };
    if (conn.peer) open.peer = conn.peer.id;
    this.c.stamp(open);
    const early = conn.early;
    conn.early = [];
    for (const chunk of early) this.wrote(conn, chunk);
  }

  private link(conn: Connection): void {
    if (conn.peer) return;
    const peer = this.byTuple.get(endpointKey(conn.remote, conn.local));
    if (peer && !peer.closed) {
      conn.peer = peer;
      peer.peer = conn;
    }
  }

  // ── sending: bytes written wait for the wire unit they complete ────────────────
  private wrote(conn: Connection, chunk: Buffer): void {
    const d = conn.out;
    d.pending.push({ offset: d.offset, bytes: chunk });
    d.offset += chunk.length;
    this.parsed(conn, conn.parser.feed("out", chunk));
    this.flushOut(conn, false);
    if (d.pending.length > 0) this.scheduleSweep();
  }

  /** Records written chunks whose bytes the parser has attributed (or all, when `force`). */
  private flushOut(conn: Connection, force: boolean): void {
    const d = conn.out;
    while (d.pending.length > 0) {
      const chunk = d.pending[0]!;
      const end = chunk.offset + chunk.bytes.length;
      if (!force && end > d.parsedTo) break;
      d.pending.shift();
      const id = this.c.stamp(dataEvent(conn, "out", chunk.offset, chunk.bytes, overlapping(d.units, chunk.offset, end)));
      remember(d.chunks, { start: chunk.offset, end, id });
    }
  }

  // ── receiving: bytes read, then the units they complete ─────────────────────
  private read(conn: Connection, chunk: Buffer): void {
    if (!conn.open) this.opened(conn);
    const d = conn.in;
    const start = d.offset;
    d.offset += chunk.length;
    this.link(conn);
    if (conn.role === "server" && !conn.peer && !conn.external) {
      conn.external = this.hooks.onExternalPeer?.(conn.remote) ?? "external";
    }
    let parents: number[] = [];
    if (conn.peer) {
      this.flushOut(conn.peer, true);
      parents = overlapping(conn.peer.out.chunks, start, d.offset);
    }
    const id = this.c.stamp(dataEvent(conn, "in", start, chunk, parents));
    remember(d.chunks, { start, end: d.offset, id });
    this.parsed(conn, conn.parser.feed("in", chunk));
    // Written bytes held back until this read (frames after a 101) may now be attributed.
    if (conn.out.pending.length > 0) this.flushOut(conn, false);
  }

  // ── units ─────────────────────────────────────────────────────────────────
  /** Units come back in each direction's stream order; a feed of one direction may complete the other's. */
  private parsed(conn: Connection, units: WireUnitParsed[]): void {
    for (const unit of units) {
      const dir = unit.dir;
      const d = dir === "out" ? conn.out : conn.in;
      // HTTP messages carry their own sid (or none: a handshake on a reused keep-alive
      // connection must not inherit the previous session's); frames belong to the connection's.
      const sid = unit.kind === "ws-frame" ? (unit.sid ?? conn.parser.sid) : unit.sid;
      const end = unit.offset + unit.length;
      let parents: number[];
      if (dir === "out") {
        parents = unit.packets.map((p) => this.matchOutgoing(conn, sid, unit, p));
      } else {
        parents = overlapping(d.chunks, unit.offset, end);
      }
      const id = this.c.stamp(this.unitEvent(conn, unit, sid, parents));
      remember(d.units, { start: unit.offset, end, id });
      d.parsedTo = Math.max(d.parsedTo, end);
      if (unit.error) {
        this.c.record({
          layer: "lab",
          kind: "error",
          host: conn.host,
          conn: conn.id,
          dir,
          message: `malformed ${unit.kind} on ${conn.id}: ${unit.error}`,
          raw: unit.preview,
          parents: [id],
        });
      }
      if (dir === "in") for (const p of unit.packets) this.queueIncoming(conn, sid, unit, p, id);
    }
  }

  /**
   * One object per unit, fields added in the trace's key order (common fields, then `kind`
   * and its own): this runs for every frame and HTTP message, so no spreads of partial objects.
   */
  private unitEvent(conn: Connection, unit: WireUnitParsed, sid: string | undefined, parents: number[]): WireEvent {
    const ev = { id: 0, t: 0, layer: "wire", host: conn.host, conn: conn.id, dir: unit.dir, offset: unit.offset, length: unit.length, headerLength: unit.headerLength, preview: unit.preview } as Record<string, unknown>;
    if (sid) ev.sid = sid;
    if (parents.length) ev.parents = parents;
    ev.kind = unit.kind;
    switch (unit.kind) {
      case "http-request":
        ev.method = unit.method ?? "";
        ev.path = unit.path ?? "";
        ev.headers = unit.headers ?? {};
        if (unit.upgrade) ev.upgrade = true;
        break;
      case "http-response":
        ev.status = unit.status ?? 0;
        ev.headers = unit.headers ?? {};
        break;
      case "ws-upgrade":
        ev.status = unit.status ?? 101;
        ev.headers = unit.headers ?? {};
        break;
      case "ws-frame":
        ev.opcode = unit.opcode ?? 0;
        ev.fin = unit.fin ?? true;
        ev.masked = unit.masked ?? false;
        if (unit.rsv1) ev.rsv1 = true;
        ev.payloadLength = unit.payloadLength ?? 0;
        break;
      default:
        assertNever(unit.kind, "wire unit kind");
    }
    return ev as unknown as WireEvent;
  }

  /** A packet parsed from written bytes: the logical packet it carries, or one recovered now. */
  private matchOutgoing(conn: Connection, sid: string | undefined, unit: WireUnitParsed, p: ParsedEnginePacket): number {
    const data = p.data ?? "";
    const found = this.c.take(this.c.outgoing, Correlator.key(conn.host, sid), (q) => q.type === p.type && q.data === data);
    if (found) return found.eventId;
    return this.recordRecovered(conn, sid, unit, p, "out", []);
  }

  private queueIncoming(conn: Connection, sid: string | undefined, unit: WireUnitParsed, p: ParsedEnginePacket, unitId: number): void {
    if (isTransportInternal(p)) {
      this.recordRecovered(conn, sid, unit, p, "in", [unitId]);
      return;
    }
    this.c.push(this.c.incoming, Correlator.key(conn.host, sid), {
      type: p.type as EnginePacketType,
      data: p.data ?? "",
      binary: p.binary ?? false,
      eventId: unitId,
      conn: conn.id,
      at: this.c.recorder.now(),
      ...(unit.transport ? { transport: unit.transport } : {}),
    });
    this.scheduleUnclaimed();
  }

  private recordRecovered(conn: Connection, sid: string | undefined, unit: WireUnitParsed, p: ParsedEnginePacket, dir: StreamDir, parents: number[]): number {
    const ev: EnginePacketEvent = { id: 0, t: 0, layer: "engine", kind: "packet", host: conn.host, conn: conn.id, dir, type: p.type };
    if (p.data !== undefined && p.data !== "") ev.data = p.data;
    if (p.binary) ev.binary = true;
    if (sid) ev.sid = sid;
    ev.transport = unit.transport ?? (unit.kind === "ws-frame" ? "websocket" : "polling");
    ev.recovered = true;
    if (parents.length) ev.parents = parents;
    return this.c.stamp(ev);
  }

  /** Once the event loop has turned, written bytes still waiting for a unit are recorded as they are. */
  private scheduleSweep(): void {
    if (this.sweepScheduled) return;
    this.sweepScheduled = true;
    setImmediate(() => {
      this.sweepScheduled = false;
      for (const conn of this.live) if (conn.open) this.flushOut(conn, true);
    });
  }

  /**
   * Parsed packets that no public event claimed (a session already closed, say) are recorded
   * as recovered. The wait is long: socket.io-client's XHR shim delivers a response several
   * turns of the event loop after its bytes arrive.
   */
  private scheduleUnclaimed(): void {
    if (this.unclaimedTimer) return;
    this.unclaimedTimer = setTimeout(() => {
      this.unclaimedTimer = undefined;
      const cutoff = this.c.recorder.now() - UNCLAIMED_AFTER_MS;
      for (const [key, list] of this.c.incoming) {
        const host = key.slice(0, key.indexOf("|"));
        const sid = key.slice(key.indexOf("|") + 1);
        const stale = list.filter((q) => (q.at ?? 0) <= cutoff);
        if (stale.length === 0) continue;
        const kept = list.filter((q) => (q.at ?? 0) > cutoff);
        if (kept.length) this.c.incoming.set(key, kept);
        else this.c.incoming.delete(key);
        for (const q of stale) {
          // Bytes a paused (frozen) socket holds were never read by its engine.
          const conn = [...this.live].find((l) => l.id === q.conn);
          if (conn?.socket.isPaused()) continue;
          this.c.record({
            layer: "engine",
            kind: "packet",
            host,
            ...(q.conn ? { conn: q.conn } : {}),
            dir: "in",
            type: q.type,
            ...(q.data ? { data: q.data } : {}),
            ...(q.binary ? { binary: true } : {}),
            ...(sid !== "?" ? { sid } : {}),
            ...(q.transport ? { transport: q.transport } : {}),
            recovered: true,
            parents: [q.eventId],
          });
        }
      }
      if (this.c.incoming.size > 0) this.scheduleUnclaimed();
    }, UNCLAIMED_AFTER_MS);
    this.unclaimedTimer.unref();
  }

  // ── close and the self-check ──────────────────────────────────────────────
  private closed(conn: Connection, hadError: boolean): void {
    if (conn.closed) return;
    conn.closed = true;
    if (!conn.open) {
      // Never connected: nothing was carried. Report why, if Node said.
      this.live.delete(conn);
      conn.untap();
      if (conn.lastError && !this.closing) {
        this.c.record({ layer: "lab", kind: "error", host: conn.host, message: `connection failed: ${conn.lastError}`, code: conn.lastError });
      }
      return;
    }
    this.parsed(conn, conn.parser.end());
    this.flushOut(conn, true);
    const s = conn.socket;
    const bytesIn = conn.in.offset;
    const bytesOut = conn.out.offset;
    const checked = bytesIn === s.bytesRead && bytesOut === s.bytesWritten;
    const reset = conn.lastError === "ECONNRESET";
    const closeId = this.c.record({
      layer: "tcp",
      kind: "close",
      host: conn.host,
      conn: conn.id,
      reason: conn.lastError ? conn.lastError : hadError ? "error" : "closed",
      ...(reset ? { reset: true } : {}),
      bytesIn,
      bytesOut,
      bytesRead: s.bytesRead,
      bytesWritten: s.bytesWritten,
      checked,
    });
    if (!checked) {
      this.c.record({
        layer: "lab",
        kind: "error",
        host: conn.host,
        conn: conn.id,
        message: `self-check failed on ${conn.id}: captured ${bytesIn} in / ${bytesOut} out, Node counted ${s.bytesRead} read / ${s.bytesWritten} written`,
        code: "SELF_CHECK",
        parents: [closeId],
      });
    }
    this.byTuple.delete(endpointKey(conn.local, conn.remote));
    this.live.delete(conn);
    conn.untap();
  }
}

