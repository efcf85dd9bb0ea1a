// Bad input and busy ports: the lab reports them and keeps running.
import { afterEach, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:net";
import { connect, type AddressInfo } from "node:net";
import { io as ioClient } from "socket.io-client";
import { createLab, type Lab } from "../../../src/main/lab/lab.js";
import type { TraceEvent } from "../../../src/shared/trace/types.js";
import { waitFor } from "../../helpers/wait-for.js";

let lab: Lab | undefined;
let blocker: Server | undefined;
afterEach(async () => {
  await lab?.dispose();
  lab = undefined;
  await new Promise<void>((r) => (blocker ? blocker.close(() => r()) : r()));
  blocker = undefined;
});

function collect(l: Lab): TraceEvent[] {
  const events: TraceEvent[] = [];
  l.recorder.subscribe((b) => events.push(...b));
  return events;
}


const labErrors = (events: TraceEvent[]) =>
  events.filter((e) => e.layer === "lab" && e.kind === "error").map((e) => (e.layer === "lab" && e.kind === "error" ? e.message : ""));

const helloAck = (socket: ReturnType<typeof ioClient>) =>
  new Promise<unknown>((resolve) => socket.emit("hello", "world", (r: unknown) => resolve(r)));

describe("lab robustness", () => {
  it("takes another port when the one asked for is busy, and says so", async () => {
    blocker = createServer();
    await new Promise<void>((r) => blocker!.listen(0, "127.0.0.1", r));
    const busy = (blocker.address() as AddressInfo).port;
    const lines: string[] = [];
    lab = await createLab({ port: busy, log: (l) => lines.push(l) });
    expect(lab.port).not.toBe(busy);
    expect(lines.join("\n")).toMatch(new RegExp(`port ${busy} .* busy`));
    const notice = lab.recorder.recent().find((e) => e.layer === "lab" && e.kind === "error" && e.level === "notice");
    expect(notice).toBeDefined();
    const client = await lab.addClient({ transports: "websocket" });
    await new Promise((r) => client.socket("/").once("connect", () => r(undefined)));
    expect(await helloAck(client.socket("/") as never)).toBe("got it");
  });

  it("closes a rogue client that sends garbage, records it, and keeps serving the others", async () => {
    lab = await createLab({ port: 0 });
    const events = collect(lab);
    const good = await lab.addClient({ transports: "websocket" });
    await new Promise((r) => good.socket("/").once("connect", () => r(undefined)));

    // A rogue peer: a WebSocket handshake with the engine, then a frame with RSV2 set.
    const rogue = connect(lab.port, "127.0.0.1");
    await new Promise((r) => rogue.once("connect", r));
    rogue.write(
      "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    );
    await new Promise((r) => rogue.once("data", r));
    rogue.write(Buffer.from([0xa1, 0x83, 1, 2, 3, 4, 0x35, 0x63, 0x60])); // FIN|RSV2|text, masked "4ab"
    await waitFor(() => labErrors(events).some((m) => /RSV/i.test(m)), "the RSV2 frame to be reported");
    // The server answers with a WebSocket close frame (protocol error) on that connection only.
    await waitFor(() => events.some((e) => e.layer === "wire" && e.kind === "ws-frame" && e.host === "server" && e.dir === "out" && e.opcode === 8), "the close frame");
    rogue.destroy();

    // And a rogue Socket.IO client whose packet the decoder refuses.
    const raw = connect(lab.port, "127.0.0.1");
    await new Promise((r) => raw.once("connect", r));
    raw.write(
      "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    );
    await new Promise((r) => raw.once("data", r));
    const payload = Buffer.from("42abc[");
    const mask = [9, 8, 7, 6];
    raw.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length, ...mask]), Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!))]));
    await waitFor(() => labErrors(events).some((m) => /decoder refused/.test(m)), "the decoder's refusal");
    raw.destroy();

    expect(await helloAck(good.socket("/") as never)).toBe("got it");
    expect(good.socket("/").connected).toBe(true);
    expect(events.some((e) => e.layer === "lab" && e.kind === "host" && e.role === "external")).toBe(true);
  });

  it("traces a Socket.IO client the lab did not start as an external host", async () => {
    lab = await createLab({ port: 0 });
    const events = collect(lab);
    const foreign = ioClient(lab.url, { transports: ["websocket"], forceNew: true });
    await new Promise((r) => foreign.once("connect", () => r(undefined)));
    expect(await helloAck(foreign)).toBe("got it");
    foreign.close();
    await new Promise((r) => setTimeout(r, 50));
    const external = events.find((e) => e.layer === "lab" && e.kind === "host" && e.role === "external");
    expect(external).toBeDefined();
    const receive = events.find((e) => e.layer === "api" && e.kind === "receive" && e.event === "hello");
    expect(receive).toBeDefined();
    const frame = events.find((e) => e.layer === "wire" && e.kind === "ws-frame" && e.host === "server" && e.preview.startsWith("42"));
    expect(frame?.conn).toMatch(/^server\/tcp\d+$/);
    const opens = events.filter((e) => e.layer === "tcp" && e.kind === "open" && e.host === "server");
    expect(opens.every((o) => o.layer === "tcp" && o.kind === "open" && o.remote.ip === "127.0.0.1")).toBe(true);
  });
});
