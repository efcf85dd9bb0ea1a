// What a loopback capture holds, as tshark decoded it: per TCP connection and direction the
// reassembled bytes, the HTTP messages and WebSocket frames placed at their stream offsets,
// and how the connection ended. Pure: built from decoded packets, knows nothing of traces.

export interface Endpoint {
  ip: string;
  port: number;
}

export interface TcpFlags {
  syn: boolean;
  ack: boolean;
  fin: boolean;
  rst: boolean;
}

/** A PDU tshark completed in one frame, in that frame's direction; bodies and payloads are the decoded bytes. */
export type DecodedUnit =
  | { kind: "http-request"; method: string; uri: string; contentLength?: number; chunked: boolean; body: Buffer }
  | { kind: "http-response"; status: number; contentLength?: number; chunked: boolean; body: Buffer }
  | {
      kind: "ws-frame";
      opcode: number;
      fin: boolean;
      masked: boolean;
      rsv: number;
      payloadLength: number;
      payload: Buffer;
      /**
       * A permessage-deflate frame (RSV1): the message as tshark inflated it, with the inflate
       * context it keeps per direction of the connection (absent when tshark could not).
       */
      inflated?: Buffer;
    };

/** One frame of the capture (tshark's `tcp.seq` is relative: the SYN is 0, the first byte 1). */
export interface CapturedPacket {
  frame: number;
  stream: number;
  src: Endpoint;
  dst: Endpoint;
  flags: TcpFlags;
  seq: number;
  payload: Buffer;
  units: DecodedUnit[];
}

/** A decoded unit at its place in the direction's byte stream. */
export type PlacedUnit = DecodedUnit & { frame: number; offset: number; length: number; headerLength: number };

export interface CapturedDirection {
  from: Endpoint;
  to: Endpoint;
  bytes: Buffer;
  units: PlacedUnit[];
  /** Frame numbers of the first FIN and the first RST this direction sent. */
  fin?: number;
  rst?: number;
  /** What could not be made sense of: gaps, conflicting retransmissions, units that do not fit. */
  issues: string[];
}

export type Ending = "fin" | "reset" | "open";

export interface CapturedConnection {
  stream: number;
  /** The end that sent the SYN. */
  client: Endpoint;
  server: Endpoint;
  synSeen: boolean;
  established: boolean;
  /** The SYN was answered by a RST. */
  refused: boolean;
  c2s: CapturedDirection;
  s2c: CapturedDirection;
  /** `fin` when each side sent a FIN and no RST was seen, `reset` on any RST. */
  ended: Ending;
  /** Which end sent the first FIN or RST. */
  firstCloser?: "client" | "server";
}

export interface CaptureModel {
  connections: CapturedConnection[];
}

export const endpointText = (e: Endpoint): string => `${e.ip}:${e.port}`;
const sameEndpoint = (a: Endpoint, b: Endpoint): boolean => a.ip === b.ip && a.port === b.port;

/** Groups packets by tshark stream, reassembles each direction and places its units. */
export function buildCaptureModel(packets: CapturedPacket[]): CaptureModel {
  const byStream = new Map<number, CapturedPacket[]>();
  for (const p of packets) {
    const list = byStream.get(p.stream);
    if (list) list.push(p);
    else byStream.set(p.stream, [p]);
  }
  const connections: CapturedConnection[] = [];
  for (const [stream, list] of [...byStream].sort((a, b) => a[0] - b[0])) connections.push(buildConnection(stream, list));
  return { connections };
}

function buildConnection(stream: number, packets: CapturedPacket[]): CapturedConnection {
  const syn = packets.find((p) => p.flags.syn && !p.flags.ack);
  const first = syn ?? packets[0]!;
  const client = first.src;
  const server = first.dst;
  const fromClient = (p: CapturedPacket): boolean => sameEndpoint(p.src, client);
  const c2s = buildDirection(client, server, packets.filter(fromClient), syn !== undefined);
  const s2c = buildDirection(server, client, packets.filter((p) => !fromClient(p)), syn !== undefined);
  const synAck = packets.some((p) => !fromClient(p) && p.flags.syn && p.flags.ack);
  const refused = syn !== undefined && !synAck && s2c.rst !== undefined;
  let ended: Ending = "open";
  if (c2s.rst !== undefined || s2c.rst !== undefined) ended = "reset";
  else if (c2s.fin !== undefined && s2c.fin !== undefined) ended = "fin";
  const closings = [c2s.fin, c2s.rst].filter((f): f is number => f !== undefined);
  const serverClosings = [s2c.fin, s2c.rst].filter((f): f is number => f !== undefined);
  const c = closings.length ? Math.min(...closings) : Infinity;
  const s = serverClosings.length ? Math.min(...serverClosings) : Infinity;
  const conn: CapturedConnection = { stream, client, server, synSeen: syn !== undefined, established: synAck, refused, c2s, s2c, ended };
  if (c !== Infinity || s !== Infinity) conn.firstCloser = c < s ? "client" : "server";
  if (!syn) c2s.issues.push(`tshark stream ${stream}: no SYN captured (the connection began before the capture), offsets are relative to the first packet seen`);
  return conn;
}

function buildDirection(from: Endpoint, to: Endpoint, packets: CapturedPacket[], synSeen: boolean): CapturedDirection {
  const dir: CapturedDirection = { from, to, bytes: Buffer.alloc(0), units: [], issues: [] };
  const where = `${endpointText(from)} → ${endpointText(to)}`;
  // Reassembly by sequence number: offset = seq - 1 (seq 0 is the SYN). A retransmission
  // must repeat the same bytes; a hole is reported, never papered over.
  const base = synSeen ? 1 : Math.min(...packets.filter((p) => p.payload.length > 0).map((p) => p.seq), Infinity);
  const chunks: { offset: number; bytes: Buffer; frame: number }[] = [];
  for (const p of packets) {
    if (p.flags.fin && dir.fin === undefined) dir.fin = p.frame;
    if (p.flags.rst && dir.rst === undefined) dir.rst = p.frame;
    if (p.payload.length > 0) chunks.push({ offset: p.seq - base, bytes: p.payload, frame: p.frame });
  }
  chunks.sort((a, b) => a.offset - b.offset);
  const parts: Buffer[] = [];
  let end = 0;
  for (const c of chunks) {
    if (c.offset > end) {
      dir.issues.push(`${where}: bytes ${end}..${c.offset} never seen in the capture (a hole before frame ${c.frame})`);
      parts.push(Buffer.alloc(c.offset - end));
      end = c.offset;
    }
    const overlap = Math.min(end - c.offset, c.bytes.length);
    if (overlap > 0) {
      const seen = Buffer.concat(parts).subarray(c.offset, c.offset + overlap);
      if (!seen.equals(c.bytes.subarray(0, overlap))) dir.issues.push(`${where}: frame ${c.frame} resends bytes ${c.offset}..${c.offset + overlap} with different content`);
    }
    if (c.bytes.length > overlap) {
      parts.push(c.bytes.subarray(overlap));
      end = c.offset + c.bytes.length;
    }
  }
  dir.bytes = Buffer.concat(parts);
  placeUnits(dir, packets, where);
  return dir;
}

/**
 * HTTP/1.1 messages and WebSocket frames follow each other without gaps, so each unit starts
 * where the last ended. Its length comes from what tshark decoded (a frame's header size
 * and payload length; an HTTP head up to its blank line, then Content-Length or the chunks),
 * and the bytes there are checked to say the same.
 */
function placeUnits(dir: CapturedDirection, packets: CapturedPacket[], where: string): void {
  const bytes = dir.bytes;
  let offset = 0;
  for (const p of packets) {
    for (const unit of p.units) {
      const placed = placeUnit(bytes, offset, unit);
      if ("error" in placed) {
        dir.issues.push(`${where}: tshark's ${unit.kind} in frame ${p.frame} does not fit the bytes at offset ${offset}: ${placed.error}`);
        return;
      }
      dir.units.push({ ...unit, frame: p.frame, offset, length: placed.length, headerLength: placed.headerLength });
      offset += placed.length;
    }
  }
  if (offset < bytes.length) dir.issues.push(`${where}: tshark decoded no HTTP message or WebSocket frame in bytes ${offset}..${bytes.length} (${bytes.length - offset} bytes at the end)`);
}

function placeUnit(bytes: Buffer, offset: number, unit: DecodedUnit): { length: number; headerLength: number } | { error: string } {
  if (unit.kind === "ws-frame") {
    const extended = unit.payloadLength > 65535 ? 8 : unit.payloadLength > 125 ? 2 : 0;
    const headerLength = 2 + extended + (unit.masked ? 4 : 0);
    const length = headerLength + unit.payloadLength;
    if (offset + length > bytes.length) return { error: `a ${length}-byte frame runs past the ${bytes.length} bytes captured` };
    const b0 = bytes[offset]!;
    if ((b0 & 0x0f) !== unit.opcode || Boolean(b0 & 0x80) !== unit.fin) return { error: `first byte 0x${b0.toString(16)} is not opcode ${unit.opcode} fin ${unit.fin}` };
    return { length, headerLength };
  }
  const blank = bytes.indexOf("\r\n\r\n", offset, "latin1");
  if (blank < 0) return { error: "no end of HTTP head" };
  const headerLength = blank + 4 - offset;
  let bodyLength = unit.contentLength ?? 0;
  if (unit.chunked) {
    const chunked = chunkedLength(bytes, offset + headerLength);
    if ("error" in chunked) return chunked;
    bodyLength = chunked.length;
  } else if (unit.contentLength === undefined && unit.kind === "http-response") {
    bodyLength = unit.body.length; // read until close
  }
  if (offset + headerLength + bodyLength > bytes.length) return { error: `the body (${bodyLength} bytes) runs past the ${bytes.length} bytes captured` };
  return { length: headerLength + bodyLength, headerLength };
}

/** The wire length of a chunked body: `<hex size>[;ext]\r\n<data>\r\n` … `0\r\n[trailers]\r\n`. */
export function chunkedLength(bytes: Buffer, start: number): { length: number; body: Buffer } | { error: string } {
  let i = start;
  const body: Buffer[] = [];
  for (;;) {
    const eol = bytes.indexOf("\r\n", i, "latin1");
    if (eol < 0) return { error: "chunk size line not ended" };
    const size = parseInt(bytes.subarray(i, eol).toString("latin1").split(";")[0]!.trim(), 16);
    if (!Number.isFinite(size)) return { error: "bad chunk size" };
    i = eol + 2;
    if (size === 0) {
      // Trailers, then a blank line.
      for (;;) {
        const end = bytes.indexOf("\r\n", i, "latin1");
        if (end < 0) return { error: "chunked trailer not ended" };
        const empty = end === i;
        i = end + 2;
        if (empty) return { length: i - start, body: Buffer.concat(body) };
      }
    }
    body.push(bytes.subarray(i, i + size));
    i += size + 2;
    if (i > bytes.length) return { error: "chunk runs past the bytes captured" };
  }
}
