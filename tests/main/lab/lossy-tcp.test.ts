// lossy-tcp: the real scenario's trace, modelled with the settings it recorded, loses exactly where
// its narration says: nothing in step 1 (a clean link), and in step 2 the 2nd and 5th segments of
// the long message (dup ACKs, a fast retransmission, a partial-ACK resend) and the server's answer
// (a timeout).
import { beforeAll, describe, expect, it } from "vitest";
import { runScenarioToFile } from "../../../src/main/cli/run-scenario.js";
import { DEFAULT_NETWORK } from "../../../src/shared/network-settings.js";
import { retimeTrace } from "../../../src/shared/tcp/retime.js";
import { seqDiff } from "../../../src/shared/tcp/seq.js";
import { networkFromTrace } from "../../../src/shared/tcp/trace-settings.js";
import type { ConnectionOutput, Segment } from "../../../src/shared/tcp/types.js";
import type { TraceEvent } from "../../../src/shared/trace/types.js";

let events: TraceEvent[];
let model: ConnectionOutput[];
let times: Map<number, number>;

beforeAll(async () => {
  const run = await runScenarioToFile("lossy-tcp", undefined, { port: 0 });
  expect(run.error).toBeUndefined();
  events = run.events;
  ({ model, times } = retimeTrace(events, networkFromTrace(events, DEFAULT_NETWORK)));
});

const steps = (): TraceEvent[] => events.filter((e) => e.layer === "lab" && e.kind === "step" && !e.teardown);
const notable = (s: Segment): boolean => s.lost || s.dupAck || s.retransmission;

describe("lossy-tcp's faults fall where its narration says", () => {
  it("records a clean link for step 1 and, during step 2, drops tied to the message's real bytes", () => {
    const faults = events.filter((e) => e.layer === "lab" && e.kind === "fault" && e.fault === "network");
    expect(faults).toHaveLength(2);
    expect(JSON.parse(faults[0]!.layer === "lab" && faults[0]!.kind === "fault" ? faults[0]!.detail ?? "" : "")).toMatchObject({ mss: 64, loss: 0 });
    const [, step2] = steps();
    expect(faults[1]!.id).toBeGreaterThan(step2!.id);
    const settings = networkFromTrace(events, DEFAULT_NETWORK);
    expect(settings).toMatchObject({ mss: 64, loss: 0, latency: 20 });
    const [message, answer] = settings.dropData ?? [];
    // The message's rule spans exactly the client's WebSocket frame that carried it.
    const frame = events.find((e) => e.layer === "wire" && e.kind === "ws-frame" && e.host === "client-1" && e.dir === "out" && e.preview.startsWith('420["hello"'));
    expect(frame && frame.layer === "wire" ? { conn: frame.conn, from: frame.offset, to: frame.offset + frame.length } : null).toEqual({
      conn: message?.conn,
      from: message?.from,
      to: message?.to,
    });
    expect(message).toMatchObject({ side: "client", segments: [2, 5] });
    expect(answer).toMatchObject({ side: "server", conn: "server/tcp2" });
  });

  it("cuts the message into at least seven segments and loses its 2nd and 5th, then the whole answer", () => {
    expect(model).toHaveLength(1);
    const conn = model[0]!;
    const rule = networkFromTrace(events, DEFAULT_NETWORK).dropData![0]!;
    const isn = conn.isn.client;
    const offset = (s: Segment): number => seqDiff(s.seq, isn) - 1;
    const firstSends = conn.segments.filter((s) => s.from === "client" && s.len > 0 && !s.retransmission && offset(s) >= rule.from && offset(s) < rule.to);
    expect(firstSends.length).toBeGreaterThanOrEqual(7);
    expect(firstSends.map((s) => s.lost)).toEqual(firstSends.map((_, i) => i === 1 || i === 4));
    const lostAnswer = conn.segments.filter((s) => s.from === "server" && s.lost);
    expect(lostAnswer.length).toBeGreaterThanOrEqual(1);
  });

  it("gives duplicate ACKs, one fast retransmission, one partial-ACK resend and one timeout, all in step 2", () => {
    const conn = model[0]!;
    const [step1, step2] = steps();
    const step2At = times.get(step2!.id)!;
    expect(times.get(step1!.id)!).toBeLessThan(step2At);
    const end = Math.max(...conn.segments.map((s) => s.arrived ?? s.sent));
    const faults = conn.segments.filter(notable);
    expect(faults.filter((s) => s.lost)).toHaveLength(4);
    expect(faults.filter((s) => s.dupAck).length).toBeGreaterThanOrEqual(3);
    expect(faults.filter((s) => s.cause === "fast")).toHaveLength(1);
    expect(faults.filter((s) => s.cause === "partial")).toHaveLength(1);
    expect(faults.filter((s) => s.cause === "rto")).toHaveLength(1);
    // Step 1 runs on a clean link: nothing notable before the step-2 marker on the model clock.
    expect(conn.segments.filter((s) => s.sent < step2At && notable(s))).toEqual([]);
    for (const s of faults) {
      expect(s.sent, `segment ${s.index}`).toBeGreaterThan(step2At);
      expect(s.sent, `segment ${s.index}`).toBeLessThanOrEqual(end);
    }
    // The fast retransmission comes on the third duplicate ACK's arrival; the timeout is the
    // answer's, which no duplicate ACK could announce.
    const fast = faults.find((s) => s.cause === "fast")!;
    const dupsBefore = conn.segments.filter((s) => s.dupAck && s.arrived !== null && s.arrived <= fast.sent);
    expect(dupsBefore.length).toBeGreaterThanOrEqual(3);
    expect(faults.find((s) => s.cause === "rto")!.from).toBe("server");
  });

  it("delivers every byte in order, once, to both applications", () => {
    const conn = model[0]!;
    for (const to of ["client", "server"] as const) {
      const got = conn.deliveries.filter((d) => d.to === to).reduce((n, d) => n + d.length, 0);
      const close = events.find((e) => e.layer === "tcp" && e.kind === "close" && e.conn === conn.traceConns.client);
      const bytes = close && close.layer === "tcp" && close.kind === "close" ? (to === "server" ? close.bytesOut : close.bytesIn) : -1;
      expect(got).toBe(bytes);
    }
  });
});
