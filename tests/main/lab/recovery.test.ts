// The recovery scenario on a real lab (port 0): with connectionStateRecovery the client comes
// back with pid and offset, the missed events are replayed before the CONNECT reply and the
// socket id is kept; after a restart without it, the same drop loses the event.
import { beforeAll, describe, expect, it } from "vitest";
import { runScenarioToFile } from "../../../src/main/cli/run-scenario.js";
import type { TraceEvent } from "../../../src/shared/trace/types.js";

let events: TraceEvent[];

beforeAll(async () => {
  const result = await runScenarioToFile("recovery", undefined, { port: 0 });
  expect(result.error).toBeUndefined();
  events = result.events;
}, 60_000);

const clientIn = () => events.flatMap((e) => (e.layer === "socketio" && e.host === "client-1" && e.dir === "in" ? [e] : []));
const connects = () => events.flatMap((e) => (e.layer === "socketio" && e.host === "client-1" && e.dir === "out" && e.type === "CONNECT" ? [e] : []));

describe("recovery", () => {
  it("answers the first CONNECT with sid and pid, and adds an offset to each broadcast", () => {
    const first = clientIn().find((p) => p.type === "CONNECT")!;
    expect(first.encoded).toMatch(/^0\{"sid":"[\w-]+","pid":"[\w-]+"\}$/);
    expect(clientIn().find((p) => p.type === "EVENT")!.encoded).toMatch(/^2\["news","first","[\w.-]+"\]$/);
  });

  it("cuts the TCP connection (FIN, no WebSocket close frame) and the client reconnects with pid and offset", () => {
    const cut = events.find((e) => e.layer === "lab" && e.kind === "fault" && e.fault === "cut")!;
    const closes = events.filter((e) => e.layer === "tcp" && e.kind === "close" && e.host === "client-1" && e.id > cut.id);
    expect(closes[0]).toMatchObject({ ended: "fin", closedBy: "local" });
    const closeFrames = events.filter((e) => e.layer === "wire" && e.kind === "ws-frame" && e.opcode === 8 && e.id > cut.id && e.id < closes[0]!.id);
    expect(closeFrames).toEqual([]);
    const pid = (clientIn().find((p) => p.type === "CONNECT")!.data as { pid: string }).pid;
    const offset = clientIn().find((p) => p.type === "EVENT")!.encoded.match(/"([\w.-]+)"\]$/)![1];
    expect(connects()[1]!.encoded).toBe(`0{"pid":"${pid}","offset":"${offset}"}`);
  });

  it("replays the missed events before the CONNECT reply, under the same socket id", () => {
    const replies = clientIn().filter((p) => p.type === "CONNECT");
    const [first, second] = replies;
    const replayed = clientIn().filter((p) => p.type === "EVENT" && /missed [12]/.test(p.encoded));
    expect(replayed).toHaveLength(2);
    expect(replayed.every((p) => p.id > first!.id && p.id < second!.id)).toBe(true);
    expect((second!.data as { sid: string }).sid).toBe((first!.data as { sid: string }).sid);
    expect(events.some((e) => e.layer === "lab" && e.kind === "log" && e.host === "client-1" && e.text === "recovered: true, same id: true")).toBe(true);
  });

  it("without recovery: a plain CONNECT, a new id, and the missed event lost", () => {
    expect(connects().at(-1)!.encoded).toBe("0");
    expect(clientIn().some((p) => p.encoded.includes("missed 3"))).toBe(false);
    const missed = events.find((e) => e.layer === "api" && e.kind === "broadcast" && e.args?.[0] === "missed 3");
    expect(missed).toMatchObject({ recipients: 0 });
    expect(events.some((e) => e.layer === "lab" && e.kind === "log" && e.host === "client-1" && e.text === "recovered: false, same id: false")).toBe(true);
  });
});
