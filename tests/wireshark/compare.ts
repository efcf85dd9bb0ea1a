// Compares what tshark decoded from a loopback capture with a trace of the same run, per
// TCP connection and direction, layer by layer (bytes, wire units, Engine.IO, Socket.IO,
// endings, refused attempts). Pure: a capture model and trace events in, figures out.

import type { EnginePacketEvent, SocketIoPacketEvent, TcpCloseEvent, TcpDataEvent, TcpOpenEvent, TcpRefusedEvent, TcpUnsentEvent, TraceEvent, WireEvent } from "../../src/shared/trace/types.js";
import { endpointText, type CaptureModel, type CapturedConnection, type CapturedDirection, type Endpoint, type PlacedUnit } from "./capture-model.js";
import { chunkedLength } from "./capture-model.js";
import { decodePollingPayload, decodeSocketIoHead, decodeWebSocketMessage, describeEnginePacket, hexPreview, shorten, type EnginePacket, type SocketIoHead } from "./engine-packets.js";

export interface ConnectionEnding {
  /** `client ip:port → server ip:port` */
  connection: string;
  /** The trace's connection ids of both ends, `client-1/tcp1 ⇄ server/tcp2`. */
  conns: string;
  /** What tshark saw, e.g. `FIN, client first` or `RST (from server), client first`. */
  capture: string;
  /** What each end's tcp `close` says, in the same words (or what is missing). */
  trace: string;
}

export interface WireCheckFigures {
  /** Captured TCP connections compared with the trace (refused attempts apart). */
  connections: number;
  refused: number;
  /** Captured payload bytes compared, each way. */
  bytesClientToServer: number;
  bytesServerToClient: number;
  frames: number;
  httpMessages: number;
  enginePackets: number;
  socketioPackets: number;
  endings: ConnectionEnding[];
  mismatches: string[];
  /** Things the capture cannot confirm or deny (not mismatches). */
  notes: string[];
}

export interface CompareOptions {
  /** The ports the capture filter covered: the trace's servers must listen on exactly these. */
  ports: number[];
}

// ── the trace, per connection and direction ─────────────────────────────────────
interface TraceSide {
  data: TcpDataEvent[];
  units: WireEvent[];
  engine: EnginePacketEvent[];
  socketio: SocketIoPacketEvent[];
}

interface TraceConn {
  open: TcpOpenEvent;
  id: string;
  out: TraceSide;
  in: TraceSide;
  unsent: TcpUnsentEvent[];
  close?: TcpCloseEvent;
  matched: boolean;
  /**
   * When the lab froze this end's host (a lab `fault` "freeze"): from then on its engine takes
   * nothing it reads, so units it read carry no engine packet on its side.
   */
  frozenAt?: number;
  /** A load balancer's end (host role `balancer`): a proxy has wire units but speaks no Engine.IO. */
  unitsOnly?: boolean;
}

interface TraceIndex {
  conns: TraceConn[];
  refused: TcpRefusedEvent[];
  listens: { port: number; service: string }[];
  mismatches: string[];
}

const newSide = (): TraceSide => ({ data: [], units: [], engine: [], socketio: [] });

/**
 * Puts each event on its connection and direction. tcp and wire events carry `conn`. Engine
 * and Socket.IO events are placed so (the capture taps set parents this way, see
 * src/main/lab/capture/tcp/connection-capture.ts and engine/engine-capture.ts):
 * - an engine packet a host received has `conn` (set when its bytes were parsed) and, as
 *   parent, the wire unit it came in; it is ordered by that unit's offset, then by id;
 * - an engine packet a host sent has no `conn` (it is created before any transport writes
 *   it), except those recovered from the bytes; the wire unit that carries it names it among
 *   its parents, so it belongs to that unit's connection, in the unit's order (units by
 *   offset, packets in the order the unit lists them);
 * - a Socket.IO packet a host sent is a parent of the engine packet(s) carrying it (text and
 *   binary attachments; one broadcast packet is the parent of one engine packet per socket),
 *   so it sits on each connection one of those engine packets is on, at the first of them;
 * - a Socket.IO packet a host received has as parents the engine packets fed to the decoder
 *   (the text packet first, then attachments): the first one's connection is its own.
 * Whatever cannot be placed is reported: the trace says it was sent or received but no
 * connection carried it.
 */
function indexTrace(events: TraceEvent[]): TraceIndex {
  const byConn = new Map<string, TraceConn>();
  const byId = new Map<number, TraceEvent>();
  const index: TraceIndex = { conns: [], refused: [], listens: [], mismatches: [] };
  const engineOut: EnginePacketEvent[] = [];
  const socketioAll: SocketIoPacketEvent[] = [];
  const frozenAt = new Map<string, number>();
  const proxies = new Set<string>();
  for (const e of events) {
    byId.set(e.id, e);
    if (e.layer === "lab" && e.kind === "listen") index.listens.push({ port: e.port, service: e.service });
    if (e.layer === "lab" && e.kind === "fault" && e.fault === "freeze" && !frozenAt.has(e.host)) frozenAt.set(e.host, e.t);
    if (e.layer === "lab" && e.kind === "host" && e.role === "balancer") proxies.add(e.host);
    if (e.layer === "tcp" && e.kind === "open") {
      const conn: TraceConn = { open: e, id: e.conn ?? `#${e.id}`, out: newSide(), in: newSide(), unsent: [], matched: false, ...(proxies.has(e.host) ? { unitsOnly: true } : {}) };
      byConn.set(conn.id, conn);
      index.conns.push(conn);
      continue;
    }
    if (e.layer === "tcp" && e.kind === "refused") {
      index.refused.push(e);
      continue;
    }
    if (e.layer === "engine" && e.dir === "out") engineOut.push(e);
    if (e.layer === "socketio") socketioAll.push(e);
    if (e.layer !== "tcp" && e.layer !== "wire" && !(e.layer === "engine" && e.dir === "in")) continue;
    if (e.conn === undefined) {
      if (e.layer === "engine") index.mismatches.push(`[trace] engine packet #${e.id} that ${e.host} received (${describeEnginePacket(e)}) names no connection`);
      continue;
    }
    const conn = byConn.get(e.conn);
    if (!conn) {
      index.mismatches.push(`[trace] event #${e.id} (${e.layer} ${e.kind}) is on ${e.conn}, which has no tcp open`);
      continue;
    }
    if (e.layer === "tcp") {
      if (e.kind === "data") (e.dir === "in" ? conn.in : conn.out).data.push(e);
      else if (e.kind === "unsent") conn.unsent.push(e);
      else if (e.kind === "close") conn.close = e;
    } else if (e.layer === "wire") {
      (e.dir === "in" ? conn.in : conn.out).units.push(e);
    } else if (e.layer === "engine") {
      conn.in.engine.push(e);
    }
  }
  for (const conn of index.conns) {
    const frozen = frozenAt.get(conn.open.host);
    if (frozen !== undefined) conn.frozenAt = frozen;
  }
  const unitOffset = (e: EnginePacketEvent): number => {
    const parent = e.parents?.map((id) => byId.get(id)).find((p) => p?.layer === "wire");
    return parent?.layer === "wire" ? parent.offset : Infinity;
  };
  const carried = new Map<number, string>();
  for (const conn of index.conns) {
    conn.out.units.sort((a, b) => a.offset - b.offset);
    conn.in.units.sort((a, b) => a.offset - b.offset);
    conn.in.engine.sort((a, b) => unitOffset(a) - unitOffset(b) || a.id - b.id);
    for (const unit of conn.out.units) {
      for (const id of unit.parents ?? []) {
        const p = byId.get(id);
        if (p?.layer !== "engine") continue;
        const already = carried.get(id);
        if (already) index.mismatches.push(`[trace] engine packet #${id} (${describeEnginePacket(p)}) is carried by two wire units: one on ${already}, wire #${unit.id} on ${conn.id}`);
        carried.set(id, conn.id);
        conn.out.engine.push(p);
      }
    }
  }
  for (const e of engineOut) {
    if (carried.has(e.id)) continue;
    const on = e.conn ? ` (it names ${e.conn})` : "";
    index.mismatches.push(`[trace] engine packet #${e.id} that ${e.host} sent (${describeEnginePacket(e)}${e.sid ? `, sid ${e.sid}` : ""}) is carried by no wire unit${on}: the trace says it was sent, no connection shows it leaving`);
  }
  // Socket.IO packets onto connections through their engine packets.
  const engineConn = new Map<number, string>();
  for (const conn of index.conns) for (const e of conn.in.engine) engineConn.set(e.id, conn.id);
  const placed = new Set<number>();
  for (const conn of index.conns) {
    const onConn = new Set<number>();
    for (const e of conn.out.engine) {
      for (const id of e.parents ?? []) {
        const p = byId.get(id);
        if (p?.layer !== "socketio" || onConn.has(id)) continue;
        onConn.add(id);
        conn.out.socketio.push(p);
        placed.add(id);
      }
    }
  }
  for (const s of socketioAll) {
    if (s.dir !== "in") continue;
    const first = s.parents?.map((id) => engineConn.get(id)).find((c) => c !== undefined);
    const conn = first ? byConn.get(first) : undefined;
    if (!conn) continue;
    conn.in.socketio.push(s);
    placed.add(s.id);
  }
  for (const s of socketioAll) {
    if (placed.has(s.id)) continue;
    // A broadcast the trace says reached no socket: encoded, written to no connection.
    if (s.dir === "out" && s.parents?.some((id) => { const p = byId.get(id); return p?.layer === "api" && p.kind === "broadcast" && p.recipients === 0; })) continue;
    const how = s.dir === "out" ? "sent, but no engine packet carrying it is on a connection" : "received, but none of its parents is an engine packet on a connection";
    index.mismatches.push(`[trace] Socket.IO packet #${s.id} on ${s.host} (${s.dir}) ${JSON.stringify(shorten(s.encoded, 80))}: ${how}`);
  }
  return index;
}

// ── what tshark saw, by layer ───────────────────────────────────────────────────
interface CapturedEngine {
  packet: EnginePacket;
  /** Where the unit it came in starts and ends (the receiver must have read up to the end). */
  unitOffset: number;
  unitEnd: number;
  where: string;
}

interface CapturedSocketIo {
  encoded: string;
  head: SocketIoHead | { error: string };
  unitOffset: number;
  unitEnd: number;
  where: string;
}

interface CapturedLayers {
  engine: CapturedEngine[];
  socketio: CapturedSocketIo[];
  errors: string[];
}

const queryOf = (uri: string): URLSearchParams => new URLSearchParams(uri.includes("?") ? uri.slice(uri.indexOf("?") + 1) : "");
const isEngineUri = (uri: string): boolean => queryOf(uri).has("EIO");

/**
 * Engine.IO packets per direction, decided from the capture alone: a POST to an Engine.IO
 * polling URL carries a payload, and so does the 200 answer to a polling GET (responses pair
 * with requests in order: HTTP/1.1 without pipelining); after a 101 to an Engine.IO
 * WebSocket request, each complete text or binary message is one packet.
 */
function captureLayers(conn: CapturedConnection): { c2s: CapturedLayers; s2c: CapturedLayers } {
  const c2s: CapturedLayers = { engine: [], socketio: [], errors: [] };
  const s2c: CapturedLayers = { engine: [], socketio: [], errors: [] };
  const requests = conn.c2s.units.filter((u) => u.kind === "http-request");
  const engineWs = requests.some((r) => r.kind === "http-request" && isEngineUri(r.uri) && queryOf(r.uri).get("transport") === "websocket");
  const add = (layers: CapturedLayers, packets: EnginePacket[], unit: PlacedUnit, where: string): void => {
    for (const packet of packets) {
      const unitEnd = unit.offset + unit.length;
      layers.engine.push({ packet, unitOffset: unit.offset, unitEnd, where });
      if (packet.type === "message" && !packet.binary) layers.socketio.push({ encoded: packet.data, head: decodeSocketIoHead(packet.data), unitOffset: unit.offset, unitEnd, where });
    }
  };
  const fromBody = (layers: CapturedLayers, unit: PlacedUnit, where: string): void => {
    const { packets, errors } = decodePollingPayload(unit.kind === "ws-frame" ? Buffer.alloc(0) : unit.body);
    for (const e of errors) layers.errors.push(`${where}: ${e}`);
    add(layers, packets, unit, where);
  };
  for (const [layers, dir] of [[c2s, conn.c2s], [s2c, conn.s2c]] as const) {
    let responses = 0;
    let message: { opcode: number; compressed: boolean; parts: Buffer[] } | undefined;
    for (const unit of dir.units) {
      const where = `${unitText(unit)} at ${unit.offset}`;
      if (unit.kind === "http-request") {
        if (unit.method === "POST" && isEngineUri(unit.uri) && queryOf(unit.uri).get("transport") === "polling") fromBody(layers, unit, where);
      } else if (unit.kind === "http-response") {
        const request = requests[responses++];
        if (request?.kind === "http-request" && request.method === "GET" && unit.status === 200 && isEngineUri(request.uri) && queryOf(request.uri).get("transport") === "polling") fromBody(layers, unit, where);
      } else if (engineWs && unit.opcode < 8) {
        // Control frames (close, ping, pong) may come between a message's fragments.
        if (unit.opcode !== 0) message = { opcode: unit.opcode, compressed: (unit.rsv & 4) !== 0, parts: [] };
        if (!message) {
          layers.errors.push(`${where}: a continuation frame without a message to continue`);
          continue;
        }
        message.parts.push(unit.payload);
        if (!unit.fin) continue;
        // A compressed message (RSV1, permessage-deflate) is what tshark inflated from it.
        if (message.compressed && !unit.inflated) {
          layers.errors.push(`${where}: a compressed message tshark did not inflate`);
          message = undefined;
          continue;
        }
        const p = decodeWebSocketMessage(message.opcode, message.compressed ? unit.inflated! : Buffer.concat(message.parts));
        message = undefined;
        if ("error" in p) layers.errors.push(`${where}: ${p.error}`);
        else add(layers, [p], unit, where);
      }
    }
  }
  return { c2s, s2c };
}

// ── printing ───────────────────────────────────────────────────────────────────
const unitName = (kind: string, status?: number): string => (kind === "http-response" && status === 101 ? "ws-upgrade" : kind);
const OPCODES: Record<number, string> = { 0: "continuation", 1: "text", 2: "binary", 8: "close", 9: "ping", 10: "pong" };

function printable(bytes: Buffer, max = 40): string {
  const s = bytes.toString("utf8");
  return /^[\x20-\x7e\x1e]*$/.test(s) ? JSON.stringify(shorten(s, max)) : `<${bytes.length} bytes: ${hexPreview(bytes, 12)}>`;
}

function unitText(u: PlacedUnit): string {
  if (u.kind === "http-request") return `${u.method} ${shorten(u.uri, 70)}`;
  if (u.kind === "http-response") return `${u.status === 101 ? "ws-upgrade 101" : `HTTP ${u.status}`}`;
  return `ws ${OPCODES[u.opcode] ?? `opcode ${u.opcode}`} frame`;
}

/** One wire unit in a form both sides share, for comparing and printing. */
interface NormUnit {
  kind: string;
  offset: number;
  length: number;
  headerLength: number;
  fields: Record<string, string | number | boolean>;
  payload: Buffer | undefined;
}

function normCaptured(u: PlacedUnit): NormUnit {
  const base = { kind: unitName(u.kind, u.kind === "http-response" ? u.status : undefined), offset: u.offset, length: u.length, headerLength: u.headerLength };
  if (u.kind === "http-request") return { ...base, fields: { method: u.method, path: u.uri }, payload: u.body };
  if (u.kind === "http-response") return { ...base, fields: { status: u.status }, payload: u.body };
  return { ...base, fields: { opcode: u.opcode, fin: u.fin, masked: u.masked, rsv1: (u.rsv & 4) !== 0, payloadLength: u.payloadLength }, payload: u.payload };
}

/** A trace unit, its payload cut from the same side's recorded bytes (unmasked, de-chunked). */
function normTrace(u: WireEvent, bytes: Buffer): NormUnit {
  const base = { kind: u.kind as string, offset: u.offset, length: u.length, headerLength: u.headerLength };
  const end = u.offset + u.length;
  let payload: Buffer | undefined = end <= bytes.length ? bytes.subarray(u.offset + u.headerLength, end) : undefined;
  switch (u.kind) {
    case "http-request":
    case "http-response":
    case "ws-upgrade": {
      if (payload && /chunked/i.test(u.headers["transfer-encoding"] ?? "")) {
        const body = chunkedLength(bytes, u.offset + u.headerLength);
        payload = "error" in body ? undefined : body.body;
      }
      const fields: Record<string, string | number> = u.kind === "http-request" ? { method: u.method, path: u.path } : { status: u.status };
      return { ...base, fields, payload };
    }
    case "ws-frame": {
      if (payload && u.masked) {
        const key = bytes.subarray(u.offset + u.headerLength - 4, u.offset + u.headerLength);
        payload = Buffer.from(payload.map((b, i) => b ^ key[i % 4]!));
      }
      return { ...base, fields: { opcode: u.opcode, fin: u.fin, masked: u.masked, rsv1: u.rsv1 ?? false, payloadLength: u.payloadLength }, payload };
    }
    case "resp":
      // A connection to Redis: tshark has no RESP dissector, so only the trace has these units.
      return { ...base, fields: { type: u.type, command: u.command ?? "" }, payload };
  }
}

function normText(u: NormUnit): string {
  const f = u.fields;
  let head: string;
  if (u.kind === "ws-frame") head = `ws ${OPCODES[Number(f.opcode)] ?? `opcode ${f.opcode}`} frame${f.fin ? " fin" : ""}${f.masked ? " masked" : ""}${f.rsv1 ? " rsv1" : ""}, payload ${f.payloadLength} bytes`;
  else if (u.kind === "http-request") head = `${f.method} ${shorten(String(f.path), 70)}`;
  else head = `${u.kind === "ws-upgrade" ? "ws-upgrade" : "HTTP"} ${f.status}`;
  const payload = u.payload === undefined ? " (payload beyond the recorded bytes)" : u.payload.length ? ` ${printable(u.payload)}` : "";
  return `${head}${payload} at bytes ${u.offset}..${u.offset + u.length} (head ${u.headerLength})`;
}

function unitDiff(a: NormUnit, b: NormUnit): string[] {
  const diffs: string[] = [];
  if (a.kind !== b.kind) diffs.push("kind");
  for (const k of ["offset", "length", "headerLength"] as const) if (a[k] !== b[k]) diffs.push(k);
  for (const k of new Set([...Object.keys(a.fields), ...Object.keys(b.fields)])) if (a.fields[k] !== b.fields[k]) diffs.push(k);
  if (!a.payload || !b.payload || !a.payload.equals(b.payload)) diffs.push("payload");
  return diffs;
}

function engineEqual(a: EnginePacket, b: EnginePacketEvent): boolean {
  if (a.type !== b.type || a.binary !== (b.binary ?? false)) return false;
  if (a.binary) return Buffer.from(a.data, "base64").equals(Buffer.from(b.data ?? "", "base64"));
  return a.data === (b.data ?? "");
}

function socketioDiff(c: CapturedSocketIo, t: SocketIoPacketEvent): string[] {
  const diffs: string[] = [];
  if (c.encoded !== t.encoded) diffs.push("encoded");
  if ("error" in c.head) return diffs;
  if (c.head.type !== t.type) diffs.push("type");
  if (c.head.nsp !== t.nsp) diffs.push("nsp");
  if (c.head.ackId !== t.ackId) diffs.push("ackId");
  if ((c.head.attachments ?? 0) !== (t.attachments ?? 0)) diffs.push("attachments");
  return diffs;
}

/**
 * Lines up what tshark saw with what one end's trace says, item by item, and reports the first
 * place they part (later items would only repeat it), then what either side has beyond.
 */
function compareLists<C, T>(tag: string, where: string, captured: C[], traced: T[], differ: (c: C, t: T) => string[], showC: (c: C) => string, showT: (t: T) => string, out: string[]): void {
  const n = Math.min(captured.length, traced.length);
  for (let i = 0; i < n; i++) {
    const diffs = differ(captured[i]!, traced[i]!);
    if (diffs.length === 0) continue;
    out.push(`[${tag}] ${where}, #${i + 1} of ${captured.length} seen / ${traced.length} in the trace: tshark saw ${showC(captured[i]!)}; the trace says ${showT(traced[i]!)} (differ in ${diffs.join(", ")})`);
    return;
  }
  if (traced.length > n) {
    const extra = traced.slice(n);
    out.push(`[${tag}] ${where}: the trace has ${extra.length} more than tshark saw (${captured.length}): ${extra.slice(0, 3).map(showT).join("; ")}${extra.length > 3 ? "; …" : ""}`);
  } else if (captured.length > n) {
    const missing = captured.slice(n);
    out.push(`[${tag}] ${where}: tshark saw ${missing.length} more than the trace has (${traced.length}): ${missing.slice(0, 3).map(showC).join("; ")}${missing.length > 3 ? "; …" : ""}`);
  }
}

function concatData(side: TraceSide, name: string, out: string[]): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (const d of [...side.data].sort((a, b) => a.offset - b.offset)) {
    if (d.offset !== offset) out.push(`[trace] ${name}: tcp data #${d.id} at offset ${d.offset}, but the data before it ends at ${offset}`);
    const bytes = Buffer.from(d.bytes, "base64");
    if (bytes.length !== d.length) out.push(`[trace] ${name}: tcp data #${d.id} says length ${d.length} but holds ${bytes.length} bytes`);
    parts.push(bytes);
    offset = d.offset + bytes.length;
  }
  return Buffer.concat(parts);
}

/** Which trace unit covers a byte offset, for saying what the differing bytes were. */
function unitAt(units: WireEvent[], offset: number): string {
  const u = units.find((w) => w.offset <= offset && offset < w.offset + w.length);
  if (!u) return "";
  const what = u.kind === "ws-frame" ? `ws ${OPCODES[u.opcode] ?? u.opcode} frame ${JSON.stringify(shorten(u.preview, 40))}` : u.kind === "http-request" ? `${u.method} ${shorten(u.path, 50)}` : u.kind === "resp" ? `RESP ${JSON.stringify(shorten(u.preview, 40))}` : `${u.kind} ${u.status}`;
  return ` (in the trace's ${what}, wire #${u.id}, bytes ${u.offset}..${u.offset + u.length})`;
}

function firstDifference(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

/** The bytes from `i` as hex, and as text where they are printable. */
function bytesAt(b: Buffer, i: number): string {
  if (i >= b.length) return "<end of stream>";
  const rest = b.subarray(i, i + 24).toString("latin1");
  const text = /^[\x20-\x7e\r\n]+$/.test(rest) ? ` ${JSON.stringify(rest)}` : "";
  return `${hexPreview(b.subarray(i), 12)}${text}`;
}

// ── endings ───────────────────────────────────────────────────────────────────
function captureEnding(c: CapturedConnection): string {
  const first = c.firstCloser ? `, ${c.firstCloser} first` : "";
  if (c.ended === "fin") return `FIN${first}`;
  if (c.ended === "reset") {
    const from = [c.c2s.rst !== undefined ? "client" : "", c.s2c.rst !== undefined ? "server" : ""].filter(Boolean).join(" and ");
    return `RST (from ${from})${first}`;
  }
  return c.firstCloser ? `half-closed${first} (no FIN back before the capture stopped)` : "still open when the capture stopped";
}

function traceEnding(end: TraceConn | undefined, role: "client" | "server"): string {
  if (!end) return `no ${role} end`;
  const close = end.close;
  if (!close) return `${end.id}: no close`;
  if (close.ended === undefined || close.closedBy === undefined) return `${end.id}: ${[close.ended === undefined ? "no ended" : `ended ${close.ended}`, close.closedBy === undefined ? "no closedBy" : `closedBy ${close.closedBy}`].join(", ")}`;
  const first = close.closedBy === "local" ? role : role === "client" ? "server" : "client";
  return `${end.id}: ${close.ended === "fin" ? "FIN" : "RST"}, ${first} first`;
}

function checkEnding(c: CapturedConnection, end: TraceConn | undefined, role: "client" | "server", where: string, out: string[]): void {
  if (!end) return;
  const seen = captureEnding(c);
  const close = end.close;
  if (!close) {
    out.push(`[ending] ${where}: ${end.id} has no tcp close in the trace; tshark saw ${seen}`);
    return;
  }
  const missing = [close.ended === undefined ? "`ended`" : "", close.closedBy === undefined ? "`closedBy`" : ""].filter(Boolean);
  if (missing.length) {
    out.push(`[ending] ${where}: ${end.id}'s tcp close #${close.id} lacks ${missing.join(" and ")} (reason ${close.reason}${close.reset ? ", reset" : ""}); tshark saw ${seen}`);
    return;
  }
  if (c.ended === "open") {
    out.push(`[ending] ${where}: ${end.id}'s close says ${close.ended} but tshark saw ${seen}`);
    return;
  }
  const first = close.closedBy === "local" ? role : role === "client" ? "server" : "client";
  if (close.ended !== c.ended || first !== c.firstCloser) {
    out.push(`[ending] ${where}: ${end.id}'s tcp close #${close.id} says ${close.ended === "fin" ? "FIN" : "RST"}, ${first} first (closedBy ${close.closedBy}); tshark saw ${seen}`);
  }
}

// ── the comparison ─────────────────────────────────────────────────────────────
const same = (a: Endpoint, b: Endpoint): boolean => a.ip === b.ip && a.port === b.port;

export function compareCaptureWithTrace(model: CaptureModel, events: TraceEvent[], options: CompareOptions): WireCheckFigures {
  const figures: WireCheckFigures = { connections: 0, refused: 0, bytesClientToServer: 0, bytesServerToClient: 0, frames: 0, httpMessages: 0, enginePackets: 0, socketioPackets: 0, endings: [], mismatches: [], notes: [] };
  const out = figures.mismatches;
  const trace = indexTrace(events);
  const listened = trace.listens.map((l) => l.port);
  for (const l of trace.listens) if (!options.ports.includes(l.port)) out.push(`[connection] the trace's ${l.service} listens on port ${l.port}, outside the capture filter (ports ${options.ports.join(", ")}): its traffic could not be checked`);

  const refusedLeft = [...trace.refused];
  for (const c of model.connections) {
    const tuple = `${endpointText(c.client)} → ${endpointText(c.server)}`;
    for (const issue of [...c.c2s.issues, ...c.s2c.issues]) out.push(`[capture] ${issue}`);
    if (c.refused) {
      figures.refused++;
      const i = refusedLeft.findIndex((r) => same(r.remote, c.server) && (!r.local || same(r.local, c.client)));
      if (i < 0) {
        out.push(`[refused] ${tuple}: tshark saw the SYN answered by RST (stream ${c.stream}, RST in frame ${c.s2c.rst}); the trace has no tcp refused to ${endpointText(c.server)} from ${c.client.ip}`);
        continue;
      }
      const [r] = refusedLeft.splice(i, 1);
      if (r && r.code !== "ECONNREFUSED") out.push(`[refused] ${tuple}: tshark saw the SYN answered by RST (connection refused); the trace's tcp refused #${r.id} says code ${r.code}`);
      continue;
    }
    const clientEnd = trace.conns.find((t) => !t.matched && t.open.role === "client" && same(t.open.local, c.client) && same(t.open.remote, c.server));
    const serverEnd = trace.conns.find((t) => !t.matched && t.open.role === "server" && same(t.open.local, c.server) && same(t.open.remote, c.client));
    if (clientEnd) clientEnd.matched = true;
    if (serverEnd) serverEnd.matched = true;
    if (!clientEnd && !serverEnd) {
      out.push(`[connection] ${tuple} (tshark stream ${c.stream}, ${c.c2s.bytes.length}/${c.s2c.bytes.length} bytes): in the capture, not in the trace (no tcp open of either end)`);
      continue;
    }
    const ids = `${clientEnd?.id ?? "?"} ⇄ ${serverEnd?.id ?? "?"}`;
    const where = `${tuple} (${ids})`;
    if (!clientEnd && listened.length) out.push(`[connection] ${where}: the trace has the server end but no tcp open for the client end (${endpointText(c.client)})`);
    if (!serverEnd) out.push(`[connection] ${where}: the trace has the client end but no tcp open for the server end (${endpointText(c.server)})`);
    if (!c.synSeen) out.push(`[connection] ${where}: the capture has no SYN for it`);
    figures.connections++;
    figures.bytesClientToServer += c.c2s.bytes.length;
    figures.bytesServerToClient += c.s2c.bytes.length;
    figures.endings.push({ connection: tuple, conns: ids, capture: captureEnding(c), trace: [traceEnding(clientEnd, "client"), traceEnding(serverEnd, "server")].join("; ") });

    const layers = captureLayers(c);
    for (const [dirName, dir, writer, reader, captured] of [
      ["client→server", c.c2s, clientEnd, serverEnd, layers.c2s],
      ["server→client", c.s2c, serverEnd, clientEnd, layers.s2c],
    ] as const) {
      figures.frames += dir.units.filter((u) => u.kind === "ws-frame").length;
      figures.httpMessages += dir.units.filter((u) => u.kind !== "ws-frame").length;
      figures.enginePackets += captured.engine.length;
      figures.socketioPackets += captured.socketio.length;
      for (const e of captured.errors) out.push(`[engine] ${where}, ${dirName}: ${e}`);
      compareDirection(`${where}, ${dirName}`, dir, captured, writer, reader, out);
    }
    checkEnding(c, clientEnd, "client", where, out);
    checkEnding(c, serverEnd, "server", where, out);
  }

  for (const t of trace.conns) {
    if (t.matched) continue;
    const tuple = t.open.role === "client" ? `${endpointText(t.open.local)} → ${endpointText(t.open.remote)}` : `${endpointText(t.open.remote)} → ${endpointText(t.open.local)}`;
    out.push(`[connection] ${tuple}: the trace's ${t.id} (${t.open.role} end, tcp open #${t.open.id}) has no connection in the capture`);
  }
  for (const r of refusedLeft) {
    if (options.ports.includes(r.remote.port)) out.push(`[refused] the trace's tcp refused #${r.id} (${r.host} to ${endpointText(r.remote)}, ${r.code}) has no SYN answered by RST in the capture`);
    else figures.notes.push(`tcp refused #${r.id} to ${endpointText(r.remote)} is outside the capture filter`);
  }
  out.push(...trace.mismatches);
  return figures;
}

function compareDirection(where: string, dir: CapturedDirection, captured: CapturedLayers, writer: TraceConn | undefined, reader: TraceConn | undefined, out: string[]): void {
  const seen = dir.bytes;
  // 1. bytes: the writer's data out is exactly what left; the reader's data in is what left,
  //    up to the bytes its close says it never read; unsent bytes never left.
  const sides: { end: TraceConn; side: TraceSide; bytes: Buffer; role: "sender" | "receiver"; readUpTo: number }[] = [];
  if (writer) {
    const name = `${writer.id} out`;
    const wrote = concatData(writer.out, name, out);
    if (!wrote.equals(seen)) {
      const i = firstDifference(seen, wrote);
      out.push(`[bytes] ${where}: the sender ${name} has ${wrote.length} bytes, tshark saw ${seen.length}; first difference at byte ${i}: tshark ${bytesAt(seen, i)}, trace ${bytesAt(wrote, i)}${unitAt(writer.out.units, i)}`);
    }
    for (const u of writer.unsent) {
      if (u.offset < seen.length) out.push(`[bytes] ${where}: the trace's tcp unsent #${u.id} says bytes ${u.offset}..${u.offset + u.length} never left ${writer.id} (${u.reason}), but tshark saw ${seen.length} bytes leave`);
    }
    sides.push({ end: writer, side: writer.out, bytes: wrote, role: "sender", readUpTo: Infinity });
  }
  if (reader) {
    const name = `${reader.id} in`;
    const read = concatData(reader.in, name, out);
    const i = firstDifference(seen, read);
    if (i < read.length) {
      out.push(`[bytes] ${where}: the receiver ${name} read ${read.length} bytes, tshark saw ${seen.length}; first difference at byte ${i}: tshark ${bytesAt(seen, i)}, trace ${bytesAt(read, i)}`);
    } else if (read.length < seen.length) {
      const unread = reader.close?.unread;
      if (unread !== seen.length - read.length) {
        out.push(`[bytes] ${where}: tshark saw ${seen.length} bytes arrive, the receiver ${name} read ${read.length}; the ${seen.length - read.length} bytes from ${read.length} (${bytesAt(seen, read.length)}) are ${unread === undefined ? "not counted as unread by its tcp close" : `counted as ${unread} unread by its tcp close`}`);
      }
    }
    sides.push({ end: reader, side: reader.in, bytes: read, role: "receiver", readUpTo: read.length });
  }

  // 2–3. wire units, Engine.IO and Socket.IO packets, as far as each end's bytes go.
  for (const s of sides) {
    const label = `${where}, ${s.role} ${s.end.id} ${s.role === "sender" ? "out" : "in"}`;
    const units = dir.units.filter((u) => u.offset + u.length <= s.readUpTo).map(normCaptured);
    const traced = s.side.units.map((u) => normTrace(u, s.bytes));
    compareLists("wire", label, units, traced, unitDiff, normText, (t) => `${normText(t)}`, out);
    if (s.end.unitsOnly) continue;
    // Says whether this end's trace has the unit an engine packet came in (read, but no packet).
    const readAs = (offset: number): string => {
      const unit = s.role === "receiver" ? s.side.units.find((u) => u.offset === offset) : undefined;
      return unit ? `, which the trace has as wire #${unit.id}` : "";
    };
    // A frozen host's engine takes nothing it reads after the freeze: those packets have no event there.
    const frozenAt = s.role === "receiver" ? s.end.frozenAt : undefined;
    const takenByEngine = (offset: number): boolean => {
      if (frozenAt === undefined) return true;
      const unit = s.side.units.find((u) => u.offset === offset);
      return unit === undefined || unit.t < frozenAt;
    };
    const engine = captured.engine.filter((e) => e.unitEnd <= s.readUpTo && takenByEngine(e.unitOffset));
    compareLists(
      "engine",
      label,
      engine,
      s.side.engine,
      (c, t) => (engineEqual(c.packet, t) ? [] : ["type or data"]),
      (c) => `${describeEnginePacket(c.packet)} (in ${c.where}${readAs(c.unitOffset)})`,
      (t) => `${describeEnginePacket(t)} (engine #${t.id})`,
      out,
    );
    // A message the receiver's engine never took (recovered from the wire: its session was
    // unknown there, say, and the request answered 400) never reached its Socket.IO decoder.
    const unitOffsets = new Map(s.side.units.map((u) => [u.id, u.offset]));
    const neverTaken = new Set(s.role === "receiver" ? s.side.engine.filter((e) => e.recovered && e.type === "message").map((e) => unitOffsets.get(e.parents?.[0] ?? -1)) : []);
    const sio = captured.socketio.filter((e) => e.unitEnd <= s.readUpTo && !neverTaken.has(e.unitOffset));
    compareLists(
      "socketio",
      label,
      sio,
      s.side.socketio,
      socketioDiff,
      (c) => `${JSON.stringify(shorten(c.encoded, 80))} (in ${c.where})`,
      (t) => `${JSON.stringify(shorten(t.encoded, 80))} ${t.type} ${t.nsp}${t.ackId !== undefined ? ` ack ${t.ackId}` : ""}${t.attachments ? ` ${t.attachments} attachments` : ""} (socketio #${t.id})`,
      out,
    );
  }
}
