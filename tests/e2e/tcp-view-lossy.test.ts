// The TCP view's selectors over a real lossy-tcp trace, recorded here by the real lab (so
// this file runs in Node; the renderer's own tests have no Node types). Steps by TCP through
// every modelled segment and checks the receive buffers, the gap, the deliveries (in order,
// once, equal to the real bytes), the ordering by the model clock, and the teacher's settings.
import { beforeAll, describe, expect, it } from "vitest";
import { runScenarioToFile } from "../../src/main/cli/run-scenario.js";
import type { TraceEvent } from "../../src/shared/trace/types.js";
import { decodeBase64 } from "../../src/shared/tcp/index.js";
import { createTraceStore } from "../../src/renderer/src/store/trace-store.js";
import { selectLadder, type Ladder } from "../../src/renderer/src/selectors/tcp-ladder.js";
import { selectNetwork } from "../../src/renderer/src/selectors/network.js";
import { selectInspected } from "../../src/renderer/src/selectors/inspector.js";
import { selectTraceModel } from "../../src/renderer/src/selectors/tcp-model.js";
import type { ReceiveBuffer } from "../../src/renderer/src/selectors/tcp-buffer.js";

let events: TraceEvent[] = [];

beforeAll(async () => {
  const run = await runScenarioToFile("lossy-tcp", undefined, { port: 0 });
  expect(run.error).toBeUndefined();
  events = run.events;
}, 60_000);

function load() {
  const bundle = createTraceStore();
  bundle.actions.loadTrace({ format: "socketscope-trace", version: 1, createdAt: "2026-01-01T00:00:00.000Z", app: { name: "socketscope", version: "0" }, scenario: { id: "lossy-tcp", title: "TCP over a lossy link", seed: 1 } }, events);
  bundle.actions.setStepBy("TCP");
  return bundle;
}

/** The real bytes one end wrote, concatenated in offset order. */
function realStream(host: string): Uint8Array {
  const chunks = events.filter((e): e is Extract<TraceEvent, { layer: "tcp"; kind: "data" }> => e.layer === "tcp" && e.kind === "data" && e.host === host && e.dir === "out");
  const total = chunks.reduce((n, c) => Math.max(n, c.offset + c.length), 0);
  const out = new Uint8Array(total);
  for (const c of chunks) out.set(decodeBase64(c.bytes), c.offset);
  return out;
}

interface Seen {
  cursor: number;
  sub: number | null;
  ladder: Ladder;
  server: ReceiveBuffer;
  client: ReceiveBuffer;
}

/** Steps forward by TCP to the end, recording the ladder at every position. */
function walk(): Seen[] {
  const { store, actions } = load();
  const seen: Seen[] = [];
  for (let guard = 0; guard < 10_000; guard++) {
    const before = store.getState();
    actions.stepForward(guard);
    const s = store.getState();
    if (s.cursor === before.cursor && s.tcpSub === before.tcpSub) break;
    const ladder = selectLadder(s);
    if (!ladder) continue;
    const rcv = (side: "client" | "server") => ladder.receivers.find((r) => r.side === side)!;
    seen.push({ cursor: s.cursor, sub: s.tcpSub, ladder, server: rcv("server"), client: rcv("client") });
  }
  return seen;
}

describe("TCP view over a real lossy-tcp trace", () => {
  it("runs the model with the network the scenario recorded", () => {
    const { store } = load();
    // A clean link, then (recorded during step 2) scripted drops on the long message and its answer.
    expect(selectNetwork(store.getState())).toMatchObject({ mss: 64, loss: 0, latency: 20, seed: 1, dropData: [{ segments: [2, 5] }, { side: "server" }] });
    expect(selectTraceModel(store.getState()).error).toBeNull();
  });

  it("steps through the segments one at a time, in the order the model sent them", () => {
    const seen = walk();
    const all = seen[seen.length - 1]!.ladder.segments;
    expect(all.some((g) => g.lost)).toBe(true);
    expect(all.some((g) => g.retransmission)).toBe(true);
    expect(all.some((g) => g.dupAck)).toBe(true);
    // Every segment is revealed by a step of its own.
    let visible = 0;
    for (const x of seen) {
      expect(x.ladder.visible - visible).toBeLessThanOrEqual(1);
      expect(x.ladder.visible).toBeGreaterThanOrEqual(visible);
      visible = x.ladder.visible;
    }
    expect(visible).toBe(all.length);
    // Presentation order is the model clock's order, and never before the write that caused it.
    for (let k = 1; k < all.length; k++) {
      expect(all[k]!.sent).toBeGreaterThanOrEqual(all[k - 1]!.sent);
      expect(all[k]!.at).toBeGreaterThanOrEqual(all[k - 1]!.at);
    }
  });

  it("never draws an ACK before the modelled delivery of the bytes it acknowledges", () => {
    const seen = walk();
    let acks = 0;
    for (const x of seen) {
      const seg = x.ladder.segments[x.ladder.visible - 1];
      if (!seg?.flags.includes("ACK") || seg.flags.includes("SYN")) continue;
      // A relative ACK number n acknowledges bytes [0, n - 1) of the other direction (one
      // more for a FIN). At the moment the ACK is drawn, the acker has been given them.
      const acker = seg.from === "client" ? x.client : x.server;
      const shown = x.ladder.segments.slice(0, x.ladder.visible - 1);
      const finFromPeer = shown.some((g) => g.from !== seg.from && g.flags.includes("FIN") && !g.lost);
      expect(acker.delivered).toBeGreaterThanOrEqual(seg.ack - 1 - (finFromPeer ? 1 : 0));
      acks++;
    }
    expect(acks).toBeGreaterThan(5);
  });

  it("at every read the application made, the TCP view has delivered those bytes", () => {
    const { store, actions } = load();
    let reads = 0;
    events.forEach((e, i) => {
      if (e.layer !== "tcp" || e.kind !== "data" || e.dir !== "in") return;
      actions.seek(i, 0);
      const ladder = selectLadder(store.getState())!;
      const side = e.host === ladder.serverHost ? "server" : "client";
      expect(ladder.receivers.find((r) => r.side === side)!.delivered).toBeGreaterThanOrEqual(e.offset + e.length);
      reads++;
    });
    expect(reads).toBeGreaterThan(3);
  });

  it("shows the out-of-order buffer and its gap, then delivers in order, once, the real bytes", () => {
    const seen = walk();
    const clientBytes = realStream("client-1");
    const serverBytes = realStream("server");
    let withGap = 0;
    const delivered = { server: 0, client: 0 };
    for (const x of seen) {
      for (const [side, buf, real] of [["server", x.server, clientBytes], ["client", x.client, serverBytes]] as const) {
        // In order and once: the delivered prefix only grows, and is the real bytes.
        expect(buf.delivered).toBeGreaterThanOrEqual(delivered[side]);
        expect(buf.bytes).toEqual(real.subarray(0, buf.delivered));
        if (buf.delivered > delivered[side]) expect(buf.lastDelivery).toEqual({ offset: delivered[side], length: buf.delivered - delivered[side], segment: buf.lastDelivery!.segment });
        delivered[side] = buf.delivered;
        if (buf.held.length > 0) {
          withGap++;
          // Held bytes sit after a gap that starts where delivery stopped.
          expect(buf.gaps[0]![0]).toBe(buf.delivered);
          expect(buf.gaps[0]![1]).toBe(buf.held[0]![0]);
          for (const [a, b] of buf.held) {
            expect(a).toBeGreaterThan(buf.delivered);
            expect(b).toBeLessThanOrEqual(buf.sentEnd);
          }
        } else {
          expect(buf.gaps).toEqual([]);
        }
      }
      // A segment the model marked out of order is held when it lands.
      const last = x.ladder.segments[x.ladder.visible - 1];
      if (last?.outOfOrder && !last.lost && last.len > 0) {
        const buf = last.from === "client" ? x.server : x.client;
        expect(buf.held.some(([a, b]) => a <= last.offset && last.offset + last.len <= b)).toBe(true);
      }
    }
    expect(withGap).toBeGreaterThan(0);
    const end = seen[seen.length - 1]!;
    expect(end.server.bytes).toEqual(clientBytes);
    expect(end.client.bytes).toEqual(serverBytes);
  });

  it("a position with a gap: the numbers the teacher reads", () => {
    const seen = walk();
    const x = seen.find((v) => v.server.held.length > 0)!;
    expect(x).toBeDefined();
    const gap = x.server.gaps[0]!;
    const lost = x.ladder.segments.slice(0, x.ladder.visible).filter((g) => g.from === "client" && g.lost && g.offset < gap[1] && g.offset + g.len > gap[0]);
    // The gap is there because a segment carrying those bytes was lost.
    expect(lost.length).toBeGreaterThan(0);
    // The segment that fills it later is a retransmission, and after it the gap is gone.
    const fill = seen.find((v) => v.ladder.visible > x.ladder.visible && v.server.delivered >= gap[1])!;
    const filler = fill.ladder.segments[fill.ladder.visible - 1]!;
    expect(filler.retransmission).toBe(true);
    expect(fill.server.lastDelivery?.segment).toBe(filler.index);
  });

  it("the inspector shows real and model time for every event, and the segments of a data event", () => {
    const { store, actions } = load();
    const model = selectTraceModel(store.getState());
    for (const e of events) expect(model.times.has(e.id)).toBe(true);
    // The server's read of the long message: its bytes came late on the model clock (segments were lost).
    const step2 = events.findIndex((e) => e.layer === "lab" && e.kind === "step" && e.index === 1);
    const read = events.findIndex((e, i) => i > step2 && e.layer === "tcp" && e.kind === "data" && e.host === "server" && e.dir === "in" && e.length > 64 * 2);
    actions.seek(read, 0);
    const ins = selectInspected(store.getState())!;
    expect(ins.realTime).toBe(`${events[read]!.t.toFixed(3)} ms`);
    expect(ins.modelTime).toMatch(/^\d+\.\d{3} ms \(\+\d+\.\d{3} ms\)$/);
    expect(ins.carriedBy!.length).toBeGreaterThan(1);
    expect(ins.carriedBy!.some((c) => c.arrived === "lost")).toBe(true);
    expect(ins.carriedBy!.some((c) => c.notes.some((n) => n.startsWith("[TCP Retransmission]")))).toBe(true);
    // Model time never runs before real time, nor before the event's parents.
    for (const e of events) {
      const m = model.times.get(e.id)!;
      expect(m).toBeGreaterThanOrEqual(e.t - 1e-6);
      for (const p of e.parents ?? []) expect(m).toBeGreaterThanOrEqual(model.times.get(p)!);
    }
  });

  it("the teacher's loss, MSS, seed and dropped segment re-run the model", () => {
    const { store, actions } = load();
    actions.seek(events.length - 1, 0);
    const recorded = selectLadder(store.getState())!;
    // No random loss and no scripted drops (what "Stop dropping" does): a clean link.
    actions.setNetwork({ loss: 0, dropData: [] });
    const clean = selectLadder(store.getState())!;
    expect(clean.segments.some((g) => g.lost || g.retransmission)).toBe(false);
    const victim = clean.segments.find((g) => g.len > 0 && g.from === "client")!;
    actions.setNetwork({ drop: [victim.index] });
    const dropped = selectLadder(store.getState())!;
    expect(dropped.segments[victim.index]!.lost).toBe(true);
    expect(dropped.segments.filter((g) => g.retransmission && g.offset === victim.offset)).not.toHaveLength(0);
    actions.setNetwork({ mss: 16, drop: [] });
    const small = selectLadder(store.getState())!;
    expect(Math.max(...small.segments.map((g) => g.len))).toBe(16);
    actions.setNetwork({ mss: 64, loss: 0.2, seed: 7 });
    expect(selectLadder(store.getState())!.segments.map((g) => g.lost)).not.toEqual(recorded.segments.map((g) => g.lost));
    actions.resetNetwork();
    expect(selectLadder(store.getState())!.segments.map((g) => `${g.index}${g.lost}`)).toEqual(recorded.segments.map((g) => `${g.index}${g.lost}`));
    // Whatever the settings, the receivers end with the real bytes.
    for (const r of selectLadder(store.getState())!.receivers) expect(r.bytes).toEqual(realStream(r.side === "server" ? "client-1" : "server"));
  });
});
