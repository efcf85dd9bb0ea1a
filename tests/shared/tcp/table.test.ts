// Table-driven tests with literal numbers: the handshake through `step`, a segment lost and
// resent after the RTO, fast retransmit after three duplicate ACKs, and the small pure pieces.

import { describe, expect, it } from "vitest";
import { DEFAULT_NETWORK, type NetworkSettings } from "../../../src/shared/network-settings.js";
import { decodeBase64, encodeBase64 } from "../../../src/shared/tcp/base64.js";
import { createConnection, step, type ModelOutput, type WireSegment } from "../../../src/shared/tcp/connection.js";
import { displayAck, displaySeq, segmentNotes } from "../../../src/shared/tcp/display.js";
import { modelConnection } from "../../../src/shared/tcp/model.js";
import { backOff, initialRto, sampleRtt } from "../../../src/shared/tcp/rto.js";
import { seq, seqAdd, seqDiff, seqLt } from "../../../src/shared/tcp/seq.js";
import { bytesOf, syntheticConnection } from "./synthetic.js";

const sends = (output: ModelOutput[]): WireSegment[] => output.flatMap((o) => (o.type === "send" ? [o.segment] : []));
const brief = (s: WireSegment) => ({ from: s.from, flags: s.flags.join(","), seq: s.seq, ack: s.ack, len: s.len, window: s.window });

describe("sequence numbers modulo 2^32", () => {
  it.each([
    [4294967295, 1, 0],
    [4294967290, 10, 4],
    [0, -1, 4294967295],
    [100, 2 ** 32, 100],
  ])("%d + %d = %d", (a, n, sum) => expect(seqAdd(seq(a), n)).toBe(sum));

  it.each([
    [5, 4294967291, 10],
    [4294967291, 5, -10],
    [7, 7, 0],
  ])("distance %d − %d = %d", (a, b, d) => expect(seqDiff(seq(a), seq(b))).toBe(d));

  it("orders across the wrap", () => expect(seqLt(seq(4294967290), seq(3))).toBe(true));
});

describe("base64 without Buffer", () => {
  it.each([
    ["", []],
    ["AA==", [0]],
    ["aGk=", [104, 105]],
    ["aGVsbG8=", [104, 101, 108, 108, 111]],
    ["/+8=", [255, 239]],
  ])("%j", (text, bytes) => {
    expect([...decodeBase64(text)]).toEqual(bytes);
    expect(encodeBase64(Uint8Array.from(bytes))).toBe(text);
  });
});

describe("RTO estimation (RFC 6298)", () => {
  it("first sample: SRTT = R, RTTVAR = R/2, RTO = max(200, R + 4·RTTVAR)", () => {
    expect(sampleRtt(initialRto(), 100)).toEqual({ srtt: 100, rttvar: 50, rto: 300, base: 300, backoff: 0 });
    expect(sampleRtt(initialRto(), 20)).toMatchObject({ srtt: 20, rttvar: 10, rto: 200 });
  });
  it("later samples: RTTVAR = 3/4·RTTVAR + 1/4·|SRTT − R|, SRTT = 7/8·SRTT + 1/8·R", () => {
    const s = sampleRtt(sampleRtt(initialRto(), 100), 180);
    expect(s).toMatchObject({ srtt: 110, rttvar: 57.5, rto: 340 });
  });
  it("backs off by doubling up to 60 s", () => {
    let s = initialRto();
    const seen: number[] = [];
    for (let i = 0; i < 8; i++) seen.push((s = backOff(s)).rto);
    expect(seen).toEqual([2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
  });
});

describe("three-way handshake through step()", () => {
  it("SYN, SYN-ACK, ACK with literal numbers", () => {
    const c = createConnection({ mss: 100, window: 65535, delayedAck: 0, isn: { client: seq(1000), server: seq(5000) } });
    const syn = sends(step(c, { type: "connect" }, 0).output);
    expect(syn.map(brief)).toEqual([{ from: "client", flags: "SYN", seq: 1000, ack: 0, len: 0, window: 65535 }]);
    expect(c.ends.client.state).toBe("SYN_SENT");

    const synAck = sends(step(c, { type: "arrive", index: 0, segment: syn[0]! }, 10).output);
    expect(synAck.map(brief)).toEqual([{ from: "server", flags: "SYN,ACK", seq: 5000, ack: 1001, len: 0, window: 65535 }]);
    expect(c.ends.server.state).toBe("SYN_RCVD");

    const r = step(c, { type: "arrive", index: 1, segment: synAck[0]! }, 20);
    expect(sends(r.output).map(brief)).toEqual([{ from: "client", flags: "ACK", seq: 1001, ack: 5001, len: 0, window: 65535 }]);
    expect(r.output).toContainEqual({ type: "milestone", side: "client", kind: "established" });
    expect(c.ends.client.state).toBe("ESTABLISHED");
    // The SYN's round trip was the first RTT sample: 20 ms.
    expect(c.ends.client.snd.rto).toMatchObject({ srtt: 20, rttvar: 10, rto: 200 });

    step(c, { type: "arrive", index: 2, segment: sends(r.output)[0]! }, 30);
    expect(c.ends.server.state).toBe("ESTABLISHED");

    // Data then flows with piggybacked ACKs: 150 bytes at MSS 100 are two segments, PSH on the last.
    const data = sends(step(c, { type: "write", from: "client", offset: 0, bytes: bytesOf(150) }, 31).output);
    expect(data.map(brief)).toEqual([
      { from: "client", flags: "ACK", seq: 1001, ack: 5001, len: 100, window: 65535 },
      { from: "client", flags: "PSH,ACK", seq: 1101, ack: 5001, len: 50, window: 65535 },
    ]);
    const acked = step(c, { type: "arrive", index: 3, segment: data[0]! }, 41).output;
    expect(acked).toContainEqual({ type: "deliver", to: "server", offset: 0, bytes: bytesOf(150).subarray(0, 100) });
    expect(sends(acked).map(brief)).toEqual([{ from: "server", flags: "ACK", seq: 5001, ack: 1101, len: 0, window: 65535 }]);
  });
});

const base: NetworkSettings = { ...DEFAULT_NETWORK, latency: 10, mss: 10, delayedAck: 0, isn: 0, seed: 1 };
const row = (s: ReturnType<typeof modelConnection>["segments"][number], isn = { client: seq(0), server: seq(0) }) =>
  [s.index, s.sent, s.arrived, s.from, s.flags.join(","), displaySeq(s, isn, true), displayAck(s, isn, true), s.len, segmentNotes(s).join(" ")].join(" ");

describe("a segment lost and resent after the RTO", () => {
  it("drop segment 3: resent 200 ms later (RTO = max(200, 20 + 4·10))", () => {
    const input = syntheticConnection([{ from: "client", t: 1, bytes: bytesOf(5) }], { closeAt: 500 });
    const out = modelConnection(input, { ...base, drop: [3] });
    expect(out.segments.map((s) => row(s))).toEqual([
      "0 0 10 client SYN 0 0 0 ",
      "1 10 20 server SYN,ACK 0 1 0 ",
      "2 20 30 client ACK 1 1 0 ",
      "3 21  client PSH,ACK 1 1 5 [lost]",
      "4 221 231 client PSH,ACK 1 1 5 [TCP Retransmission] (timeout)",
      "5 231 241 server ACK 1 6 0 ",
      "6 520 530 client FIN,ACK 6 1 0 ",
      "7 530 540 server ACK 1 7 0 ",
      // The server's close (real 500 ms) shifts with the server's clock: it read the 5 bytes
      // 230 ms later than in reality, so its close comes at 730.
      "8 730 740 server FIN,ACK 1 7 0 ",
      "9 740 750 client ACK 7 2 0 ",
    ]);
    expect(out.deliveries.map((d) => [d.to, d.t, d.offset, d.length])).toEqual([["server", 231, 0, 5]]);
  });
});

describe("fast retransmit after three duplicate ACKs", () => {
  it("drop the first of five data segments: four dup ACKs, resent on the third", () => {
    const input = syntheticConnection([{ from: "client", t: 1, bytes: bytesOf(50) }], { closeAt: 500 });
    const out = modelConnection(input, { ...base, drop: [3] });
    expect(out.segments.slice(3, 13).map((s) => row(s))).toEqual([
      "3 21  client ACK 1 1 10 [lost]",
      "4 21 31 client ACK 11 1 10 [TCP Out-Of-Order]",
      "5 21 31 client ACK 21 1 10 [TCP Out-Of-Order]",
      "6 21 31 client ACK 31 1 10 [TCP Out-Of-Order]",
      "7 21 31 client PSH,ACK 41 1 10 [TCP Out-Of-Order]",
      "8 31 41 server ACK 1 1 0 [TCP Dup ACK]",
      "9 31 41 server ACK 1 1 0 [TCP Dup ACK]",
      "10 31 41 server ACK 1 1 0 [TCP Dup ACK]",
      "11 31 41 server ACK 1 1 0 [TCP Dup ACK]",
      "12 41 51 client ACK 1 1 10 [TCP Retransmission] (fast retransmit)",
    ]);
    expect(out.segments[13]).toMatchObject({ from: "server", flags: ["ACK"], len: 0, sent: 51 });
    expect(displayAck(out.segments[13]!, out.isn, true)).toBe(51);
    // The resent segment fills the gap: it and the four buffered ones reach the application at once.
    expect(out.deliveries.map((d) => [d.t, d.offset, d.length])).toEqual([[51, 0, 10], [51, 10, 10], [51, 20, 10], [51, 30, 10], [51, 40, 10]]);
  });
});

describe("ISNs", () => {
  it("are seeded per connection and direction, and reproducible", () => {
    const input = syntheticConnection([]);
    const a = modelConnection(input, { ...DEFAULT_NETWORK, seed: 3 }).isn;
    expect(modelConnection(input, { ...DEFAULT_NETWORK, seed: 3 }).isn).toEqual(a);
    expect(a.client).not.toBe(a.server);
    expect(modelConnection(input, { ...DEFAULT_NETWORK, seed: 4 }).isn).not.toEqual(a);
  });
});

describe("a reset connection", () => {
  it("the end that was reset (ECONNRESET) did not send the RST: its peer did, after its data was acknowledged", async () => {
    const { extractConnections } = await import("../../../src/shared/tcp/extract.js");
    const { syntheticTrace } = await import("./synthetic.js");
    const trace = syntheticTrace([{ request: bytesOf(30), response: bytesOf(12, 1) }]).map((ev) =>
      ev.layer === "tcp" && ev.kind === "close" && ev.host === "client-1" ? { ...ev, reset: true, reason: "ECONNRESET" } : ev,
    );
    const [input] = extractConnections(trace);
    expect(input!.close).toMatchObject({ by: "server", reset: true });
    const out = modelConnection(input!, { ...base, mss: 1460 });
    const rst = out.segments.filter((s) => s.flags.includes("RST"));
    expect(rst.map((s) => s.from)).toEqual(["server"]);
    expect(out.segments.some((s) => s.flags.includes("FIN"))).toBe(false);
  });
});
