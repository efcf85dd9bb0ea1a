// Namespace multiplexing: one client's three namespaces share one engine sid and, after
// the upgrade, one TCP connection.
import { describe, expect, it } from "vitest";
import { runScenarioToFile } from "../../../src/main/cli/run-scenario.js";

describe("namespaces scenario", () => {
  it("multiplexes /, /chat and /streaming-response over one engine session and one TCP connection", async () => {
    const { events, error } = await runScenarioToFile("namespaces", undefined, { port: 0 });
    expect(error).toBeUndefined();
    const connects = events.filter((e) => e.layer === "socketio" && e.host === "client-1" && e.dir === "out" && e.type === "CONNECT");
    expect(connects.map((e) => (e.layer === "socketio" ? e.nsp : "")).sort()).toEqual(["/", "/chat", "/streaming-response"]);
    // Each namespace gets its own socket id; the engine sid is one.
    const apiConnects = events.filter((e) => e.layer === "api" && e.kind === "connect" && e.host === "client-1");
    const socketIds = new Set(apiConnects.map((e) => (e.layer === "api" ? e.socketId : "")));
    expect(socketIds.size).toBe(3);
    const sids = new Set(events.filter((e) => e.layer === "engine" && e.host === "client-1" && e.sid).map((e) => (e.layer === "engine" ? e.sid : "")));
    expect(sids.size).toBe(1);
    expect(socketIds.has([...sids][0]!)).toBe(false);
    // After the upgrade, every namespace's packets ride the same WebSocket connection.
    const frames = events.filter((e) => e.layer === "wire" && e.kind === "ws-frame" && e.host === "client-1" && e.dir === "in" && e.preview.startsWith("42/streaming-response"));
    expect(frames.length).toBeGreaterThan(2);
    const chatOrRoot = events.filter((e) => e.layer === "wire" && e.kind === "ws-frame" && e.host === "client-1" && /^4[23]/.test(e.preview));
    expect(new Set([...frames, ...chatOrRoot].map((e) => e.conn)).size).toBe(1);
    // The handshake query reached the server: the bot says who it is.
    const ready = events.find((e) => e.layer === "api" && e.kind === "receive" && e.host === "client-1" && e.event === "ready");
    expect(ready && ready.layer === "api" && ready.args).toEqual([{ botId: "bot-42", sourceNode: "lab", channel: "web" }]);
    // The second client has its own connection and sid.
    const other = new Set(events.filter((e) => e.layer === "engine" && e.host === "client-2" && e.sid).map((e) => (e.layer === "engine" ? e.sid : "")));
    expect(other.size).toBe(1);
    expect([...other][0]).not.toBe([...sids][0]);
  });
});
