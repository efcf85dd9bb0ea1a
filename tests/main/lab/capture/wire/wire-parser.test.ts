// The wire parser over literal byte fixtures: polling, the WebSocket upgrade, frame
// lengths, binary, chunked and gzip bodies. Every case also runs one byte at a time.
import { Buffer } from "node:buffer";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { createWireParser, type WireUnitParsed } from "../../../../../src/main/lab/capture/wire";
import {
  bytes,
  clientText,
  expectCoverage,
  feedBytes,
  feedChunks,
  frame,
  MASK,
  OPEN,
  request,
  response,
  serverText,
  SID,
  type Step,
  SWITCHING,
  UPGRADE_REQUEST,
  wireStrings,
} from "./fixtures";

const HANDSHAKE = "/socket.io/?EIO=4&transport=polling&t=PXa1b2c";
const POLL = `/socket.io/?EIO=4&transport=polling&t=PXa1b2d&sid=${SID}`;

interface Case {
  name: string;
  role: "client" | "server";
  steps: Step[];
  units: Partial<WireUnitParsed>[];
  sid?: string;
}

const cases: Case[] = [
  {
    name: "polling handshake: GET and the open packet",
    role: "client",
    steps: [
      ["out", request("GET", HANDSHAKE)],
      ["in", response(200, OPEN)],
    ],
    units: [
      { kind: "http-request", dir: "out", offset: 0, method: "GET", path: HANDSHAKE, transport: "polling", packets: [], sid: undefined },
      {
        kind: "http-response",
        dir: "in",
        offset: 0,
        status: 200,
        sid: SID,
        transport: "polling",
        packets: [{ type: "open", data: OPEN.slice(1) }],
        preview: OPEN.slice(0, 79) + "…",
      },
    ],
    sid: SID,
  },
  {
    name: "POST of 40␞40/chat, answered ok (seen from the server)",
    role: "server",
    steps: [
      ["in", request("POST", POLL, "40\x1e40/chat,")],
      ["out", response(200, "ok")],
    ],
    units: [
      {
        kind: "http-request",
        dir: "in",
        method: "POST",
        sid: SID,
        packets: [{ type: "message", data: "0" }, { type: "message", data: "0/chat," }],
        preview: "40␞40/chat,",
      },
      { kind: "http-response", dir: "out", status: 200, sid: SID, packets: [], preview: "ok" },
    ],
    sid: SID,
  },
  {
    name: "long-poll GET answered with a ping",
    role: "client",
    steps: [
      ["out", request("GET", POLL)],
      ["in", response(200, "2")],
    ],
    units: [
      { kind: "http-request", sid: SID, packets: [] },
      { kind: "http-response", sid: SID, packets: [{ type: "ping" }], preview: "2" },
    ],
  },
  {
    name: "binary over polling as b + base64",
    role: "client",
    steps: [
      ["out", request("POST", POLL, '451-["upload",{"_placeholder":true,"num":0}]\x1ebAQIDBA==')],
      ["in", response(200, "ok")],
    ],
    units: [
      {
        kind: "http-request",
        packets: [
          { type: "message", data: '51-["upload",{"_placeholder":true,"num":0}]' },
          { type: "message", data: "AQIDBA==", binary: true },
        ],
      },
      { kind: "http-response", packets: [] },
    ],
  },
  {
    name: "upgrade probe sequence with masked client frames",
    role: "client",
    steps: [
      ["out", UPGRADE_REQUEST],
      ["in", SWITCHING],
      ["out", clientText("2probe")],
      ["in", serverText("3probe")],
      ["out", clientText("5")],
      ["out", clientText('420["hello","world"]')],
      ["in", serverText('430["got it"]')],
    ],
    units: [
      { kind: "http-request", upgrade: true, sid: SID, transport: "websocket", packets: [] },
      { kind: "ws-upgrade", status: 101, sid: SID, transport: "websocket", headerLength: SWITCHING.length, packets: [] },
      { kind: "ws-frame", dir: "out", opcode: 1, fin: true, masked: true, payloadLength: 6, headerLength: 6, sid: SID, packets: [{ type: "ping", data: "probe" }], preview: "2probe" },
      { kind: "ws-frame", dir: "in", masked: false, headerLength: 2, packets: [{ type: "pong", data: "probe" }], preview: "3probe" },
      { kind: "ws-frame", dir: "out", packets: [{ type: "upgrade" }], preview: "5" },
      { kind: "ws-frame", dir: "out", packets: [{ type: "message", data: '20["hello","world"]' }], preview: '420["hello","world"]' },
      { kind: "ws-frame", dir: "in", packets: [{ type: "message", data: '30["got it"]' }], preview: '430["got it"]' },
    ],
  },
  {
    name: "101 and the first frame in one chunk (websocket-only client learns the sid from open)",
    role: "client",
    steps: [
      ["out", bytes("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")],
      ["in", Buffer.concat([SWITCHING, serverText(OPEN)])],
      ["out", clientText("40")],
    ],
    units: [
      { kind: "http-request", upgrade: true, sid: undefined, transport: "websocket" },
      { kind: "ws-upgrade", dir: "in", offset: 0, length: SWITCHING.length, sid: undefined },
      { kind: "ws-frame", dir: "in", offset: SWITCHING.length, sid: SID, packets: [{ type: "open", data: OPEN.slice(1) }] },
      { kind: "ws-frame", dir: "out", sid: SID, packets: [{ type: "message", data: "0" }] },
    ],
    sid: SID,
  },
  {
    name: "binary frame, and a text message in continuation frames",
    role: "server",
    steps: [
      ["in", UPGRADE_REQUEST],
      ["out", SWITCHING],
      ["in", frame({ opcode: 2, payload: Buffer.from([1, 2, 3, 4]), mask: MASK })],
      ["in", frame({ opcode: 1, payload: '42["a",', fin: false, mask: MASK })],
      ["in", frame({ opcode: 9, payload: "hi", mask: MASK })],
      ["in", frame({ opcode: 0, payload: '"b"]', mask: MASK })],
      ["out", frame({ opcode: 10, payload: "hi" })],
      ["out", frame({ opcode: 8, payload: Buffer.concat([Buffer.from([0x03, 0xe8]), bytes("bye")]) })],
    ],
    units: [
      { kind: "http-request" },
      { kind: "ws-upgrade" },
      { kind: "ws-frame", opcode: 2, packets: [{ type: "message", data: "AQIDBA==", binary: true }], preview: "<binary 4 B> 01 02 03 04" },
      { kind: "ws-frame", opcode: 1, fin: false, packets: [], preview: '42["a",' },
      { kind: "ws-frame", opcode: 9, packets: [], preview: "ping hi" },
      { kind: "ws-frame", opcode: 0, fin: true, packets: [{ type: "message", data: '2["a","b"]' }], preview: '42["a","b"]' },
      { kind: "ws-frame", opcode: 10, packets: [], preview: "pong hi" },
      { kind: "ws-frame", opcode: 8, packets: [], preview: "close 1000 bye" },
    ],
  },
  {
    name: "16-bit and 64-bit frame lengths",
    role: "client",
    steps: [
      ["out", UPGRADE_REQUEST],
      ["in", SWITCHING],
      ["in", serverText(`4${"x".repeat(299)}`)],
      ["in", frame({ opcode: 1, payload: "4short", lengthForm: 64 })],
      ["out", frame({ opcode: 1, payload: `4${"y".repeat(70_000)}`, mask: MASK })],
    ],
    units: [
      { kind: "http-request" },
      { kind: "ws-upgrade" },
      { kind: "ws-frame", headerLength: 4, payloadLength: 300, length: 304, packets: [{ type: "message", data: "x".repeat(299) }] },
      { kind: "ws-frame", headerLength: 10, payloadLength: 6, length: 16, packets: [{ type: "message", data: "short" }] },
      { kind: "ws-frame", dir: "out", headerLength: 14, payloadLength: 70_001, masked: true, packets: [{ type: "message", data: "y".repeat(70_000) }] },
    ],
  },
  {
    name: "chunked response body",
    role: "client",
    steps: [
      ["out", request("GET", POLL)],
      ["in", bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\n42[\"\r\n7\r\na\",1]\x1e2\r\n0\r\n\r\n")],
    ],
    units: [{ kind: "http-request" }, { kind: "http-response", packets: [{ type: "message", data: '2["a",1]' }, { type: "ping" }] }],
  },
  {
    name: "gzip response body and chunked trailers",
    role: "client",
    steps: [
      ["out", request("GET", POLL, "", { "Accept-Encoding": "gzip" })],
      ["in", response(200, gzipSync(Buffer.from(`4${"z".repeat(2000)}\x1e2`)), { "Content-Encoding": "gzip" })],
      ["out", request("GET", "/status")],
      ["in", bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nup\r\n0\r\nX-Trailer: 1\r\n\r\n")],
    ],
    units: [
      { kind: "http-request" },
      { kind: "http-response", packets: [{ type: "message", data: "z".repeat(2000) }, { type: "ping" }] },
      { kind: "http-request", path: "/status", packets: [], sid: undefined, transport: undefined },
      { kind: "http-response", packets: [], preview: "up", sid: undefined },
    ],
  },
  {
    name: "non-socket.io HTTP: GET /status and HEAD",
    role: "server",
    steps: [
      ["in", Buffer.concat([request("GET", "/status"), request("HEAD", "/status")])],
      ["out", Buffer.concat([response(200, '{"up":true}'), bytes("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n")])],
      ["in", request("GET", "/none")],
      ["out", bytes("HTTP/1.1 304 Not Modified\r\nETag: x\r\n\r\n")],
    ],
    units: [
      { kind: "http-request", method: "GET", packets: [], preview: "GET /status HTTP/1.1" },
      { kind: "http-request", method: "HEAD", packets: [] },
      { kind: "http-response", status: 200, packets: [], preview: '{"up":true}' },
      { kind: "http-response", status: 200, length: 39, headers: { "content-length": "11" } },
      { kind: "http-request" },
      { kind: "http-response", status: 304, packets: [] },
    ],
  },
];

describe("createWireParser", () => {
  it.each(cases)("$name", ({ role, steps, units, sid }) => {
    const parser = createWireParser(role);
    const got = feedChunks(parser, steps);
    expect(got).toHaveLength(units.length);
    got.forEach((u, i) => {
      for (const [key, want] of Object.entries(units[i]!)) expect(u[key as keyof WireUnitParsed], `unit ${i} ${key}`).toEqual(want);
    });
    for (const u of got) expect(u.error).toBeUndefined();
    if (sid) expect(parser.sid).toBe(sid);
    expectCoverage(got, steps);
    // splitting the bytes anywhere changes nothing
    expect(feedBytes(createWireParser(role), steps)).toEqual(got);
  });

  it("lets frames sent before the 101 wait for it, and returns them with it", () => {
    const parser = createWireParser("server");
    expect(parser.feed("in", Buffer.concat([UPGRADE_REQUEST, clientText("2probe")]))).toMatchObject([{ kind: "http-request", upgrade: true }]);
    const units = parser.feed("out", Buffer.concat([SWITCHING, serverText("3probe")]));
    expect(units.map((u) => [u.kind, u.dir, u.preview])).toEqual([
      ["ws-upgrade", "out", "HTTP/1.1 101 Switching Protocols"],
      ["ws-frame", "out", "3probe"],
      ["ws-frame", "in", "2probe"],
    ]);
  });

  it("keeps HTTP when the upgrade is refused", () => {
    const parser = createWireParser("client");
    const steps: Step[] = [
      ["out", bytes("GET /socket.io/?EIO=4&transport=websocket&sid=gone HTTP/1.1\r\nUpgrade: websocket\r\n\r\n")],
      ["in", response(400, '{"code":1,"message":"Session ID unknown"}')],
      ["out", request("GET", HANDSHAKE)],
      ["in", response(200, OPEN)],
    ];
    const units = feedChunks(parser, steps);
    expect(units.map((u) => u.kind)).toEqual(["http-request", "http-response", "http-request", "http-response"]);
    expect(units[1]).toMatchObject({ status: 400, packets: [], sid: "gone" });
    expect(wireStrings(units)).toEqual([OPEN]);
    expect(parser.sid).toBe(SID);
  });

  it("inflates permessage-deflate messages with the previous ones as window", async () => {
    const { createDeflateRaw, constants } = await import("node:zlib");
    const deflater = createDeflateRaw();
    const compress = (text: string): Promise<Buffer> =>
      new Promise((resolve) => {
        const out: Buffer[] = [];
        const onData = (c: Buffer): number => out.push(c);
        deflater.on("data", onData);
        deflater.write(text);
        deflater.flush(constants.Z_SYNC_FLUSH, () => {
          deflater.off("data", onData);
          resolve(Buffer.concat(out).subarray(0, -4)); // RFC 7692 drops the 00 00 ff ff tail
        });
      });
    const m1 = await compress('42["hello","world","hello","world"]');
    const m2 = await compress('42["hello","world","hello","world"]');
    deflater.close();
    const parser = createWireParser("client");
    const units = feedChunks(parser, [
      ["out", UPGRADE_REQUEST],
      ["in", SWITCHING],
      ["in", frame({ opcode: 1, payload: m1, rsv: 0b100 })],
      ["in", frame({ opcode: 1, payload: m2, rsv: 0b100 })],
    ]);
    expect(units.slice(2).map((u) => [u.rsv1, u.error])).toEqual([
      [true, undefined],
      [true, undefined],
    ]);
    expect(wireStrings(units)).toEqual(['42["hello","world","hello","world"]', '42["hello","world","hello","world"]']);
  });
});
