// Scripted drops tied to real bytes (`dropData`): which segments a rule loses, that their
// retransmissions get through, and how a trace's network faults combine into settings.
import { describe, expect, it } from "vitest";
import { DEFAULT_NETWORK, type DataDropRule, type NetworkSettings } from "../../../src/shared/network-settings.js";
import { modelConnection } from "../../../src/shared/tcp/model.js";
import { seqDiff } from "../../../src/shared/tcp/seq.js";
import { networkFromTrace } from "../../../src/shared/tcp/trace-settings.js";
import type { ConnectionOutput } from "../../../src/shared/tcp/types.js";
import type { TraceEvent } from "../../../src/shared/trace/types.js";
import { bytesOf, received, syntheticConnection } from "./synthetic.js";

const settings = (dropData: DataDropRule[]): NetworkSettings => ({ ...DEFAULT_NETWORK, mss: 100, dropData });

/** A 50-byte greeting, then at 100 ms a 700-byte message from the client; a 10-byte answer. */
const input = syntheticConnection([
  { from: "client", t: 10, bytes: bytesOf(50) },
  { from: "client", t: 100, bytes: bytesOf(700, 1) },
  { from: "server", t: 400, bytes: bytesOf(10, 2) },
]);

/** Stream offsets of the first transmissions that were lost, and of every retransmission. */
function fates(out: ConnectionOutput): { lost: string[]; resent: string[] } {
  const at = (s: ConnectionOutput["segments"][number]): string => `${s.from}@${seqDiff(s.seq, out.isn[s.from]) - 1}`;
  return {
    lost: out.segments.filter((s) => s.lost).map(at),
    resent: out.segments.filter((s) => s.retransmission).map((s) => `${at(s)} ${s.cause}`),
  };
}

describe("dropData", () => {
  it.each<[string, DataDropRule[], string[]]>([
    ["the 2nd and 5th of the message", [{ side: "client", from: 50, to: 750, segments: [2, 5] }], ["client@150", "client@450"]],
    // Counting starts at the range, whatever came before: the greeting is not counted.
    ["the 1st of the message", [{ side: "client", from: 50, to: 750, segments: [1] }], ["client@50"]],
    ["a segment that only overlaps the range counts", [{ side: "client", from: 149, to: 151, segments: [2] }], ["client@150"]],
    ["the server's answer", [{ side: "server", from: 0, to: 10, segments: [1] }], ["server@0"]],
    ["another connection's rule", [{ conn: "client-9/tcp1", side: "client", from: 0, to: 750, segments: [1] }], []],
    ["this connection by its id", [{ conn: "client-1/tcp1", side: "client", from: 0, to: 750, segments: [1] }], ["client@0"]],
    ["beyond the last segment", [{ side: "client", from: 50, to: 750, segments: [9] }], []],
  ])("%s", (_, rules, lost) => {
    const out = modelConnection(input, settings(rules));
    expect(fates(out).lost).toEqual(lost);
    // Every byte still arrives, in order, once: the retransmissions got through.
    expect(received(out.deliveries, "server")).toEqual(new Uint8Array([...bytesOf(50), ...bytesOf(700, 1)]));
    expect(received(out.deliveries, "client")).toEqual(bytesOf(10, 2));
  });

  it("spares retransmissions: the 2nd and 5th of seven give a fast retransmission and a partial-ACK resend", () => {
    const out = modelConnection(input, settings([{ side: "client", from: 50, to: 750, segments: [2, 5] }]));
    expect(fates(out).resent).toEqual(["client@150 fast", "client@450 partial"]);
    expect(out.segments.filter((s) => s.dupAck).length).toBeGreaterThanOrEqual(3);
  });

  it("a lone lost segment is resent only by a timeout", () => {
    const out = modelConnection(input, settings([{ side: "server", from: 0, to: 10, segments: [1] }]));
    expect(fates(out).resent).toEqual(["server@0 rto"]);
  });
});

describe("a trace's network faults", () => {
  let id = 0;
  const fault = (detail: unknown): TraceEvent => ({ id: ++id, t: id, host: "server", layer: "lab", kind: "fault", fault: "network", detail: JSON.stringify(detail) });
  const rule = { conn: "client-1/tcp1", side: "client", from: 267, to: 715, segments: [2, 5] };

  it("are patches applied in order: a later fault's fields replace earlier ones, the rest stay", () => {
    const s = networkFromTrace([fault({ mss: 64, loss: 0.2, latency: 20, seed: 1 }), fault({ dropData: [rule] }), fault({ loss: 0 })], DEFAULT_NETWORK);
    expect(s).toMatchObject({ mss: 64, loss: 0, latency: 20, seed: 1, dropData: [rule] });
  });

  it("keep only well-formed drop rules", () => {
    const bad = [{ side: "left", from: 0, to: 1, segments: [1] }, { side: "client", from: 5, to: 5, segments: [1] }, { side: "client", from: 0, to: 9, segments: [0] }, { side: "client", from: 0, to: 9 }, null];
    expect(networkFromTrace([fault({ dropData: [...bad, rule] })], DEFAULT_NETWORK).dropData).toEqual([rule]);
  });
});
