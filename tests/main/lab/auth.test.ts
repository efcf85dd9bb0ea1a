// The auth scenario on a real lab (port 0): CONNECT_ERROR for a bad token and no reconnection
// by itself, the right token let in after socket.connect(), an HTTP 400 for an unknown sid.
import { beforeAll, describe, expect, it } from "vitest";
import { runScenarioToFile } from "../../../src/main/cli/run-scenario.js";
import type { TraceEvent } from "../../../src/shared/trace/types.js";

let events: TraceEvent[];

beforeAll(async () => {
  const result = await runScenarioToFile("auth", undefined, { port: 0 });
  expect(result.error).toBeUndefined();
  events = result.events;
}, 60_000);

describe("auth", () => {
  it("refuses the bad token with CONNECT_ERROR 44/admin,{…} and the client does not reconnect by itself", () => {
    const refusal = events.find((e) => e.layer === "socketio" && e.host === "client-1" && e.dir === "in" && e.type === "CONNECT_ERROR");
    expect(refusal).toMatchObject({ nsp: "/admin", encoded: '4/admin,{"message":"not authorized","data":{"content":"Please retry later"}}' });
    const frame = events.find((e) => e.layer === "wire" && e.host === "client-1" && e.dir === "in" && e.kind === "ws-frame" && e.preview.startsWith("44/admin,"));
    expect(frame).toBeDefined();
    expect(events.filter((e) => e.layer === "api" && (e.kind === "reconnect_attempt" || e.kind === "reconnect"))).toEqual([]);
    expect(events.some((e) => e.layer === "lab" && e.kind === "log" && e.host === "client-1" && e.text.endsWith("active: false"))).toBe(true);
    // Between the refusal and the lesson's own socket.connect(), no connection is opened.
    const step2 = events.find((e) => e.layer === "lab" && e.kind === "step" && e.index === 1)!;
    expect(events.filter((e) => e.layer === "tcp" && e.kind === "open" && e.host === "client-1" && e.id > refusal!.id && e.id < step2.id)).toEqual([]);
  });

  it("lets the right token in after socket.connect()", () => {
    const connect = events.find((e) => e.layer === "api" && e.kind === "connect" && e.host === "client-1" && e.nsp === "/admin");
    expect(connect).toBeDefined();
    // The new engine is traced too: its open packet was recorded.
    const opens = events.filter((e) => e.layer === "engine" && e.host === "client-1" && e.dir === "in" && e.type === "open");
    expect(opens).toHaveLength(2);
  });

  it("shows the engine's HTTP 400 for an unknown sid as an HTTP response with its code", () => {
    const response = events.find((e) => e.layer === "wire" && e.kind === "http-response" && e.host === "client-1" && e.status === 400);
    expect(response).toMatchObject({ preview: '{"code":1,"message":"Session ID unknown"}', sid: "made-up-sid" });
    expect(events.find((e) => e.layer === "lab" && e.kind === "error" && e.host === "server")).toMatchObject({ level: "notice", code: "1" });
  });
});
