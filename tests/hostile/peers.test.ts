// A hostile peer against a real lab on port 0: compression bombs in an HTTP body and in a
// WebSocket frame, header and event names that are Object.prototype's, a fan-out of room
// names, a request for `/`, and free-play arguments nested 30,000 deep. The lab records what
// happened, serves the next client, and keeps its memory (RSS measured around the battery).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { deflateRawSync, gzipSync } from "node:zlib";
import { createLab, type Lab } from "../../src/main/lab/lab.js";
import { runCommand } from "../../src/main/lab/free-play.js";
import type { TraceEvent } from "../../src/shared/trace/types.js";
import { collectEvents } from "../helpers/lab-events.js";
import { waitFor } from "../helpers/wait-for.js";
import { clientFrame, exchange, rawWsPeer, settledRssMb } from "./helpers.js";

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.dispose();
  lab = undefined;
});

const collect = collectEvents;
const mentions = (events: TraceEvent[], text: string): TraceEvent[] => events.filter((e) => JSON.stringify(e).includes(text));
const labErrors = (events: TraceEvent[]): string[] => events.flatMap((e) => (e.layer === "lab" && e.kind === "error" ? [e.message] : []));

/** The lab still does its job: a new client emits hello and gets its ack. */
async function stillServes(l: Lab): Promise<void> {
  const client = await l.addClient({ transports: "websocket" });
  const reply = await new Promise((resolve) => client.socket("/").emit("hello", "world", resolve));
  expect(reply).toBe("got it");
}

const tried: string[] = [];
let rssBefore = 0;
// 256 MB of zeros: 250 KB gzipped, and that gzipped again is a couple of KB on the wire
let zeros: Buffer;
beforeAll(() => {
  rssBefore = settledRssMb();
  zeros = gzipSync(Buffer.alloc(256 * 1024 * 1024), { level: 9 });
});
afterAll(() => {
  const after = settledRssMb();
  console.log(`hostile peers: ${tried.length} inputs tried and held (${tried.join("; ")}); RSS ${rssBefore} MB before, ${after} MB after`);
  expect(after - rssBefore).toBeLessThan(150);
});

describe("a hostile peer", () => {
  it("sends a gzip bomb in a polling POST: the unit says the inflated payload is too big, the lab goes on", async () => {
    lab = await createLab({ port: 0 });
    const events = collect(lab);
    const bomb = gzipSync(zeros, { level: 9 });
    expect(bomb.length).toBeLessThan(4096);
    const open = await exchange(lab.port, `GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    const sid = /"sid":"([^"]+)"/.exec(open)?.[1];
    expect(sid).toBeDefined();
    const head = `POST /socket.io/?EIO=4&transport=polling&sid=${sid} HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Encoding: gzip, gzip\r\nContent-Length: ${bomb.length}\r\nConnection: close\r\n\r\n`;
    await exchange(lab.port, Buffer.concat([Buffer.from(head), bomb]));
    await waitFor(() => mentions(events, "inflated payload exceeds 1000000 bytes").length > 0, "the bomb's unit");
    await stillServes(lab);
    tried.push(`gzip,gzip bomb of ${bomb.length} bytes (256 MB inflated)`);
  });

  it("sends a permessage-deflate bomb (RSV1) in a WebSocket frame: the same", async () => {
    lab = await createLab({ port: 0 });
    const events = collect(lab);
    const peer = await rawWsPeer(lab.port);
    const deflated = deflateRawSync(Buffer.alloc(256 * 1024 * 1024), { level: 9 }).subarray(0, -4);
    peer.socket.write(clientFrame(1, Buffer.from(deflated), { rsv1: true }));
    await waitFor(() => mentions(events, "inflated payload exceeds 1000000 bytes").length > 0, "the bomb's frame");
    peer.socket.destroy();
    await stillServes(lab);
    tried.push(`deflate frame of ${deflated.length} bytes (256 MB inflated)`);
  });

  it("names headers constructor and __proto__: recorded as they came", async () => {
    lab = await createLab({ port: 0 });
    const events = collect(lab);
    const answer = await exchange(lab.port, `GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\nconstructor: y\r\n__proto__: z\r\nhasOwnProperty: w\r\nConnection: close\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    await waitFor(() => events.some((e) => e.layer === "wire" && e.kind === "http-request" && e.host === "server"), "the request");
    const req = events.find((e) => e.layer === "wire" && e.kind === "http-request" && e.host === "server");
    const headers = (req as { headers: Record<string, string> }).headers;
    expect(Object.hasOwn(headers, "constructor") && headers.constructor).toBe("y");
    // biome-ignore lint/suspicious/noProto: the test reads a header a peer named __proto__
    expect(Object.hasOwn(headers, "__proto__") && headers["__proto__"]).toBe("z");
    expect(Object.hasOwn(headers, "hasownproperty") && headers["hasownproperty"]).toBe("w");
    // and the trace line says so
    expect(JSON.stringify(req)).toContain('"__proto__":"z"');
    tried.push("headers constructor, __proto__, hasOwnProperty");
  });

  it("emits an event named error: a receive, not a lab error", async () => {
    lab = await createLab({ port: 0 });
    const events = collect(lab);
    const peer = await rawWsPeer(lab.port);
    peer.socket.write(clientFrame(1, Buffer.from("40")));
    await waitFor(() => events.some((e) => e.layer === "api" && e.kind === "connect" && e.host === "server"), "the connect");
    peer.socket.write(clientFrame(1, Buffer.from('42["error","not really"]')));
    await waitFor(() => events.some((e) => e.layer === "api" && e.kind === "receive" && e.event === "error"), "the receive");
    expect(labErrors(events).filter((m) => /not really|undefined/.test(m))).toEqual([]);
    peer.socket.destroy();
    await stillServes(lab);
    tried.push('event "error"');
  });

  it("asks for / on the Socket.IO port: 404 with a short text", async () => {
    lab = await createLab({ port: 0 });
    const answer = await exchange(lab.port, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(answer).toMatch(/^HTTP\/1\.1 404 /);
    expect(answer).toContain("this port serves Socket.IO at /socket.io/");
    tried.push("GET /");
  });

  it("joins 5,000 rooms at once on /chat: one join and one leave event list them", async () => {
    lab = await createLab({ port: 0 });
    const events = collect(lab);
    const peer = await rawWsPeer(lab.port);
    peer.socket.write(clientFrame(1, Buffer.from("40/chat,")));
    await waitFor(() => events.some((e) => e.layer === "api" && e.kind === "connect" && e.host === "server" && e.nsp === "/chat"), "the connect");
    const rooms = Array.from({ length: 5000 }, (_, i) => `r${i}`);
    const sent = `42/chat,["join",${JSON.stringify(rooms)}]`;
    peer.socket.write(clientFrame(1, Buffer.from(sent)));
    await waitFor(() => events.some((e) => e.layer === "api" && e.kind === "join"), "the join");
    peer.socket.destroy();
    await waitFor(() => events.some((e) => e.layer === "api" && e.kind === "leave"), "the leave");
    const joins = events.filter((e) => e.layer === "api" && e.kind === "join");
    const leaves = events.filter((e) => e.layer === "api" && e.kind === "leave");
    expect(joins).toHaveLength(1);
    expect(leaves).toHaveLength(1);
    expect((joins[0] as { rooms?: string[] }).rooms).toEqual(rooms);
    expect((leaves[0] as { rooms?: string[] }).rooms).toHaveLength(5000);
    tried.push(`join of 5,000 rooms (${sent.length} bytes sent, join+leave events ${JSON.stringify(joins).length + JSON.stringify(leaves).length} bytes)`);
  });

  it("queues a free-play emit nested 30,000 deep for a disconnected client: refused, nothing queued", async () => {
    lab = await createLab({ port: 0 });
    const client = await lab.addClient({ transports: "websocket" });
    client.socket("/").disconnect();
    const deep = "[".repeat(30_000) + "]".repeat(30_000);
    const r = await runCommand(lab, { type: "emit", from: client.id, event: "hello", args: deep });
    expect(r).toEqual({ ok: false, message: "arguments: nests deeper than 32 levels" });
    client.socket("/").connect();
    await waitFor(() => client.socket("/").connected, "the reconnect");
    await stillServes(lab);
    tried.push("emit args nested 30,000 deep");
  });
});
