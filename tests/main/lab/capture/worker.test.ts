// The captures in a worker thread (`captureIn: "worker"`): the same trace as on Socket.IO's own
// thread, every layer linked the same way; lab code's events, questions and waits answered in
// order with the probes' records; a record that cannot cross threads goes as plain data; and a
// capture that stops following a connection has its tap removed on the lab's side (a crash that
// still writes every recorded event is in records-later.test.ts). Real servers and clients on
// loopback.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Socket as ServerSocket } from "socket.io";
import { afterEach, describe, expect, it } from "vitest";
import { createCaptureSet } from "../../../../src/main/lab/capture/capture-set.js";
import { RecordWriter } from "../../../../src/main/lab/capture/worker/record-codec.js";
import { CaptureWorkerUnavailable, startCaptureWorker } from "../../../../src/main/lab/capture/worker/remote-captures.js";
import { createLab, type Lab } from "../../../../src/main/lab/lab.js";
import { connected, emitWithAck } from "../../../../src/main/lab/scenarios/scenario.js";
import { createScaleOutLab } from "../../../../src/main/lab/scale-out/scale-out-lab.js";
import { createRecorder } from "../../../../src/main/trace/recorder.js";
import { TRACE_FORMAT, TRACE_VERSION, type TraceEvent, type TraceHeader } from "../../../../src/shared/trace/types.js";
import { indexTrace } from "../../../helpers/trace-graph.js";
import { traceSignature } from "../../../helpers/trace-signature.js";
import { waitFor } from "../../../helpers/wait-for.js";

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.dispose();
  lab = undefined;
});

/** One script, run in a lab: a client over each transport, acked emits with text and bytes, a room, a namespace, a disconnect. */
async function script(captureIn: "thread" | "worker"): Promise<TraceEvent[]> {
  const l = await createLab({ port: 0, captureIn });
  lab = l;
  l.server!.of("/").on("connection", (socket: ServerSocket) => {
    socket.on("bytes", (data: Buffer, callback: (reply: unknown) => void) => callback({ length: data.length, echo: data }));
    socket.on("join", (room: string, callback: () => void) => {
      void socket.join(room);
      callback();
    });
  });
  const polling = await l.addClient({ transports: "polling" });
  const ws = await l.addClient({ transports: "websocket" });
  const sp = polling.socket("/");
  const sw = ws.socket("/");
  await Promise.all([connected(sp), connected(sw)]);
  expect(await emitWithAck(sp, "hello", "over polling")).toEqual(["got it"]);
  expect(await emitWithAck(sw, "hello", { nested: [1, "two", { three: 3 }] })).toEqual(["got it"]);
  await emitWithAck(sw, "bytes", Buffer.from([0xde, 0xad, 0xbe, 0xef]));
  await emitWithAck(sw, "join", "room-1");
  const chat = ws.socket("/chat");
  await connected(chat);
  await l.removeClient(polling.id);
  await l.dispose();
  lab = undefined;
  return l.recorder.recent();
}

/** A lab with its captures in a worker, and one WebSocket client connected to it. */
async function workerLabClient() {
  const l = await createLab({ port: 0, captureIn: "worker" });
  lab = l;
  const client = await l.addClient({ transports: "websocket" });
  const socket = client.socket("/");
  await connected(socket);
  return { lab: l, client, socket };
}

describe("captures in a worker thread", () => {
  it("make the same trace as on Socket.IO's thread: the same events per host and layer, linked the same way", async () => {
    const here = await script("thread");
    const there = await script("worker");
    expect(traceSignature(there)).toEqual(traceSignature(here));
    const count = (events: TraceEvent[]) => events.filter((e) => e.layer !== "tcp" && e.layer !== "lab" && (e.parents ?? []).length > 0).length;
    expect(count(there)).toBe(count(here));
    // Ids are dense and in order; every parent is an earlier event of the trace.
    expect(there.map((e) => e.id)).toEqual(there.map((_, i) => i + 1));
    for (const e of there) for (const p of e.parents ?? []) expect(p).toBeLessThan(e.id);
    // An emit's chain reaches down to the bytes: api ← socketio ← engine ← wire ← tcp.
    const index = indexTrace(there);
    const receive = there.find((e) => e.layer === "api" && e.kind === "receive" && e.host === "server" && e.event === "bytes")!;
    expect(receive.layer === "api" && receive.args).toEqual([{ _binary: Buffer.from([0xde, 0xad, 0xbe, 0xef]).toString("base64"), length: 4 }]);
    const layers = new Set(index.ancestors(receive.id).map((e) => e.layer));
    for (const layer of ["api", "socketio", "engine", "wire", "tcp"]) expect(layers).toContain(layer);
  }, 60_000);

  it("answer the lab's own events, counts, connections and subscribers in order with the probes' records", async () => {
    lab = await createLab({ port: 0, captureIn: "worker" });
    const heard: TraceEvent[] = [];
    const unsubscribe = lab.recorder.subscribe((batch) => heard.push(...batch));
    const client = await lab.addClient({ transports: "websocket" });
    const socket = client.socket("/");
    await connected(socket);
    expect(await emitWithAck(socket, "hello", "world")).toEqual(["got it"]);
    // Lab code's event gets the next id, after every event the probes' records made before it.
    const before = lab.recorder.count;
    const id = lab.recorder.record({ layer: "lab", kind: "log", host: "server", text: "a step marker" });
    expect(id).toBe(before + 1);
    expect(lab.recorder.since(before).map((e) => e.id)).toEqual([id]);
    expect(lab.recorder.recent().at(-1)).toMatchObject({ id, layer: "lab", kind: "log", text: "a step marker" });
    // The capture's view of the open connections (its 4-tuples), asked of the worker.
    const conns = lab.connections();
    expect(conns.filter((c) => c.host === client.id)).toHaveLength(1);
    expect(conns.find((c) => c.host === client.id)?.peer?.host).toBe("server");
    // A subscriber hears every event, a little later.
    await waitFor(() => heard.some((e) => e.id === id), "the subscriber to hear the marker");
    expect(heard.map((e) => e.id)).toEqual(heard.map((_, i) => heard[0]!.id + i));
    unsubscribe();
    // A client's close waits for its connections to close (asked of the worker), then the lab forgets it.
    await lab.removeClient(client.id);
    expect(lab.connections().filter((c) => c.host === client.id)).toEqual([]);
    const closes = lab.recorder.recent().filter((e) => e.layer === "tcp" && e.kind === "close" && e.host === client.id);
    expect(closes.length).toBeGreaterThan(0);
  }, 30_000);

  it("hand each batch to a subscriber that reads the trace in its turn (a step's wait), while lab code records", async () => {
    lab = await createLab({ port: 0, captureIn: "worker" });
    const l = lab;
    const seen: number[] = [];
    let latest = 0;
    l.recorder.subscribe((batch) => {
      seen.push(...batch.map((e) => e.id));
      // A synchronous call from inside a delivery, as lossy-tcp's step wait makes one.
      latest = l.recorder.recent().at(-1)?.id ?? 0;
    });
    const client = await l.addClient({ transports: "websocket" });
    const socket = client.socket("/");
    await connected(socket);
    for (let i = 0; i < 5; i++) {
      expect(await emitWithAck(socket, "hello", `round ${i}`)).toEqual(["got it"]);
      l.recorder.record({ layer: "lab", kind: "log", host: "server", text: `marker ${i}` });
    }
    const last = l.recorder.count;
    await waitFor(() => seen.includes(last), "the subscriber to hear the last event");
    expect(seen).toEqual(seen.map((_, i) => seen[0]! + i));
    expect(latest).toBeGreaterThan(0);
    expect(l.recorder.recent().filter((e) => e.layer === "lab" && e.kind === "error")).toEqual([]);
  }, 30_000);

  it("say so once the worker stops, answer at once from then on, and still close", async () => {
    const { lab: l, socket } = await workerLabClient();
    // A record the worker has no capture for makes it throw outside any capture: it exits.
    l.correlator.queue.register("unknown-here", () => {});
    l.correlator.queue.pushNamed("unknown-here", { t: l.recorder.now() });
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    const events = l.recorder.recent();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(events.at(-1)).toMatchObject({ layer: "lab", kind: "error", code: "CAPTURE_FAILED" });
    expect(l.connections()).toEqual([]);
    // The lab goes on untraced: the emit is answered, the lab closes.
    expect(await emitWithAck(socket, "hello", "untraced")).toEqual(["got it"]);
    await l.dispose();
    lab = undefined;
  }, 30_000);

  it("show an emit with a function in its arguments as it went over the wire, and a record that cannot cross threads as plain data", async () => {
    const { lab: l, client, socket } = await workerLabClient();
    expect(await emitWithAck(socket, "hello", { note: "with a function", fn: () => 1 })).toEqual(["got it"]);
    // A record holding a function (no probe makes one today): posted as its plain copy, in its turn.
    l.correlator.queue.pushNamed("api", { kind: "log", host: "server", text: "a record with a function", t: l.recorder.now(), extra: () => 1 });
    expect(await emitWithAck(socket, "hello", "after it")).toEqual(["got it"]);
    const events = l.recorder.recent();
    const emits = events.filter((e) => e.layer === "api" && e.kind === "emit" && e.host === client.id && e.event === "hello");
    // JSON leaves the function out of the packet; the trace shows the packet's data, as on Socket.IO's thread.
    expect(emits.map((e) => (e.layer === "api" ? e.args : undefined))).toEqual([[{ note: "with a function" }], ["after it"]]);
    expect(events.some((e) => e.layer === "lab" && e.kind === "log" && e.text === "a record with a function")).toBe(true);
    expect(events.filter((e) => e.layer === "lab" && e.kind === "error")).toEqual([]);
  }, 30_000);

  it("run a scaled-out lab's shared capture: both ends of the balancer's connections, the nodes' sessions", async () => {
    const scaled = await createScaleOutLab({ port: 0, captureIn: "worker", scaleOut: { nodes: 2, balance: "sticky-sid", adapter: "cluster" } });
    lab = scaled;
    const client = await scaled.addClient({ transports: "websocket" });
    const socket = client.socket("/");
    await connected(socket);
    expect(await emitWithAck(socket, "hello", "through the balancer")).toEqual(["got it"]);
    const events = scaled.recorder.recent();
    const hosts = new Set(events.filter((e) => e.layer === "tcp" && e.kind === "open").map((e) => e.host));
    expect(hosts).toContain("balancer");
    expect(hosts).toContain(client.id);
    const receive = events.find((e) => e.layer === "api" && e.kind === "receive" && e.host.startsWith("node-"));
    expect(receive?.parents?.length).toBeGreaterThan(0);
  }, 60_000);
});

describe("a worker's capture that fails on a connection", () => {
  it("records one error and tells the lab's side which tap to remove", () => {
    const header: TraceHeader = { format: TRACE_FORMAT, version: TRACE_VERSION, createdAt: new Date().toISOString(), app: { name: "test", version: "0" } };
    const recorder = createRecorder({ header });
    const stopped: string[] = [];
    const capture = createCaptureSet(recorder, "lab", { onStopped: (id) => stopped.push(id) });
    const queue = capture.correlator.queue;
    // The batch as the lab's side writes it.
    const writer = new RecordWriter();
    writer.write("tcp", "client-1/tcp1", 1, { kind: "tapped", t: 1, host: "client-1", role: "client" });
    writer.write("tcp", "client-1/tcp1", 2, { kind: "connect", t: 2, local: { ip: "127.0.0.2", port: 40000 }, remote: { ip: "127.0.0.1", port: 3000 } });
    // A record no capture knows: the capture of this connection fails on it.
    writer.write("tcp", "client-1/tcp1", 3, { kind: "bogus", t: 3 });
    queue.receive({ count: writer.count, bytes: writer.take()! });
    queue.drain();
    expect(stopped).toEqual(["client-1/tcp1"]);
    const errors = recorder.recent().filter((e) => e.layer === "lab" && e.kind === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: "CAPTURE_FAILED", conn: "client-1/tcp1" });
    recorder.close();
  });
});

describe("a capture worker that falls behind", () => {
  it("makes the lab's thread wait once its backlog passes the bound, and misses nothing", async () => {
    const header: TraceHeader = { format: TRACE_FORMAT, version: TRACE_VERSION, createdAt: new Date().toISOString(), app: { name: "test", version: "0" } };
    const worker = await startCaptureWorker({ header, shape: "lab", maxLagBytes: 16 * 1024 });
    const l = await createLab({ port: 0, recorder: worker.recorder, capture: worker.capture });
    try {
      const client = await l.addClient({ transports: "websocket" });
      const socket = client.socket("/");
      await connected(socket);
      for (let round = 0; round < 20; round++) await Promise.all(Array.from({ length: 50 }, (_, i) => emitWithAck(socket, "hello", `burst ${round}/${i}`)));
      expect(worker.lag().waits).toBeGreaterThan(0);
      const events = l.recorder.recent();
      expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
      const acked = events.filter((e) => e.layer === "api" && e.kind === "ack-receive" && e.host === client.id);
      expect(acked).toHaveLength(1000);
    } finally {
      await l.dispose();
      worker.recorder.close();
    }
  }, 60_000);
});

describe("a capture worker that cannot start", () => {
  const header: TraceHeader = { format: TRACE_FORMAT, version: TRACE_VERSION, createdAt: new Date().toISOString(), app: { name: "test", version: "0" } };

  it("is said to be unavailable when its entry is missing from the build, or when it fails as it starts", async () => {
    await expect(startCaptureWorker({ header, shape: "lab", entry: pathToFileURL(join(tmpdir(), "no-such-capture-worker.js")) })).rejects.toThrow(CaptureWorkerUnavailable);
    const dir = mkdtempSync(join(tmpdir(), "ss-bad-worker-"));
    try {
      const bad = join(dir, "capture-worker.mjs");
      writeFileSync(bad, 'throw new Error("broken build");\n');
      await expect(startCaptureWorker({ header, shape: "lab", entry: pathToFileURL(bad) })).rejects.toThrow(/could not start: broken build/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a lab that fails as it starts", () => {
  it("closes the capture worker it made (no thread, no port left behind)", async () => {
    const settle = () => new Promise((r) => setTimeout(r, 100));
    await settle();
    const before = process.getActiveResourcesInfo().filter((r) => r === "MessagePort" || r === "Worker").length;
    // An address this machine does not have: the server cannot listen.
    await expect(createLab({ port: 0, bind: "192.0.2.123", captureIn: "worker" })).rejects.toThrow();
    await settle();
    const after = process.getActiveResourcesInfo().filter((r) => r === "MessagePort" || r === "Worker").length;
    expect(after).toBe(before);
  }, 30_000);
});
