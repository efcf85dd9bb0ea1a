// Bytes the protocols do not allow: the parser never throws, reports an error unit, stops
// parsing that direction, and still accounts for every byte it was fed.
import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import { createWireParser, type WireUnitParsed } from "../../../../../src/main/lab/capture/wire";
import { bytes, clientText, expectCoverage, feedBytes, feedChunks, frame, MASK, request, response, serverText, type Step, SWITCHING, UPGRADE_REQUEST } from "./fixtures";

const POLL = "/socket.io/?EIO=4&transport=polling&sid=abc";
const upgraded: Step[] = [
  ["out", UPGRADE_REQUEST],
  ["in", SWITCHING],
];
const huge64 = Buffer.from([0x81, 0x7f, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff, 0x34]);

interface Case {
  name: string;
  steps: Step[];
  /** kind, dir and error of every unit, in order. */
  units: [WireUnitParsed["kind"], "out" | "in", string | undefined][];
}

const cases: Case[] = [
  {
    name: "rogue bytes abc where a response should start",
    steps: [
      ["out", request("GET", POLL)],
      ["in", bytes("abc")],
      ["in", bytes("more rogue bytes")],
    ],
    units: [
      ["http-request", "out", undefined],
      ["http-response", "in", "bad HTTP response line"],
      ["http-response", "in", "unparsed"],
    ],
  },
  {
    name: "rogue request line abc",
    steps: [
      ["out", bytes("abc\r\n\r\n")],
      ["in", response(400, "bad")],
    ],
    units: [
      ["http-request", "out", "bad HTTP request line"],
      // with requests unparseable, responses are read without one
      ["http-response", "in", undefined],
    ],
  },
  {
    name: "a control character in a method",
    steps: [["out", bytes("G\x00T / HTTP/1.1\r\n\r\n")]],
    units: [["http-request", "out", "bad HTTP request line"]],
  },
  {
    name: "a header line without a colon",
    steps: [["out", bytes("GET / HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n")]],
    units: [["http-request", "out", 'bad HTTP header line "Host 127.0.0.1"']],
  },
  {
    name: "headers over 16 KiB",
    steps: [["out", bytes(`GET / HTTP/1.1\r\nX-Big: ${"a".repeat(17_000)}\r\n\r\nGET / HTTP/1.1\r\n\r\n`)]],
    units: [["http-request", "out", "HTTP head over 16384 bytes"]],
  },
  {
    name: "a bad content-length",
    steps: [["out", bytes("POST /socket.io/?EIO=4 HTTP/1.1\r\nContent-Length: 1x\r\n\r\n1x")]],
    units: [["http-request", "out", "bad content-length"]],
  },
  {
    name: "a bad chunk size",
    steps: [
      ["out", request("GET", POLL)],
      ["in", bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")],
    ],
    units: [
      ["http-request", "out", undefined],
      ["http-response", "in", "bad chunk size line"],
    ],
  },
  {
    name: "an unknown engine.io packet type in a POST keeps the framing",
    steps: [
      ["out", request("POST", POLL, "40\x1e9x")],
      ["in", response(200, "ok")],
      ["out", request("POST", POLL, "2")],
    ],
    units: [
      ["http-request", "out", 'unknown engine.io packet type "9"'],
      ["http-response", "in", undefined],
      ["http-request", "out", undefined],
    ],
  },
  {
    name: "a gzip header over a body that is not gzip",
    steps: [
      ["out", request("GET", POLL)],
      ["in", response(200, "2 is not gzip", { "Content-Encoding": "gzip" })],
    ],
    units: [
      ["http-request", "out", undefined],
      ["http-response", "in", "cannot decode gzip body: incorrect header check"],
    ],
  },
  {
    name: "an RSV2 frame",
    steps: [...upgraded, ["in", Buffer.from([0xa1, 0x01, 0x34])], ["in", serverText("2")]],
    units: [
      ["http-request", "out", undefined],
      ["ws-upgrade", "in", undefined],
      ["ws-frame", "in", "RSV2/RSV3 set: no extension defines them"],
      ["ws-frame", "in", "unparsed"],
    ],
  },
  {
    name: "rogue bytes abc in a WebSocket stream (RSV2 and RSV3 set)",
    steps: [...upgraded, ["out", bytes("abc")], ["out", clientText("2")], ["in", serverText("3")]],
    units: [
      ["http-request", "out", undefined],
      ["ws-upgrade", "in", undefined],
      ["ws-frame", "out", "RSV2/RSV3 set: no extension defines them"],
      ["ws-frame", "out", "unparsed"],
      ["ws-frame", "in", undefined],
    ],
  },
  {
    name: "a 64-bit frame length over 10 MB",
    steps: [...upgraded, ["in", huge64]],
    units: [
      ["http-request", "out", undefined],
      ["ws-upgrade", "in", undefined],
      ["ws-frame", "in", `frame payload of ${0x7fffffff} bytes over the ${10 * 1024 * 1024} byte limit`],
    ],
  },
  {
    name: "a reserved opcode and a fragmented ping",
    steps: [...upgraded, ["in", Buffer.from([0x83, 0x00])], ["out", frame({ opcode: 9, payload: "", fin: false, mask: MASK })]],
    units: [
      ["http-request", "out", undefined],
      ["ws-upgrade", "in", undefined],
      ["ws-frame", "in", "reserved opcode 3"],
      ["ws-frame", "out", "control frame fragmented or over 125 bytes"],
    ],
  },
  {
    name: "a continuation frame with no message and an unknown packet type keep the framing",
    steps: [...upgraded, ["in", frame({ opcode: 0, payload: "x" })], ["in", serverText("7")], ["in", serverText("3")]],
    units: [
      ["http-request", "out", undefined],
      ["ws-upgrade", "in", undefined],
      ["ws-frame", "in", "continuation frame without a message"],
      ["ws-frame", "in", 'unknown engine.io packet type "7"'],
      ["ws-frame", "in", undefined],
    ],
  },
  {
    name: "a connection closed in the middle of a frame and of a request",
    steps: [...upgraded, ["in", serverText("4hello").subarray(0, 4)], ["out", clientText("4hi").subarray(0, 1)]],
    units: [
      ["http-request", "out", undefined],
      ["ws-upgrade", "in", undefined],
      ["ws-frame", "out", "incomplete"],
      ["ws-frame", "in", "incomplete"],
    ],
  },
];

describe("malformed input", () => {
  it.each(cases)("$name", ({ steps, units }) => {
    const got = feedChunks(createWireParser("client"), steps);
    expect(got.map((u) => [u.kind, u.dir, u.error])).toEqual(units);
    expectCoverage(got, steps);
    const split = feedBytes(createWireParser("client"), steps);
    expectCoverage(split, steps);
    expect(split.map((u) => [u.kind, u.dir, u.error]).filter(([, , e]) => e !== "unparsed")).toEqual(units.filter(([, , e]) => e !== "unparsed"));
  });

  it("ends a close-delimited response at the close", () => {
    const parser = createWireParser("client");
    const steps: Step[] = [
      ["out", request("GET", "/old")],
      ["in", bytes("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of it")],
    ];
    const units = feedChunks(parser, steps);
    expect(units.map((u) => [u.kind, u.error, u.preview])).toEqual([
      ["http-request", undefined, "GET /old HTTP/1.1"],
      ["http-response", undefined, "all of it"],
    ]);
    expectCoverage(units, steps);
  });
});
