// A hostile page: the same free-play commands through web mode's WebSocket (a real web server
// over a real lab service) and through the Electron IPC schema get the same refusal, from the
// one schema both use; web mode's own WebSocket refuses frame abuse with the RFC's close codes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLabService, type LabService } from "../../src/main/lab/lab-service.js";
import { startWebServer, type WebServer } from "../../src/main/web/web-server.js";
import { LAB_ARG_SCHEMAS } from "../../src/main/protocol/lab-args.js";
import type { FreePlayCommand } from "../../src/shared/lab-api.js";
import type { ServerMessage } from "../../src/shared/web-protocol.js";
import { clientFrame, closeCode, rawWsPeer } from "./helpers.js";

let service: LabService;
let web: WebServer;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "ss-hostile-web-"));
  writeFileSync(join(dir, "index.html"), "<!doctype html><title>SocketScope</title>");
  service = createLabService();
  web = await startWebServer({ service, rendererDir: dir, port: 0, log: () => undefined });
});
afterAll(async () => {
  await web.close();
  await service.stop();
});

/** One request over web mode's /lab socket; resolves with its response. */
async function request(method: string, params: unknown[]): Promise<ServerMessage> {
  const ws = new WebSocket(web.url.replace("http://", "ws://") + "lab");
  await new Promise<void>((r, j) => {
    ws.addEventListener("open", () => r());
    ws.addEventListener("error", () => j(new Error("ws error")));
  });
  const answer = new Promise<ServerMessage>((resolve) =>
    ws.addEventListener("message", (ev) => {
      const m = JSON.parse(String(ev.data)) as ServerMessage;
      if (m.type === "response") resolve(m);
    }),
  );
  ws.send(JSON.stringify({ type: "request", id: 1, method, params }));
  const m = await answer;
  ws.close();
  return m;
}

const deep = (n: number): string => "[".repeat(n) + "]".repeat(n);
const hostile: [string, unknown][] = [
  ["args nested 30,000 deep", { type: "emit", from: "client-1", event: "hello", args: deep(30_000) }],
  ["args nested 33 deep", { type: "emit", from: "client-1", event: "hello", args: deep(33) }],
  ["args with 20,000 values", { type: "emit", from: "client-1", event: "hello", args: JSON.stringify(Array.from({ length: 20_000 }, () => 1)) }],
  ["a broadcast nested 30,000 deep", { type: "broadcast", event: "news", args: deep(30_000) }],
  ["an unknown transport", { type: "add-client", transports: "carrier-pigeon" }],
  ["a client address off loopback", { type: "add-client", ip: "10.0.0.1" }],
  ["loss 0.999999", { type: "network", settings: { loss: 0.999999 } }],
  ["latency 1e9", { type: "network", settings: { latency: 1e9 } }],
  ["a 5,000-entry drop list", { type: "network", settings: { drop: Array.from({ length: 5000 }, (_, i) => i) } }],
  ["an extra field", { type: "server-stop", now: true }],
  ["a room of 10,000 characters", { type: "join", client: "client-1", room: "r".repeat(10_000) }],
  ["a command that is not an object", "emit"],
  ["a __proto__ key", JSON.parse('{"type":"emit","__proto__":{"polluted":1},"from":"client-1","event":"hello","args":"[]"}')],
];

describe("a hostile page", () => {
  it.each(hostile)("sends %s: web mode and IPC refuse it with the same reason", async (_name, cmd) => {
    const ipc = LAB_ARG_SCHEMAS.command([cmd as FreePlayCommand], "params");
    expect(ipc.ok).toBe(false);
    const m = await request("command", [cmd]);
    expect(m).toEqual({ type: "response", id: 1, ok: false, error: `refused: ${ipc.ok ? "" : ipc.error}` });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("sends args over 64 KiB: IPC and web mode answer that they are too large, and the page's link stays up", async () => {
    const cmd = { type: "emit", from: "client-1", event: "hello", args: JSON.stringify(["x".repeat(70_000)]) };
    expect(LAB_ARG_SCHEMAS.command([cmd as FreePlayCommand], "params")).toEqual({ ok: false, error: "params[0].args: must have at most 65536 characters" });
    const m = await request("command", [cmd]);
    expect(m).toMatchObject({ type: "response", ok: false, error: expect.stringContaining("must have at most 65536 characters") });
  });

  it("still runs a good command after all that", async () => {
    const m = await request("command", [{ type: "add-client", transports: "websocket" }]);
    expect(m).toMatchObject({ type: "response", ok: true, result: { ok: true } });
  });
});

describe("web mode's own WebSocket", () => {
  const path = "/lab";
  it.each([
    ["a fragmented ping (1002)", clientFrame(9, Buffer.from("hi"), { fin: false }), 1002],
    ["a ping of 126 bytes (1002)", clientFrame(9, Buffer.alloc(126)), 1002],
    ["invalid UTF-8 in a text message (1007)", clientFrame(1, Buffer.from([0x7b, 0xc3, 0x28, 0x7d])), 1007],
    ["a text message over 256 KiB (1009)", clientFrame(1, Buffer.alloc(300 * 1024, 0x20)), 1009],
  ])("closes on %s", async (_name, frame, code) => {
    const port = Number(new URL(web.url).port);
    const peer = await rawWsPeer(port, path);
    peer.socket.write(frame);
    await peer.closed;
    expect(closeCode(Buffer.concat(peer.received))).toBe(code);
  });
});
