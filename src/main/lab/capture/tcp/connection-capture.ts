// TCP capture for one host's connections: records `tcp` open/data/unsent/close/refused with
// the byte self-check, and hands each direction's bytes to the wire parsers, whose units it
// records (wire/wire-events.ts) in stream order with the chunks that carry them; the engine
// packets in those units are linked by engine/wire-links.ts. Sending: engine → wire → tcp;
// receiving: tcp → wire → engine. Written bytes count as sent once Node settles the write (or
// the peer reads them); bytes that never left are recorded as `unsent`, and a close says how
// it ended and who began it.

import type { OpRecord } from "../capture-set.js";
import type { Socket } from "node:net";
import { assertNever, type Endpoint, type TcpCloseEvent, type TcpDataEvent, type TcpOpenEvent, type TcpRefusedEvent, type TcpUnsentEvent, type WireEvent } from "../../../../shared/trace/types.js";
import type { Correlator } from "../correlator.js";
import { EngineWireLinks } from "../engine/wire-links.js";
import { createRespParser } from "../wire/resp-parser.js";
import type { StreamDir, WireParser, WireUnitParsed } from "../wire/types.js";
import { malformedUnit, wireEvent } from "../wire/wire-events.js";
import { createWireParser } from "../wire/wire-parser.js";
import { BoundedMap } from "../bounded-map.js";
import { probeSocket, type TcpRecord, type TcpReport } from "./socket-probe.js";

interface Span {
  start: number;
  end: number;
  id: number;
}

/** A written chunk: recorded as `data` once Node says it left, as `unsent` if it never did. */
interface OutChunk {
  offset: number;
  bytes: Buffer;
  state: "pending" | "sent" | "failed";
  reason?: string;
}

/** An outgoing wire unit, parsed and linked, waiting until the bytes that carry it have settled. */
interface OutUnit {
  start: number;
  end: number;
  event: WireEvent;
  error?: string;
}

interface Direction {
  /** Bytes seen so far (read, or handed to write): the next chunk's offset. */
  offset: number;
  /** Written chunks not yet recorded. */
  pending: OutChunk[];
  /** Outgoing units not yet recorded. */
  units: OutUnit[];
  /** End of the last outgoing unit recorded: chunks before it have their units' ids. */
  unitsTo: number;
  /** Bytes recorded as sent (`data`), and as never sent (`unsent`). */
  sent: number;
  unsent: number;
  /** Some write of this direction failed (rare: only then are units checked for unsent bytes). */
  anyFailed: boolean;
  /** Recent recorded tcp chunks and wire units, for parents by byte range. */
  chunkSpans: Span[];
  unitSpans: Span[];
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
  parser: WireParser;
  open: boolean;
  closed: boolean;
  out: Direction;
  in: Direction;
  /** Writes issued before the TCP connection was established (offsets given on connect). */
  early: OutChunk[];
  /** Writes not settled yet, by the number the probe gave them. */
  writes: Map<number, OutChunk>;
  /** The lab stopped reading this connection (a frozen client): bytes it holds were never read by its engine. */
  paused?: boolean;
  peer?: Connection;
  /** Set on the server side when the other end is not one of the lab's hosts. */
  external?: string;
  lastError?: string;
  /** Where a refused attempt was going (from Node's error). */
  target?: Endpoint;
  /** When this end began to close (lab clock), and how: FIN after writes, close now, or RST. */
  localCloseAt?: number;
  localHow?: "end" | "destroy" | "reset";
  /** Bytes the peer had sent that this end never read, when it closed its descriptor. */
  unreadAtClose?: number;
  /** When the other end's FIN (or RST) reached this end's application. */
  remoteCloseAt?: number;
  /** This end saw a reset (ECONNRESET, EPIPE). */
  resetSeen?: boolean;
  /** The capture failed on this connection; its traffic went on untraced. */
  broken?: boolean;
  /** Engine packets are not this host's business (a proxy, a Redis connection): units only. */
  unitsOnly?: boolean;
  /** Its units' causes and reads go to the api capture (see `TapOptions.toApi`). */
  toApi?: true;
  /** A proxy's connection: what it writes forwards what was last read on `pairedWith` (see `TapOptions.forwards`). */
  forwards?: boolean;
  pairedWith?: string;
}

/** How one tapped connection is read. */
export interface TapOptions {
  /** `http` (HTTP/1.1 and WebSocket, the default) or `resp` (a connection to Redis). */
  protocol?: "http" | "resp";
  /**
   * Record units but no engine packets: a load balancer forwards HTTP and WebSocket without
   * speaking Engine.IO (its units still show the payload in their preview).
   */
  unitsOnly?: boolean;
  /**
   * A connection of the host's own code (its Redis client): what it writes is caused by the
   * api event the host's sending runs for now (an api broadcast, say), and each unit it reads
   * is handed to the api layer (what Redis answered names it). Both through the capture's
   * hooks (`ConnectionCaptureHooks.causeOn`, `.unitRead`), so a tap carries no function.
   */
  toApi?: boolean;
  /**
   * A proxy's connection (with `unitsOnly`): each unit it writes forwards the unit last read on
   * the connection it is paired with now (`pair`: a request's two ends, a WebSocket tunnel's).
   */
  forwards?: boolean;
}

const KEEP_SPANS = 256;

const newDirection = (): Direction => ({ offset: 0, pending: [], units: [], unitsTo: 0, sent: 0, unsent: 0, anyFailed: false, chunkSpans: [], unitSpans: [] });
const RESET_CODES = new Set(["ECONNRESET", "EPIPE"]);

interface FlushOptions {
  provenTo?: number;
  partial?: boolean;
  final?: boolean;
}
/** The usual flush, shared: it runs on every write. */
const SETTLED_ONLY: FlushOptions = Object.freeze({});

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

/** What the TCP capture asks of the other captures (all on the capture's side: no live state). */
export interface ConnectionCaptureHooks {
  /** A server-side connection from a peer that is not a lab host (`local`: the address it reached). */
  onExternalPeer?(remote: Endpoint, local: Endpoint): string;
  /** The api event `host`'s sending runs for now, for a `toApi` connection's outgoing units (`ApiCapture.causeOn`). */
  causeOn?(host: string): number | undefined;
  /** A `toApi` connection of `host` read a unit, recorded as event `id` (`ApiCapture.respRead`). */
  unitRead?(host: string, id: number): void;
  /**
   * The capture failed on connection `id` and stopped following it: its tap should go. Where
   * the capture runs on the lab's thread it removes the tap itself; a worker's capture tells
   * the lab's side (`untap`).
   */
  onStopped?(id: string): void;
}

/** A unit a forwarding connection's last read completed, not forwarded yet. */
interface ReadUnit {
  id: number;
  kind: string;
}

/** A tapped socket, on the live side: what the lab does to it, and the tap to remove. The capture never reads it. */
interface LiveSocket {
  host: string;
  socket: Socket;
  untap: () => void;
  /** Queues a record for its connection. */
  report: (record: TcpRecord) => void;
}

export class ConnectionCapture {
  private nextConn = 1;
  /** The sockets tapped and not closed yet, by connection id (the live side: see `LiveSocket`). */
  private readonly sockets = new Map<string, LiveSocket>();
  /** Hosts named for accepted sockets before they were tapped (`namePeer`; the live side). */
  private readonly peerNames = new WeakMap<Socket, string>();
  /** The connection id of each tapped socket (the live side). */
  private readonly connOf = new WeakMap<Socket, string>();
  /** What each forwarding connection's last read completed, by connection id (kept after it closes: a unit written later may forward it). */
  private readonly readToForward = new BoundedMap<string, ReadUnit[]>(10_000);
  private readonly byTuple = new Map<string, Connection>();
  /** The connections still open, by id: where their records go. */
  private readonly byId = new Map<string, Connection>();
  /** The last closed ones, for a record that comes after the close. */
  private readonly closedById = new BoundedMap<string, Connection>(256);
  private sweepScheduled = false;
  private readonly closeWaiters = new Set<() => void>();
  private readonly links: EngineWireLinks;

  constructor(
    private readonly c: Correlator,
    private readonly hooks: ConnectionCaptureHooks = {},
  ) {
    this.links = new EngineWireLinks(c, (id) => this.byId.get(id)?.paused === true);
    c.queue.register("tcp", this.applyRecord);
  }

  /** Taps a client-side socket right after it was created (before it connects to `target`). */
  tapClient(host: string, socket: Socket, target?: Endpoint, options: TapOptions = {}): void {
    this.probe(this.tapped(host, "client", options, target), host, "client", socket);
  }

  /** Taps a socket an http.Server accepted. */
  tapServer(host: string, socket: Socket, options: TapOptions = {}): void {
    this.probe(this.tapped(host, "server", options, undefined, this.peerNames.get(socket)), host, "server", socket);
  }

  /**
   * A connection known only by its records (see socket-probe.ts): what a probe elsewhere (a
   * capture that is fed records, not sockets) reports. Returns the function to queue them with.
   */
  follow(host: string, role: "client" | "server", options: TapOptions = {}, target?: Endpoint): (record: TcpRecord) => void {
    const id = this.tapped(host, role, options, target);
    return (record) => this.c.queue.push(this.applyRecord, record, id);
  }

  /** Connections still open (for disposal and for views of the lab state). */
  connections(): ConnectionInfo[] {
    // A capture that is gone (its worker stopped) knows of none.
    if (this.c.remote) return this.c.remote.call<ConnectionInfo[] | undefined>("connections") ?? [];
    this.c.queue.drain();
    return [...this.byId.values()];
  }

  /** The same, as plain data (what a worker's capture answers with): each end's addresses, its peer's one level down. */
  connectionInfos(): ConnectionInfo[] {
    this.c.queue.drain();
    const info = (c: Connection): ConnectionInfo => ({ id: c.id, host: c.host, role: c.role, local: { ...c.local }, remote: { ...c.remote } });
    return [...this.byId.values()].map((c) => (c.peer ? { ...info(c), peer: info(c.peer) } : info(c)));
  }

  /**
   * Resolves once every tapped connection of `host` (of every host when none is given) has
   * closed, or after `maxMs`: true when they all closed. Woken by each close, never polled.
   */
  closedAll(host: string | undefined, maxMs: number): Promise<boolean> {
    // A capture that is gone cannot tell: as after a timeout, not all closed.
    if (this.c.remote) return this.c.remote.request<boolean>("closedAll", [host, maxMs]).catch(() => false);
    this.c.queue.drain();
    const done = (): boolean => ![...this.byId.values()].some((c) => host === undefined || c.host === host);
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = (): void => {
        if (!done()) return;
        clearTimeout(timer);
        this.closeWaiters.delete(check);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.closeWaiters.delete(check);
        // A close record may still be waiting to be applied.
        this.c.queue.drain();
        resolve(done());
      }, maxMs);
      this.closeWaiters.add(check);
    });
  }

  /** Removes the tap of connection `id` (the capture stopped following it): the live side. */
  untap(id: string): void {
    this.sockets.get(id)?.untap();
  }

  /** The open sockets of one host (to end a client's connections, say). */
  socketsOf(host: string): Socket[] {
    return [...this.sockets.values()].flatMap((l) => (l.host === host ? [l.socket] : []));
  }

  /** The peer of `socket`, accepted but not tapped yet, is the lab host `host` (not `external-N`): known when its connection is made. */
  namePeer(socket: Socket, host: string): void {
    this.peerNames.set(socket, host);
  }

  /**
   * A proxy pairs two of its sockets (both tapped with `forwards`): from now on what it writes on
   * one forwards what it read on the other. Told in the order it happens, as a record of each.
   */
  pair(a: Socket, b: Socket): void {
    const idA = this.connOf.get(a);
    const idB = this.connOf.get(b);
    if (idA === undefined || idB === undefined) return;
    const t = this.c.recorder.now();
    this.sockets.get(idA)?.report({ kind: "paired", t, with: idB });
    this.sockets.get(idB)?.report({ kind: "paired", t, with: idA });
  }

  /** The lab stops reading one host's connections (a client that hangs), or reads them again. */
  setPaused(host: string, paused: boolean): void {
    for (const l of this.sockets.values()) {
      if (l.host !== host) continue;
      if (paused) l.socket.pause();
      else if (l.socket.isPaused()) l.socket.resume();
      l.report({ kind: "paused", t: this.c.recorder.now(), paused });
    }
  }

  /**
   * A new connection's id, and its `tapped` record queued (the lab's side): the capture makes
   * its state from that record, as from any other.
   */
  private tapped(host: string, role: "client" | "server", options: TapOptions, target?: Endpoint, external?: string): string {
    const id = `${host}/tcp${this.nextConn++}`;
    const record: Extract<TcpRecord, { kind: "tapped" }> = { kind: "tapped", t: this.c.recorder.now(), host, role };
    if (target) record.target = { ip: target.ip, port: target.port };
    if (options.protocol === "resp") record.resp = true;
    if (options.unitsOnly) record.unitsOnly = true;
    if (options.toApi) record.toApi = true;
    if (options.forwards) record.forwards = true;
    if (external !== undefined) record.external = external;
    this.c.queue.push(this.applyRecord, record, id);
    return id;
  }

  /** Makes a connection's state from its `tapped` record. */
  private created(id: string, r: Extract<TcpRecord, { kind: "tapped" }>): void {
    const conn: Connection = {
      id,
      host: r.host,
      role: r.role,
      local: { ip: "", port: 0 },
      remote: { ip: "", port: 0 },
      parser: r.resp ? createRespParser(r.role) : createWireParser(r.role),
      open: false,
      closed: false,
      out: newDirection(),
      in: newDirection(),
      early: [],
      writes: new Map(),
    };
    if (r.resp || r.unitsOnly) conn.unitsOnly = true;
    if (r.toApi) conn.toApi = true;
    if (r.forwards) conn.forwards = true;
    if (r.target) conn.target = r.target;
    if (r.external !== undefined) conn.external = r.external;
    this.byId.set(id, conn);
  }

  /** No longer open: its records to come (none should) still find it for a while. */
  private forget(conn: Connection): void {
    this.byId.delete(conn.id);
    this.closedById.set(conn.id, conn);
  }

  private probe(id: string, host: string, role: "client" | "server", socket: Socket): void {
    const queue = this.c.queue;
    const apply = this.applyRecord;
    const report = (record: TcpRecord): void => queue.push(apply, record, id);
    const tcpReport: TcpReport = {
      record: report,
      bytes: (write, t, bytes) => queue.tcpBytes(apply, id, write, t, bytes),
      settled: (t, write, first, error) => queue.tcpSettled(apply, id, t, write, first, error),
    };
    const untap = probeSocket(socket, tcpReport, { serverSide: role === "server", now: () => this.c.recorder.now() });
    this.sockets.set(id, { host, socket, untap, report });
    this.connOf.set(socket, id);
    // After the probe's own `close` listener: the close is reported first, then the tap goes.
    socket.once("close", () => {
      this.sockets.delete(id);
      untap();
    });
  }

  /** Every TCP record goes through here, with the id of its connection (the queue carries it as data). */
  private readonly applyRecord = (r: TcpRecord, to: string | undefined): void => {
    if (to === undefined) return;
    if (r.kind === "tapped") {
      this.created(to, r);
      return;
    }
    const conn = this.byId.get(to) ?? this.closedById.get(to);
    if (conn) this.applySafely(conn, r);
  };

  /** A record the capture fails on stops the capture of its connection only (its tap goes: no more bytes). */
  private applySafely(conn: Connection, r: TcpRecord): void {
    if (conn.broken && (r.kind === "read" || r.kind === "write" || r.kind === "settled")) return;
    try {
      this.apply(conn, r);
    } catch (err) {
      this.stopCapture(conn, err);
    }
  }

  /** One record of what the connection's socket did (see socket-probe.ts): the capture's only input. */
  private apply(conn: Connection, r: TcpRecord): void {
    switch (r.kind) {
      case "connect":
        this.opened(conn, r.local, r.remote);
        return;
      case "read":
        this.read(conn, r.bytes);
        return;
      case "write":
        this.wrote(conn, r.write, r.bytes);
        return;
      case "settled":
        // Each write flushed as it settles: a range that ends several units records them in the same order as one by one.
        for (let w = r.first ?? r.write; w <= r.write; w++) if (this.settle(conn, w, w === r.write ? r.error : undefined)) this.settled(conn);
        return;
      case "closing":
        this.closing(conn, r.how, r.t);
        return;
      case "end":
        conn.remoteCloseAt ??= r.t;
        return;
      case "error":
        conn.lastError = r.code ?? r.message;
        if (r.code && RESET_CODES.has(r.code)) {
          conn.resetSeen = true;
          conn.remoteCloseAt ??= r.t;
        }
        if (!conn.open && r.address !== undefined && r.port !== undefined) conn.target = { ip: r.address, port: r.port };
        return;
      case "close":
        this.closed(conn, r);
        return;
      case "failed":
        this.failed(conn, r.message);
        return;
      case "paused":
        conn.paused = r.paused;
        return;
      case "paired":
        conn.pairedWith = r.with;
        return;
      case "tapped":
        // Made the connection (see `applyRecord`); a second one for it says nothing new.
        return;
      default:
        assertNever(r, "tcp record");
    }
  }

  private opened(conn: Connection, local: Endpoint, remote: Endpoint): void {
    conn.local = local;
    conn.remote = remote;
    conn.open = true;
    this.byTuple.set(endpointKey(conn.local, conn.remote), conn);
    this.link(conn);
    const open: TcpOpenEvent = { id: 0, t: 0, layer: "tcp", kind: "open", host: conn.host, conn: conn.id, local: conn.local, remote: conn.remote, role: conn.role };
    if (conn.peer) open.peer = conn.peer.id;
    this.c.stamp(open);
    const early = conn.early;
    conn.early = [];
    for (const chunk of early) this.wroteNow(conn, chunk);
    this.flushOut(conn);
  }

  private link(conn: Connection): void {
    if (conn.peer) return;
    const peer = this.byTuple.get(endpointKey(conn.remote, conn.local));
    if (peer && !peer.closed) {
      conn.peer = peer;
      peer.peer = conn;
    }
  }

  // ── sending: bytes written wait until Node settles them, and for the wire unit they complete ──
  private wrote(conn: Connection, write: number, bytes: Buffer): void {
    const chunk: OutChunk = { offset: -1, bytes, state: "pending" };
    conn.writes.set(write, chunk);
    if (!conn.open) {
      // Before the connection is established: kept (a copy: the caller may reuse its buffer).
      chunk.bytes = Buffer.from(bytes);
      conn.early.push(chunk);
    } else {
      this.wroteNow(conn, chunk);
    }
  }

  private wroteNow(conn: Connection, chunk: OutChunk): void {
    const d = conn.out;
    chunk.offset = d.offset;
    d.pending.push(chunk);
    d.offset += chunk.bytes.length;
    this.parsed(conn, conn.parser.feed("out", chunk.bytes));
  }

  /** Marks one write sent or failed; false when it was settled already (or never known). */
  private settle(conn: Connection, write: number, error: string | undefined): boolean {
    const chunk = conn.writes.get(write);
    conn.writes.delete(write);
    if (chunk?.state !== "pending") return false;
    if (error !== undefined) {
      chunk.state = "failed";
      chunk.reason = error;
      conn.out.anyFailed = true;
    } else {
      chunk.state = "sent";
    }
    return true;
  }

  /** Records what the writes just settled let go. */
  private settled(conn: Connection): void {
    if (conn.open && !conn.closed) {
      this.flushOut(conn);
      if (conn.out.pending.length > 0 || conn.out.units.length > 0) this.scheduleSweep();
    }
  }

  /**
   * Records what has settled, in stream order: outgoing units whose bytes all settled, then
   * the chunks (as `data`, or `unsent` when they never left). `provenTo`: the peer read up to
   * there, so those bytes left. `partial`: chunks go without waiting for their unit. `final`:
   * the connection closed, so nothing is pending any more.
   */
  private flushOut(conn: Connection, opts: FlushOptions = SETTLED_ONLY): void {
    const d = conn.out;
    if (opts.provenTo !== undefined) {
      for (const chunk of d.pending) {
        if (chunk.offset >= opts.provenTo) break;
        if (chunk.state === "pending") chunk.state = "sent";
      }
    }
    if (opts.final) {
      for (const chunk of d.pending) {
        if (chunk.state !== "pending") continue;
        // Node settles every write before 'close'; one still open never reached the kernel.
        chunk.state = "failed";
        chunk.reason = conn.lastError ?? "not written before the connection closed";
        d.anyFailed = true;
      }
    }
    let settledTo = d.offset;
    for (const chunk of d.pending) {
      if (chunk.state === "pending") {
        settledTo = chunk.offset;
        break;
      }
    }
    while (d.units.length > 0 && d.units[0]!.end <= settledTo) {
      const unit = d.units.shift()!;
      if (d.anyFailed && d.pending.some((c) => c.state === "failed" && c.offset < unit.end && c.offset + c.bytes.length > unit.start)) {
        unit.event.unsent = true;
      }
      const id = this.c.stamp(unit.event);
      remember(d.unitSpans, { start: unit.start, end: unit.end, id });
      d.unitsTo = unit.end;
      if (unit.error) this.malformed(conn, "out", unit.event, unit.error, id);
    }
    while (d.pending.length > 0) {
      const chunk = d.pending[0]!;
      const end = chunk.offset + chunk.bytes.length;
      if (chunk.state === "pending") break;
      if (!opts.partial && !opts.final && end > d.unitsTo) break;
      d.pending.shift();
      const parents = overlapping(d.unitSpans, chunk.offset, end);
      if (chunk.state === "failed") {
        d.unsent += chunk.bytes.length;
        const ev: TcpUnsentEvent = { id: 0, t: 0, layer: "tcp", kind: "unsent", host: conn.host, conn: conn.id, dir: "out", offset: chunk.offset, length: chunk.bytes.length, bytes: chunk.bytes.toString("base64"), reason: chunk.reason ?? "failed" };
        if (parents.length) ev.parents = parents;
        this.c.stamp(ev);
        continue;
      }
      d.sent += chunk.bytes.length;
      const id = this.c.stamp(dataEvent(conn, "out", chunk.offset, chunk.bytes, parents));
      remember(d.chunkSpans, { start: chunk.offset, end, id });
    }
  }

  // ── receiving: bytes read, then the units they complete ─────────────────────
  private read(conn: Connection, chunk: Buffer): void {
    const d = conn.in;
    const start = d.offset;
    d.offset += chunk.length;
    this.link(conn);
    if (conn.role === "server" && !conn.peer && !conn.external) {
      conn.external = this.hooks.onExternalPeer?.(conn.remote, conn.local) ?? "external";
    }
    let parents: number[] = [];
    if (conn.peer) {
      // What this end reads, the other end sent: its writes up to here are settled.
      this.flushOut(conn.peer, { provenTo: d.offset, partial: true });
      parents = overlapping(conn.peer.out.chunkSpans, start, d.offset);
    }
    const id = this.c.stamp(dataEvent(conn, "in", start, chunk, parents));
    remember(d.chunkSpans, { start, end: d.offset, id });
    // A proxy forwards what this read completes (see `forwardedUnit`): units of earlier reads not forwarded are not.
    if (conn.forwards) this.readToForward.set(conn.id, []);
    this.parsed(conn, conn.parser.feed("in", chunk));
    // Written bytes held back until this read (frames after a 101) may now be attributed.
    if (conn.out.pending.length > 0 || conn.out.units.length > 0) this.flushOut(conn);
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
      if (dir === "out") {
        // Linked now (the engine packets it carries are pending now), recorded once its bytes settle.
        const cause = conn.forwards ? this.forwardedUnit(conn, unit.kind) : conn.toApi ? this.hooks.causeOn?.(conn.host) : undefined;
        const parents = conn.unitsOnly ? (cause !== undefined ? [cause] : []) : unit.packets.map((p) => this.links.outgoing(conn, sid, unit, p));
        const out: OutUnit = { start: unit.offset, end, event: wireEvent(conn.host, conn.id, unit, sid, parents) };
        if (unit.error) out.error = unit.error;
        d.units.push(out);
        continue;
      }
      const ev = wireEvent(conn.host, conn.id, unit, sid, overlapping(d.chunkSpans, unit.offset, end));
      const id = this.c.stamp(ev);
      remember(d.unitSpans, { start: unit.offset, end, id });
      if (unit.error) this.malformed(conn, dir, ev, unit.error, id);
      if (conn.toApi) this.hooks.unitRead?.(conn.host, id);
      if (conn.forwards) {
        // Bounded by what one read completes: the list starts again at every read.
        const units = this.readToForward.get(conn.id);
        if (units) units.push({ id, kind: unit.kind });
        else this.readToForward.set(conn.id, [{ id, kind: unit.kind }]);
      }
      if (conn.unitsOnly) continue;
      for (const p of unit.packets) this.links.incoming(conn, sid, unit, p, id);
    }
  }

  /**
   * The unit a forwarding connection's unit of `kind` forwards: of the units the last read on
   * the paired connection completed, the first of that kind not forwarded yet (a node's 101
   * and its first frame, read together, are passed on as two units). None when there is none:
   * what the proxy writes of its own (a 502 when a node failed) forwards nothing.
   */
  private forwardedUnit(conn: Connection, kind: string): number | undefined {
    const units = conn.pairedWith !== undefined ? this.readToForward.get(conn.pairedWith) : undefined;
    const i = units ? units.findIndex((u) => u.kind === kind) : -1;
    return i >= 0 ? units!.splice(i, 1)[0]!.id : undefined;
  }

  private malformed(conn: Connection, dir: StreamDir, unit: WireEvent, error: string, id: number): void {
    this.c.record(malformedUnit(conn.host, conn.id, dir, unit, error, id));
  }

  /** Once the turn's records are applied (the queue's end of turn), written bytes still waiting for a unit are recorded as they are. */
  private scheduleSweep(): void {
    if (this.sweepScheduled) return;
    this.sweepScheduled = true;
    this.c.queue.afterTurn(() => {
      this.sweepScheduled = false;
      let again = false;
      for (const conn of this.byId.values()) {
        if (!conn.open || conn.broken) continue;
        try {
          this.flushOut(conn, { partial: true });
        } catch (err) {
          this.stopCapture(conn, err);
          continue;
        }
        // A write the kernel has not taken yet settles later: look again next turn.
        if (conn.out.pending.length > 0 || conn.out.units.length > 0) again = true;
      }
      if (again) this.scheduleSweep();
    });
  }

  /** Records the packets parsed from the wire that no engine event claimed (see `EngineWireLinks.flushUnclaimed`). */
  flushUnclaimed(host?: string, sid?: string): void {
    if (this.c.remote) {
      this.c.queue.pushNamed<OpRecord>("op", { op: "flushUnclaimed", ...(host !== undefined ? { host } : {}), ...(sid !== undefined ? { sid } : {}) });
      return;
    }
    this.c.queue.drain();
    this.links.flushUnclaimed(host, sid);
  }

  // ── close, how it ended, and the self-check ───────────────────────────────
  private closing(conn: Connection, how: "end" | "destroy" | "reset", t: number): void {
    if (conn.localCloseAt !== undefined) return;
    conn.localCloseAt = t;
    conn.localHow = how;
    // Closing the descriptor with bytes still unread makes the kernel answer with a reset.
    if (how !== "end" && conn.peer && conn.open) {
      const unread = conn.peer.out.offset - conn.peer.out.unsent - conn.in.offset;
      if (unread > 0) conn.unreadAtClose = unread;
    }
  }

  /** A capture step outside the tap failed on `conn`: the tap goes, the traffic goes on untraced. */
  private stopCapture(conn: Connection, err: unknown): void {
    // On this thread the tap is removed at once; its records already queued are skipped (`applySafely`).
    if (this.hooks.onStopped) this.hooks.onStopped(conn.id);
    else this.untap(conn.id);
    this.failed(conn, (err as Error)?.message ?? String(err));
  }

  private failed(conn: Connection, message: string): void {
    if (conn.broken) return;
    conn.broken = true;
    this.c.record({
      layer: "lab",
      kind: "error",
      host: conn.host,
      conn: conn.id,
      code: "CAPTURE_FAILED",
      message: `capture stopped on ${conn.id}: ${message}; its traffic goes on untraced`,
    });
  }

  private closed(conn: Connection, record: Extract<TcpRecord, { kind: "close" }>): void {
    const { hadError, bytesRead, bytesWritten } = record;
    if (conn.closed) return;
    conn.closed = true;
    if (!conn.open) {
      // Never connected: the SYN was answered with a reset (or the attempt failed otherwise).
      this.forget(conn);
      if (conn.lastError) {
        const ev: TcpRefusedEvent = { id: 0, t: 0, layer: "tcp", kind: "refused", host: conn.host, conn: conn.id, remote: conn.target ?? { ip: "", port: 0 }, code: conn.lastError };
        if (record.local) ev.local = record.local;
        this.c.stamp(ev);
      }
      this.wake();
      return;
    }
    if (!conn.broken) {
      this.parsed(conn, conn.parser.end());
      this.flushOut(conn, { final: true });
    }
    const bytesIn = conn.in.offset;
    const bytesOut = conn.out.sent;
    const unsent = conn.out.unsent;
    // Node counts what it handed to the kernel, including writes the kernel then refused.
    const checked = !conn.broken && bytesIn === bytesRead && (bytesOut === bytesWritten || bytesOut + unsent === bytesWritten);
    const peer = conn.peer;
    const unread = conn.unreadAtClose ?? (peer?.closed ? peer.out.sent - bytesIn : 0);
    const reset = conn.resetSeen === true || conn.localHow === "reset" || unread > 0 || (peer?.closed === true && (peer.resetSeen === true || peer.localHow === "reset"));
    // Who began: the end whose FIN or RST went first. Between lab hosts both ends' times are known.
    const otherAt = peer?.localCloseAt ?? conn.remoteCloseAt;
    const closedBy: "local" | "remote" = conn.localCloseAt !== undefined && (otherAt === undefined || conn.localCloseAt <= otherAt) ? "local" : "remote";
    const ev: TcpCloseEvent = {
      id: 0,
      t: 0,
      layer: "tcp",
      kind: "close",
      host: conn.host,
      conn: conn.id,
      reason: conn.broken ? "capture stopped" : conn.lastError ? conn.lastError : hadError ? "error" : "closed",
      ended: reset ? "reset" : "fin",
      closedBy,
      bytesIn,
      bytesOut,
      bytesRead,
      bytesWritten,
      checked,
    };
    if (reset) ev.reset = true;
    if (unsent > 0) ev.unsent = unsent;
    if (unread > 0) ev.unread = unread;
    const closeId = this.c.stamp(ev);
    if (!checked && !conn.broken) {
      this.c.record({
        layer: "lab",
        kind: "error",
        host: conn.host,
        conn: conn.id,
        message: `self-check failed on ${conn.id}: captured ${bytesIn} in / ${bytesOut} out (${unsent} never sent), Node counted ${bytesRead} read / ${bytesWritten} written`,
        code: "SELF_CHECK",
        parents: [closeId],
      });
    }
    // Both ends closed: what one end sent, the other read (or never read, and then it says so).
    if (peer?.closed && !conn.broken && !peer.broken) {
      for (const [from, to, toUnread] of [[peer, conn, unread], [conn, peer, peer.unreadAtClose ?? 0]] as const) {
        if (from.out.sent - toUnread !== to.in.offset) {
          this.c.record({
            layer: "lab",
            kind: "error",
            host: to.host,
            conn: to.id,
            message: `bytes differ between the ends of a connection: ${from.id} sent ${from.out.sent}, ${to.id} read ${to.in.offset}${toUnread ? ` and left ${toUnread} unread` : ""}`,
            code: "SELF_CHECK",
            parents: [closeId],
          });
        }
      }
    }
    this.byTuple.delete(endpointKey(conn.local, conn.remote));
    this.forget(conn);
    this.wake();
  }

  private wake(): void {
    for (const check of [...this.closeWaiters]) check();
  }
}
