// The delivery scenario on a real lab (port 0): a late ACK that runs no callback, a retried
// emit (two EVENTs, same arguments, different ack ids, two server receives, one callback), a
// broadcast ack answered in part, and volatile emits recorded as dropped with no packet.
import { beforeAll, describe, expect, it } from "vitest";
import { runScenarioToFile } from "../../../src/main/cli/run-scenario.js";
import type { TraceEvent } from "../../../src/shared/trace/types.js";

let events: TraceEvent[];

beforeAll(async () => {
  const result = await runScenarioToFile("delivery", undefined, { port: 0 });
  expect(result.error).toBeUndefined();
  events = result.events;
}, 60_000);

const sio = (host: string, dir: "in" | "out") => events.flatMap((e) => (e.layer === "socketio" && e.host === host && e.dir === dir ? [e] : []));
const api = (host: string, kind: string) => events.flatMap((e) => (e.layer === "api" && e.host === host && e.kind === kind ? [e] : []));

describe("delivery", () => {
  it("ignores the ACK that comes after the timeout: no callback runs for it", () => {
    const late = sio("client-1", "in").find((p) => p.encoded === '30["done after 500 ms"]');
    expect(late).toBeDefined();
    const acks = api("client-1", "ack-receive");
    expect(acks.filter((a) => a.parents?.includes(late!.id))).toEqual([]);
    const timedOut = acks.find((a) => a.reason === "operation has timed out");
    expect(timedOut!.id).toBeLessThan(late!.id);
  });

  it("sends a retried emit twice, same arguments, new ack id; the handler runs twice, the callback once", () => {
    const saves = sio("client-2", "out").filter((p) => p.type === "EVENT" && JSON.stringify(p.data) === '["save","x"]');
    expect(saves.map((p) => [p.encoded, p.ackId])).toEqual([
      ['20["save","x"]', 0],
      ['21["save","x"]', 1],
    ]);
    const emits = api("client-2", "emit").filter((e) => e.event === "save");
    expect(emits.map((e) => e.attempt)).toEqual([1, 2]);
    expect(api("server", "receive").filter((e) => e.event === "save")).toHaveLength(2);
    const callbacks = api("client-2", "ack-receive");
    expect(callbacks).toHaveLength(1);
    // The callback names the ACK of the second try and that try's emit.
    const stored = sio("client-2", "in").find((p) => p.encoded === '31["stored"]')!;
    expect(callbacks[0]!.parents).toEqual([stored.id, emits[1]!.id]);
  });

  it("fans one broadcast packet out and gets a partial answer with an error", () => {
    const poll = sio("server", "out").filter((p) => p.encoded === '20["poll","ready?"]');
    expect(poll).toHaveLength(1);
    const carried = events.filter((e) => e.layer === "engine" && e.host === "server" && e.dir === "out" && e.parents?.includes(poll[0]!.id));
    expect(carried).toHaveLength(3);
    expect(sio("server", "in").filter((p) => p.encoded === '30["yes"]')).toHaveLength(2);
    expect(events.some((e) => e.layer === "lab" && e.kind === "log" && e.host === "server" && e.text === 'operation has timed out ["yes","yes"]')).toBe(true);
  });

  it("records the volatile emits dropped while polling is busy, and encodes no packet for them", () => {
    const emits = api("client-4", "emit").filter((e) => e.event === "position");
    expect(emits.map((e) => [e.args?.[0], e.dropped === true])).toEqual([
      ["v0", false],
      ["v1", true],
      ["v2", true],
      ["v3", true],
      ["v4", true],
      ["r0", false],
      ["r1", false],
      ["r2", false],
      ["r3", false],
      ["r4", false],
    ]);
    expect(emits.filter((e) => e.dropped).every((e) => e.code?.startsWith('socket.volatile.emit("position"') && /not writable/.test(e.reason ?? ""))).toBe(true);
    expect(sio("client-4", "out").filter((p) => p.type === "EVENT").map((p) => p.encoded)).toEqual(["v0", "r0", "r1", "r2", "r3", "r4"].map((v) => `2["position","${v}"]`));
    // r0 … r4 ride in one POST: their engine packets are all parents of one wire unit.
    const rIds = new Set(events.filter((e) => e.layer === "engine" && e.host === "client-4" && e.dir === "out" && /"r\d"/.test(e.data ?? "")).map((e) => e.id));
    const post = events.find((e) => e.layer === "wire" && e.host === "client-4" && e.kind === "http-request" && e.method === "POST" && [...rIds].every((id) => e.parents?.includes(id)));
    expect(rIds.size).toBe(5);
    expect(post).toBeDefined();
    const logged = events.flatMap((e) => (e.layer === "lab" && e.kind === "log" && e.host === "server" && /^[vr]\d$/.test(e.text) ? [e.text] : []));
    expect(logged).toEqual(["v0", "r0", "r1", "r2", "r3", "r4"]);
  });
});
