// Byte fixtures for the wire parser tests: literal HTTP messages, WebSocket frames built
// bit by bit, and helpers that feed a parser and check that every byte is accounted for.
import { Buffer } from "node:buffer";
import { expect } from "vitest";
import { encodeEnginePacket } from "../../../../../src/main/lab/capture/wire/engine-payload";
import type { StreamDir, WireParser, WireUnitParsed } from "../../../../../src/main/lab/capture/wire";

export const bytes = (s: string): Buffer => Buffer.from(s, "latin1");

export const SID = "lv_VI97HAXpY6yYWAAAC";
export const OPEN = `0{"sid":"${SID}","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`;

export function request(method: string, path: string, body = "", extra: Record<string, string> = {}): Buffer {
  const head = [`${method} ${path} HTTP/1.1`, "Host: 127.0.0.1:3000", "Connection: keep-alive"];
  for (const [k, v] of Object.entries(extra)) head.push(`${k}: ${v}`);
  if (method === "POST") head.push("Content-Type: text/plain;charset=UTF-8", `Content-Length: ${Buffer.byteLength(body)}`);
  return Buffer.concat([bytes(`${head.join("\r\n")}\r\n\r\n`), Buffer.from(body, "utf8")]);
}

export function response(status: number, body: string | Buffer = "", extra: Record<string, string> = {}): Buffer {
  const payload = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  const head = [`HTTP/1.1 ${status} ${status === 200 ? "OK" : "Other"}`, "Content-Type: text/plain; charset=UTF-8"];
  for (const [k, v] of Object.entries(extra)) head.push(`${k}: ${v}`);
  if (!("Transfer-Encoding" in extra)) head.push(`Content-Length: ${payload.length}`);
  return Buffer.concat([bytes(`${head.join("\r\n")}\r\n\r\n`), payload]);
}

export const UPGRADE_REQUEST = bytes(
  `GET /socket.io/?EIO=4&transport=websocket&sid=${SID} HTTP/1.1\r\n` +
    "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
    "Connection: Upgrade\r\nUpgrade: websocket\r\nHost: 127.0.0.1:3000\r\n\r\n",
);
export const SWITCHING = bytes(
  "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n",
);

export interface FrameSpec {
  opcode: number;
  payload: string | Buffer;
  fin?: boolean;
  mask?: [number, number, number, number];
  rsv?: number; // the three RSV bits, 0b100 = RSV1
  /** Force the 7/16/64-bit length form. */
  lengthForm?: 7 | 16 | 64;
}

/** One WebSocket frame as RFC 6455 §5.2 lays it out. */
export function frame(spec: FrameSpec): Buffer {
  const payload = typeof spec.payload === "string" ? Buffer.from(spec.payload, "utf8") : spec.payload;
  const n = payload.length;
  const form = spec.lengthForm ?? (n < 126 ? 7 : n < 65536 ? 16 : 64);
  const b0 = ((spec.fin ?? true) ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | spec.opcode;
  const maskBit = spec.mask ? 0x80 : 0;
  let head: Buffer;
  if (form === 7) head = Buffer.from([b0, maskBit | n]);
  else if (form === 16) {
    head = Buffer.from([b0, maskBit | 126, 0, 0]);
    head.writeUInt16BE(n, 2);
  } else {
    head = Buffer.from([b0, maskBit | 127, 0, 0, 0, 0, 0, 0, 0, 0]);
    head.writeUInt32BE(Math.floor(n / 2 ** 32), 2);
    head.writeUInt32BE(n % 2 ** 32, 6);
  }
  if (!spec.mask) return Buffer.concat([head, payload]);
  const key = spec.mask;
  const masked = Buffer.from(payload.map((b, i) => b ^ (key[i & 3] ?? 0)));
  return Buffer.concat([head, Buffer.from(key), masked]);
}

export const MASK: [number, number, number, number] = [0x37, 0xfa, 0x21, 0x3d];
export const clientText = (payload: string): Buffer => frame({ opcode: 1, payload, mask: MASK });
export const serverText = (payload: string): Buffer => frame({ opcode: 1, payload });

export type Step = [StreamDir, Uint8Array];

/** Feeds each step as one chunk, then ends the connection. */
export function feedChunks(parser: WireParser, steps: readonly Step[]): WireUnitParsed[] {
  const units: WireUnitParsed[] = [];
  for (const [dir, chunk] of steps) units.push(...parser.feed(dir, chunk));
  units.push(...parser.end());
  return units;
}

/** Feeds every step one byte at a time. */
export function feedBytes(parser: WireParser, steps: readonly Step[]): WireUnitParsed[] {
  const units: WireUnitParsed[] = [];
  for (const [dir, chunk] of steps) for (let i = 0; i < chunk.length; i++) units.push(...parser.feed(dir, chunk.subarray(i, i + 1)));
  units.push(...parser.end());
  return units;
}

/** Per direction, the units' spans are contiguous from 0 and cover every byte fed. */
export function expectCoverage(units: readonly WireUnitParsed[], steps: readonly Step[]): void {
  for (const dir of ["out", "in"] as const) {
    const fed = steps.filter(([d]) => d === dir).reduce((n, [, c]) => n + c.length, 0);
    let next = 0;
    for (const u of units.filter((x) => x.dir === dir)) {
      expect(u.offset, `${dir} unit at ${u.offset} follows ${next}`).toBe(next);
      expect(u.length).toBeGreaterThan(0);
      expect(u.headerLength).toBeLessThanOrEqual(u.length);
      expect(u.preview.length).toBeLessThanOrEqual(80);
      next += u.length;
    }
    expect(next, `${dir} bytes covered`).toBe(fed);
  }
}

/** The wire strings of the packets, as engine.io's polling encoding writes them. */
export const wireStrings = (units: readonly WireUnitParsed[]): string[] => units.flatMap((u) => u.packets.map(encodeEnginePacket));
