// The hello-ack scenario on a real lab: every layer recorded, linked through `parents`.
import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runScenarioToFile } from "../../../src/main/cli/run-scenario.js";
import { readTraceFile } from "../../../src/main/trace/trace-reader.js";
import type { TraceEvent } from "../../../src/shared/trace/types.js";
import { indexTrace } from "../../helpers/trace-graph.js";

let events: TraceEvent[];
let file: string;

beforeAll(async () => {
  file = join(mkdtempSync(join(tmpdir(), "ss-")), "hello.ndjson");
  const result = await runScenarioToFile("hello-ack", file, { port: 0 });
  expect(result.error).toBeUndefined();
  events = result.events;
});

const find = (pred: (e: TraceEvent) => boolean): TraceEvent => {
  const e = events.find(pred);
  if (!e) throw new Error("event not found");
  return e;
};

describe("hello-ack trace", () => {
  it("holds the engine open packet with its sid, and the upgrade probe", () => {
    const open = find((e) => e.layer === "engine" && e.host === "server" && e.dir === "out" && e.type === "open");
    expect(open.layer === "engine" && JSON.parse(open.data!).sid).toMatch(/^[\w-]{20}$/);
    const probes = events.filter((e) => e.layer === "engine" && e.data === "probe").map((e) => (e.layer === "engine" ? `${e.host}:${e.dir}:${e.type}` : ""));
    expect(probes).toEqual(expect.arrayContaining(["client-1:out:ping", "server:in:ping", "server:out:pong", "client-1:in:pong"]));
    expect(events.some((e) => e.layer === "engine" && e.type === "upgrade" && e.host === "server" && e.dir === "in")).toBe(true);
  });

  it("follows the emit from the client's API to the server's handler and back to the ack callback through parents alone", () => {
    const { ancestors, byId } = indexTrace(events);
    const ackReceive = find((e) => e.layer === "api" && e.kind === "ack-receive" && e.host === "client-1");
    expect(ackReceive.layer === "api" && ackReceive.args).toEqual(["got it"]);
    const chain = ancestors(ackReceive.id);
    const has = (host: string, layer: string, kind: string, extra: (e: TraceEvent) => boolean = () => true) =>
      chain.some((e) => e.host === host && e.layer === layer && e.kind === kind && extra(e));
    // The way there: client api → socketio → engine → wire → tcp, server tcp → wire → engine → socketio → api.
    const emit = chain.find((e) => e.layer === "api" && e.kind === "emit")!;
    expect(emit.layer === "api" && emit.code).toBe('socket.emit("hello", "world", cb)');
    expect(has("client-1", "socketio", "packet", (e) => e.layer === "socketio" && /^2\d+\["hello","world"\]$/.test(e.encoded))).toBe(true);
    expect(has("client-1", "engine", "packet", (e) => e.layer === "engine" && e.dir === "out" && /^2\d+\["hello","world"\]$/.test(e.data ?? ""))).toBe(true);
    expect(has("client-1", "wire", "ws-frame", (e) => e.dir === "out")).toBe(true);
    expect(has("client-1", "tcp", "data", (e) => e.dir === "out")).toBe(true);
    expect(has("server", "tcp", "data", (e) => e.dir === "in")).toBe(true);
    expect(has("server", "wire", "ws-frame", (e) => e.dir === "in")).toBe(true);
    expect(has("server", "engine", "packet", (e) => e.dir === "in")).toBe(true);
    expect(has("server", "api", "receive", (e) => e.layer === "api" && e.event === "hello")).toBe(true);
    // The way back: the server's callback("got it") → ACK 3<id>["got it"] → … → the client's callback.
    expect(has("server", "api", "ack-send", (e) => e.layer === "api" && JSON.stringify(e.args) === '["got it"]')).toBe(true);
    expect(has("server", "socketio", "packet", (e) => e.layer === "socketio" && /^3\d+\["got it"\]$/.test(e.encoded))).toBe(true);
    expect(has("client-1", "socketio", "packet", (e) => e.layer === "socketio" && e.type === "ACK" && e.dir === "in")).toBe(true);
    expect(byId.get(emit.id)).toBe(emit);
  });

  it("gives each layer's event in the chain the exact wire strings", () => {
    const event = find((e) => e.layer === "socketio" && e.host === "client-1" && e.type === "EVENT");
    const engine = find((e) => e.layer === "engine" && e.parents?.includes(event.id) === true);
    const frame = find((e) => e.layer === "wire" && e.parents?.includes(engine.id) === true);
    expect(event.layer === "socketio" && event.encoded).toBe('20["hello","world"]');
    expect(engine.layer === "engine" && engine.type).toBe("message");
    expect(frame.layer === "wire" && frame.kind === "ws-frame" && frame.preview).toBe('420["hello","world"]');
    expect(frame.layer === "wire" && frame.kind === "ws-frame" && frame.masked).toBe(true);
    const ack = find((e) => e.layer === "socketio" && e.host === "server" && e.type === "ACK");
    expect(ack.layer === "socketio" && ack.encoded).toBe('30["got it"]');
  });

  it("sees every connection from both ends, with mirrored 4-tuples", () => {
    const opens = events.filter((e) => e.layer === "tcp" && e.kind === "open");
    const clientOpens = opens.filter((e) => e.layer === "tcp" && e.kind === "open" && e.role === "client");
    expect(clientOpens.length).toBeGreaterThanOrEqual(2);
    for (const c of clientOpens) {
      if (c.layer !== "tcp" || c.kind !== "open") continue;
      expect(c.local.ip).toBe("127.0.0.2");
      const peer = opens.find((s) => s.layer === "tcp" && s.kind === "open" && s.role === "server" && s.remote.port === c.local.port);
      expect(peer && peer.layer === "tcp" && peer.kind === "open" && [peer.local, peer.remote]).toEqual([c.remote, c.local]);
    }
  });

  it("passes the byte self-check on every connection", () => {
    const closes = events.filter((e) => e.layer === "tcp" && e.kind === "close");
    expect(closes.length).toBe(events.filter((e) => e.layer === "tcp" && e.kind === "open").length);
    for (const c of closes) if (c.layer === "tcp" && c.kind === "close") expect([c.conn, c.bytesIn, c.bytesOut, c.checked]).toEqual([c.conn, c.bytesRead, c.bytesWritten, true]);
    expect(events.filter((e) => e.layer === "lab" && e.kind === "error")).toEqual([]);
  });

  it("captured bytes of each direction, concatenated, are the stream the peer wrote", () => {
    // What one end read is what the other wrote; only a closing tail (a close frame written
    // while the lab shut down) may go unread when the reader closed first.
    const same = (wrote: Buffer, read: Buffer) => {
      expect(read.length).toBeLessThanOrEqual(wrote.length);
      expect(wrote.length - read.length).toBeLessThanOrEqual(16);
      expect(wrote.subarray(0, read.length).equals(read)).toBe(true);
    };
    const stream = (conn: string, dir: string) =>
      Buffer.concat(events.filter((e) => e.layer === "tcp" && e.kind === "data" && e.conn === conn && e.dir === dir).map((e) => Buffer.from(e.layer === "tcp" && e.kind === "data" ? e.bytes : "", "base64")));
    for (const o of events) {
      if (o.layer !== "tcp" || o.kind !== "open" || o.role !== "client" || !o.peer) continue;
      same(stream(o.conn!, "out"), stream(o.peer, "in"));
      same(stream(o.peer, "out"), stream(o.conn!, "in"));
    }
  });

  it("attributes polling requests and their batched payloads to their TCP connection", () => {
    const post = find((e) => e.layer === "wire" && e.kind === "http-request" && e.method === "POST" && e.host === "client-1");
    expect(post.conn).toMatch(/^client-1\/tcp\d+$/);
    const carried = (post.parents ?? []).map((p) => events.find((e) => e.id === p)!);
    expect(carried.every((e) => e.layer === "engine")).toBe(true);
    const get = find((e) => e.layer === "wire" && e.kind === "http-response" && e.host === "server" && e.preview.startsWith("0{"));
    expect(get.layer === "wire" && get.sid).toBeTruthy();
  });

  it("survives a write/read round trip of its trace file unchanged", async () => {
    const trace = await readTraceFile(file);
    expect(trace.header.scenario?.id).toBe("hello-ack");
    expect(trace.events).toEqual(JSON.parse(JSON.stringify(events)));
  });
});
