// The captures apply the probes' records at the end of the turn (record-queue.ts), after the
// application's code has run on: what the trace shows must still be what happened at the
// moment of each record. Arguments an application changes after it emitted them, a handler
// changes after it got them, or a callback changes in its reply, are shown as they were; and a
// process that dies before the end of the turn still writes what its probes reported.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { Socket as ServerSocket } from "socket.io";
import { createLab, type Lab } from "../../../../src/main/lab/lab.js";
import { connected } from "../../../../src/main/lab/scenarios/scenario.js";
import { readTraceFile } from "../../../../src/main/trace/trace-reader.js";
import type { TraceEvent } from "../../../../src/shared/trace/types.js";

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.dispose();
  lab = undefined;
});
const dir = mkdtempSync(join(tmpdir(), "socketscope-later-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const api = (events: TraceEvent[], host: string, kind: string) => events.filter((e) => e.layer === "api" && e.host === host && e.kind === kind && (!("event" in e) || e.event === undefined || e.event === "change"));

describe("records applied after the application ran on", () => {
  it("show arguments as they were emitted, received and answered, though the application changed them since", async () => {
    lab = await createLab({ port: 0 });
    lab.server!.of("/").on("connection", (socket: ServerSocket) => {
      socket.on("change", (arg: { seen?: string }, callback: (reply: { n: number }) => void) => {
        arg.seen = "changed by the handler";
        const reply = { n: 1 };
        callback(reply);
        reply.n = 2;
      });
    });
    const client = await lab.addClient({ transports: "websocket" });
    const socket = client.socket("/");
    await connected(socket);
    const sent = { a: 1 };
    const answered = new Promise<void>((resolve) =>
      socket.emit("change", sent, (reply: { n: number }) => {
        reply.n = 3;
        resolve();
      }),
    );
    sent.a = 2;
    await answered;
    const events = lab.recorder.recent();
    const args = (host: string, kind: string) => api(events, host, kind).map((e) => (e.layer === "api" ? e.args : undefined));
    expect(args(client.id, "emit")).toEqual([[{ a: 1 }]]);
    expect(args("server", "receive")).toEqual([[{ a: 1 }]]);
    expect(args("server", "ack-send")).toEqual([[{ n: 1 }]]);
    expect(args(client.id, "ack-receive")).toEqual([[{ n: 1 }]]);
    // The packets show the same: what went over the wire.
    const packets = events.filter((e) => e.layer === "socketio" && e.kind === "packet").map((e) => (e.layer === "socketio" ? `${e.host} ${e.dir} ${e.encoded}` : ""));
    expect(packets).toEqual(expect.arrayContaining([`${client.id} out 20["change",{"a":1}]`, `server in 20["change",{"a":1}]`, `server out 30[{"n":1}]`, `${client.id} in 30[{"n":1}]`]));
  });

  it("show a sent packet's data as it went over the wire (decoded from what the encoder wrote), binary attachments as they were sent", async () => {
    lab = await createLab({ port: 0 });
    lab.server!.of("/").on("connection", (socket: ServerSocket) => {
      // The reply is a Date too: the api ack-send shows it as its ACK packet does.
      socket.on("when", (_at: unknown, _err: unknown, callback: (reply: Date) => void) => callback(new Date(Date.UTC(2026, 11, 4, 12, 0, 1))));
      socket.on("bytes", (_b: unknown, callback: () => void) => callback());
    });
    const client = await lab.addClient({ transports: "websocket" });
    const socket = client.socket("/");
    await connected(socket);
    const at = new Date(Date.UTC(2026, 11, 4, 12, 0, 0));
    let replied: unknown;
    await new Promise<void>((resolve) =>
      socket.emit("when", at, new Error("boom"), (reply: unknown) => {
        replied = reply;
        resolve();
      }),
    );
    expect(replied).toBe("2026-12-04T12:00:01.000Z");
    const bytes = Buffer.from("sent");
    const done = new Promise<void>((resolve) => socket.emit("bytes", bytes, () => resolve()));
    bytes.fill(0x7a);
    await done;
    const events = lab.recorder.recent();
    // JSON on the wire: a Date is its ISO string, an Error has no own enumerable fields.
    const sentWhen = events.find((e) => e.layer === "socketio" && e.host === client.id && e.dir === "out" && e.type === "EVENT" && Array.isArray(e.data) && e.data[0] === "when");
    expect(sentWhen?.layer === "socketio" && sentWhen.data).toEqual(["when", "2026-12-04T12:00:00.000Z", {}]);
    expect(sentWhen?.layer === "socketio" && JSON.parse(sentWhen.encoded.slice(sentWhen.encoded.indexOf("[")))).toEqual(sentWhen?.layer === "socketio" && sentWhen.data);
    const emit = events.find((e) => e.layer === "api" && e.kind === "emit" && e.host === client.id && e.event === "when");
    expect(emit?.layer === "api" && emit.args).toEqual(["2026-12-04T12:00:00.000Z", {}]);
    const received = events.find((e) => e.layer === "api" && e.kind === "receive" && e.host === "server" && e.event === "when");
    expect(received?.layer === "api" && received.args).toEqual(emit?.layer === "api" && emit.args);
    const ackSend = events.find((e) => e.layer === "api" && e.kind === "ack-send" && e.host === "server");
    expect(ackSend?.layer === "api" && ackSend.args).toEqual(["2026-12-04T12:00:01.000Z"]);
    const ackOut = events.find((e) => e.layer === "socketio" && e.host === "server" && e.dir === "out" && e.type === "ACK" && e.parents?.includes(ackSend!.id));
    expect(ackOut?.layer === "socketio" && ackOut.data).toEqual(["2026-12-04T12:00:01.000Z"]);
    // The attachment as it was encoded, though the application filled its Buffer after the emit.
    const sent = { _binary: Buffer.from("sent").toString("base64"), length: 4 };
    const sentBytes = events.find((e) => e.layer === "socketio" && e.host === client.id && e.dir === "out" && e.type === "BINARY_EVENT");
    expect(sentBytes?.layer === "socketio" && sentBytes.data).toEqual(["bytes", sent]);
    expect(sentBytes?.layer === "socketio" && sentBytes.attachments).toBe(1);
  });

  it("show binary data as it was received, though the handler filled the Buffer it got", async () => {
    lab = await createLab({ port: 0 });
    lab.server!.of("/").on("connection", (socket: ServerSocket) => {
      socket.on("fill", (bytes: Buffer, callback: () => void) => {
        bytes.fill(0x7a);
        callback();
      });
    });
    const client = await lab.addClient({ transports: "websocket" });
    const socket = client.socket("/");
    await connected(socket);
    await new Promise<void>((resolve) => socket.emit("fill", Buffer.from("hello"), () => resolve()));
    await lab.dispose();
    const events = lab.recorder.recent();
    lab = undefined;
    const hello = { _binary: Buffer.from("hello").toString("base64"), length: 5 };
    const receive = events.find((e) => e.layer === "api" && e.kind === "receive" && e.host === "server" && e.event === "fill");
    expect(receive?.layer === "api" && receive.args).toEqual([hello]);
    const packet = events.find((e) => e.layer === "socketio" && e.kind === "packet" && e.host === "server" && e.dir === "in" && e.type === "BINARY_EVENT");
    expect(packet?.layer === "socketio" && packet.data).toEqual(["fill", hello]);
    // The attachment's engine packet is the one its frame carried: linked to it, never recorded again as recovered.
    const attachment = events.filter((e) => e.layer === "engine" && e.host === "server" && e.dir === "in" && e.binary);
    expect(attachment.map((e) => (e.layer === "engine" ? [e.data, e.recovered ?? false, (e.parents ?? []).length > 0] : []))).toEqual([[Buffer.from("hello").toString("base64"), false, true]]);
  });

  // Where the captures run in a worker too (see worker.test.ts): the worker writes everything before the process ends.
  for (const captureIn of ["thread", "worker"] as const) {
    it(`are written to the trace file when the process dies before the end of the turn (captures on the ${captureIn === "thread" ? "lab's thread" : "worker"})`, async () => {
      const file = join(dir, `dies-${captureIn}.ndjson`);
      // The ack callback throws: the process ends in the turn its ack-receive was reported.
      const script = `
        import { createLab } from "./src/main/lab/lab.ts";
        const lab = await createLab({ port: 0, traceFile: ${JSON.stringify(file)}, captureIn: "${captureIn}" });
        const client = await lab.addClient({ transports: "websocket" });
        const socket = client.socket("/");
        await new Promise((resolve) => (socket.connected ? resolve() : socket.once("connect", resolve)));
        socket.emit("hello", "world", () => {
          throw new Error("the application's callback dies");
        });`;
      const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", timeout: 30_000 });
      expect(run.stderr).toMatch(/the application's callback dies/);
      expect(run.status).not.toBe(0);
      const { events } = await readTraceFile(file);
      const kinds = events.filter((e) => e.layer === "api" && e.host === "client-1").map((e) => e.kind);
      expect(kinds).toEqual(expect.arrayContaining(["emit", "ack-receive"]));
      const ackIn = events.find((e) => e.layer === "socketio" && e.host === "client-1" && e.dir === "in" && e.type === "ACK");
      expect(ackIn).toBeDefined();
      const ackReceive = events.find((e) => e.layer === "api" && e.kind === "ack-receive");
      expect(ackReceive?.parents).toContain(ackIn!.id);
    });
  }
});
