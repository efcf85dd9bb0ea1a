// The coverage invariant over a long mixed stream: polling, an upgrade, every frame kind,
// split at seeded random points. Each direction's units tile its bytes from 0, exactly.
import { Buffer } from "node:buffer";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { createWireParser, type WireUnitParsed } from "../../../../../src/main/lab/capture/wire";
import { bytes, clientText, expectCoverage, feedBytes, feedChunks, frame, MASK, OPEN, request, response, serverText, SID, type Step, SWITCHING, UPGRADE_REQUEST, wireStrings } from "./fixtures";
import { createPrng } from "../../../../../src/shared/tcp/prng.js";

const POLL = `/socket.io/?EIO=4&transport=polling&sid=${SID}`;

function mixedStream(): Step[] {
  const steps: Step[] = [
    ["out", request("GET", "/socket.io/?EIO=4&transport=polling&t=1")],
    ["in", response(200, OPEN)],
    ["out", request("POST", POLL, "40\x1e40/chat,")],
    ["in", response(200, "ok")],
    ["out", request("GET", "/status")],
    ["in", response(200, '{"up":true}')],
  ];
  for (let i = 0; i < 20; i++) {
    steps.push(["out", request("POST", POLL, `42${i}["tick",${i}]\x1ebAQIDBA==`)], ["in", response(200, "ok")]);
    steps.push(["out", request("GET", POLL, "", { "Accept-Encoding": "gzip" })]);
    steps.push(["in", i % 2 ? response(200, gzipSync(Buffer.from(`2\x1e4${"p".repeat(1500)}`)), { "Content-Encoding": "gzip" }) : response(200, "6")]);
  }
  steps.push(["out", UPGRADE_REQUEST], ["in", SWITCHING]);
  for (let i = 0; i < 30; i++) {
    steps.push(["out", clientText(`42${i}["hello","world"]`)], ["in", serverText(`43${i}["got it"]`)]);
    steps.push(["in", frame({ opcode: 2, payload: Buffer.alloc(i * 50, i) })]);
    steps.push(["out", frame({ opcode: 1, payload: "4frag", fin: false, mask: MASK })]);
    steps.push(["out", frame({ opcode: 0, payload: `ment${i}`, mask: MASK })]);
    steps.push(["in", frame({ opcode: 9, payload: "" })], ["out", frame({ opcode: 10, payload: "", mask: MASK })]);
  }
  steps.push(["in", serverText(`4${"L".repeat(80_000)}`)]);
  steps.push(["in", frame({ opcode: 8, payload: Buffer.from([0x03, 0xe8]) })], ["out", frame({ opcode: 8, payload: Buffer.from([0x03, 0xe8]), mask: MASK })]);
  return steps;
}


/** The same bytes cut at random points, each direction's order kept. */
function resplit(steps: readonly Step[], seed: number): Step[] {
  const g = createPrng(seed);
  const rnd = () => g.next();
  const out: Step[] = [];
  for (const [dir, chunk] of steps) {
    for (let i = 0; i < chunk.length; ) {
      const n = 1 + Math.floor(rnd() * Math.min(chunk.length - i, rnd() < 0.5 ? 8 : 4096));
      out.push([dir, chunk.subarray(i, i + n)]);
      i += n;
    }
  }
  return out;
}

describe("coverage invariant", () => {
  const steps = mixedStream();
  const whole = feedChunks(createWireParser("client"), steps);

  it("parses the whole stream without errors", () => {
    expect(whole.filter((u) => u.error !== undefined)).toEqual([]);
    expectCoverage(whole, steps);
    const strings = wireStrings(whole);
    expect(strings).toContain(OPEN);
    expect(strings).toContain('4229["hello","world"]');
    expect(strings).toContain("4fragment29");
    expect(strings.filter((s) => s === "bAQIDBA==")).toHaveLength(20);
    expect(whole.filter((u) => u.kind === "ws-frame" && u.dir === "in").every((u) => u.sid === SID)).toBe(true);
  });

  it.each([1, 2, 3, 42])("gives the same units when split at random points (seed %i)", (seed) => {
    const split = resplit(steps, seed);
    const units = feedChunks(createWireParser("client"), split);
    expectCoverage(units, split);
    expect(units).toEqual(whole);
  });

  it("gives the same units fed one byte at a time", () => {
    const units: WireUnitParsed[] = feedBytes(createWireParser("client"), steps.slice(0, 200));
    expect(units).toEqual(feedChunks(createWireParser("client"), steps.slice(0, 200)));
  });

  it("accounts for every byte after garbage too", () => {
    const broken: Step[] = [...steps.slice(0, 10), ["in", bytes("garbage\r\n")], ...steps.slice(10)];
    const units = feedChunks(createWireParser("client"), broken);
    expectCoverage(units, broken);
    expect(units.some((u) => u.error === "unparsed")).toBe(true);
  });
});
