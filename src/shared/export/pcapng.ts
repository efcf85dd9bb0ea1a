// The TCP model's segments as a pcapng file that Wireshark opens: IPv4 + TCP headers
// synthesized around each modelled segment's real payload bytes. Every block says it is a
// model (section and packet comments); nothing here was captured. Pure: bytes in, bytes out.

import type { ConnectionOutput, Segment } from "../tcp/types.js";

/** LINKTYPE_RAW: each packet starts with its IPv4 header. */
const LINKTYPE_RAW = 101;
const SHB = 0x0a0d0d0a;
const IDB = 0x00000001;
const EPB = 0x00000006;
const OPT_COMMENT = 1;
const IF_TSRESOL = 9;

export interface PcapOptions {
  /** Wall-clock time of the trace's start (ms since the epoch): model time 0. */
  epochMs: number;
  /** What the file is, written as the section's comment. */
  title: string;
}

const pad4 = (n: number): number => (n + 3) & ~3;
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** One pcapng option (code, value), padded to 32 bits. */
function option(code: number, value: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + pad4(value.length));
  const v = new DataView(out.buffer);
  v.setUint16(0, code, true);
  v.setUint16(2, value.length, true);
  out.set(value, 4);
  return out;
}

function block(type: number, body: Uint8Array[]): Uint8Array {
  const bodyLength = body.reduce((n, b) => n + b.length, 0);
  const total = 12 + bodyLength;
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  v.setUint32(0, type, true);
  v.setUint32(4, total, true);
  let at = 8;
  for (const b of body) {
    out.set(b, at);
    at += b.length;
  }
  v.setUint32(total - 4, total, true);
  return out;
}

function options(list: [number, Uint8Array][]): Uint8Array[] {
  return [...list.map(([code, value]) => option(code, value)), new Uint8Array(4)]; // opt_endofopt
}

function sectionHeader(comment: string): Uint8Array {
  const head = new Uint8Array(16);
  const v = new DataView(head.buffer);
  v.setUint32(0, 0x1a2b3c4d, true); // byte-order magic
  v.setUint16(4, 1, true); // version 1.0
  v.setUint16(6, 0, true);
  v.setBigInt64(8, -1n, true); // section length unknown
  return block(SHB, [head, ...options([[OPT_COMMENT, utf8(comment)]])]);
}

function interfaceDescription(): Uint8Array {
  const head = new Uint8Array(8);
  const v = new DataView(head.buffer);
  v.setUint16(0, LINKTYPE_RAW, true);
  v.setUint32(4, 0, true); // no snap length limit
  return block(IDB, [head, ...options([[IF_TSRESOL, new Uint8Array([6])], [2, utf8("SocketScope TCP model")]])]);
}

/** RFC 1071 ones'-complement sum over `parts`, folded to 16 bits and inverted. */
function checksum(parts: Uint8Array[]): number {
  let sum = 0;
  for (const p of parts) {
    for (let i = 0; i + 1 < p.length; i += 2) sum += (p[i]! << 8) | p[i + 1]!;
    if (p.length % 2 === 1) sum += p[p.length - 1]! << 8;
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function ipv4(ip: string): Uint8Array {
  const parts = ip.split(".").map(Number);
  if (parts.length !== 4 || parts.some((n) => !Number.isInteger(n) || n < 0 || n > 255)) throw new Error(`not an IPv4 address: ${ip}`);
  return new Uint8Array(parts);
}

const FLAG_BITS: Record<string, number> = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 };

/** One IPv4 packet carrying the segment: 20-byte IP header, 20-byte TCP header, payload. */
export function ipPacket(conn: ConnectionOutput, s: Segment, ipId: number): Uint8Array {
  const [src, dst] = s.from === "client" ? [conn.client, conn.server] : [conn.server, conn.client];
  const payload = s.payload;
  const tcp = new Uint8Array(20 + payload.length);
  const t = new DataView(tcp.buffer);
  t.setUint16(0, src.port);
  t.setUint16(2, dst.port);
  t.setUint32(4, s.seq >>> 0);
  t.setUint32(8, s.flags.includes("ACK") ? s.ack >>> 0 : 0);
  t.setUint8(12, 5 << 4); // data offset: 5 words, no options
  t.setUint8(13, s.flags.reduce((bits, f) => bits | (FLAG_BITS[f] ?? 0), 0));
  t.setUint16(14, Math.min(0xffff, Math.max(0, s.window)));
  tcp.set(payload, 20);
  const srcIp = ipv4(src.ip);
  const dstIp = ipv4(dst.ip);
  const pseudo = new Uint8Array(12);
  pseudo.set(srcIp, 0);
  pseudo.set(dstIp, 4);
  pseudo[9] = 6;
  new DataView(pseudo.buffer).setUint16(10, tcp.length);
  t.setUint16(16, checksum([pseudo, tcp]));

  const ip = new Uint8Array(20);
  const v = new DataView(ip.buffer);
  v.setUint8(0, 0x45);
  v.setUint16(2, 20 + tcp.length);
  v.setUint16(4, ipId & 0xffff);
  v.setUint16(6, 0x4000); // don't fragment
  v.setUint8(8, 64); // TTL
  v.setUint8(9, 6); // TCP
  ip.set(srcIp, 12);
  ip.set(dstIp, 16);
  v.setUint16(10, checksum([ip]));
  const packet = new Uint8Array(ip.length + tcp.length);
  packet.set(ip);
  packet.set(tcp, ip.length);
  return packet;
}

function notes(s: Segment): string {
  const parts = ["modelled segment (SocketScope TCP model), not captured"];
  if (s.lost) parts.push("lost on the modelled link");
  if (s.retransmission) parts.push(`retransmission${s.cause ? ` (${s.cause})` : ""}`);
  if (s.duplicate) parts.push("duplicated by the modelled network");
  if (s.outOfOrder) parts.push("arrived out of order");
  if (s.dupAck) parts.push("duplicate ACK");
  return parts.join("; ");
}

function enhancedPacket(timeUs: bigint, packet: Uint8Array, comment: string): Uint8Array {
  const head = new Uint8Array(20);
  const v = new DataView(head.buffer);
  v.setUint32(0, 0, true); // interface 0
  v.setUint32(4, Number(timeUs >> 32n), true);
  v.setUint32(8, Number(timeUs & 0xffffffffn), true);
  v.setUint32(12, packet.length, true);
  v.setUint32(16, packet.length, true);
  const data = new Uint8Array(pad4(packet.length));
  data.set(packet);
  return block(EPB, [head, data, ...options([[OPT_COMMENT, utf8(comment)]])]);
}

/**
 * A pcapng of every connection's modelled segments as the sender put them on the wire (lost
 * ones included, as a capture at the sender would show them), in time order.
 */
export function toPcapng(model: readonly ConnectionOutput[], opts: PcapOptions): Uint8Array {
  const blocks: Uint8Array[] = [sectionHeader(`${opts.title}. Every packet in this file is MODELLED by SocketScope's TCP model from the real bytes of the trace; the IP and TCP headers are synthesized.`), interfaceDescription()];
  const all = model.flatMap((conn) => conn.segments.map((s) => ({ conn, s })));
  all.sort((a, b) => a.s.sent - b.s.sent || a.s.index - b.s.index);
  let ipId = 1;
  for (const { conn, s } of all) {
    const timeUs = BigInt(Math.round((opts.epochMs + s.sent) * 1000));
    blocks.push(enhancedPacket(timeUs, ipPacket(conn, s, ipId++), notes(s)));
  }
  const total = blocks.reduce((n, b) => n + b.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

