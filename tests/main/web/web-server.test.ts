// Web mode's server against a fake LabApi: static files, the /lab protocol (valid and
// invalid messages), trace batching, origin checks, and a busy port. Real sockets, port 0.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:net";
import type { LabApi, LabStatus, TraceBatch } from "../../../src/shared/lab-api.js";
import { startWebServer, type WebServer } from "../../../src/main/web/web-server.js";
import type { ServerMessage } from "../../../src/shared/web-protocol.js";

function fakeService() {
  const traceListeners = new Set<(b: TraceBatch) => void>();
  const status: LabStatus = { state: "ready", step: -1, steps: 2, scenario: "hello-ack" };
  const api: LabApi = {
    listScenarios: async () => [{ id: "hello-ack", title: "Hello & ack", summary: "s", keyView: "Layers" as const, steps: [] }],
    startScenario: async (id) => {
      if (id !== "hello-ack") throw new Error(`unknown scenario "${id}"`);
      return status;
    },
    nextStep: async () => status,
    restartScenario: async () => status,
    stop: async () => status,
    command: async () => ({ ok: true, message: "done" }),
    attach: async () => ({ ok: false, message: "no" }),
    openToPeers: async () => ({ ok: false, message: "no" }),
    getStatus: async () => status,
    onTrace: (l) => {
      traceListeners.add(l);
      l({ reset: true, events: [] });
      return () => traceListeners.delete(l);
    },
    onStatus: () => () => undefined,
  };
  return { api, emit: (b: TraceBatch) => {
      for (const l of traceListeners) l(b);
    }, listeners: traceListeners };
}

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "ss-web-"));
  mkdirSync(join(dir, "assets"));
  writeFileSync(join(dir, "index.html"), "<!doctype html><title>SocketScope</title>");
  writeFileSync(join(dir, "assets", "app.js"), "console.log(1)");
});

const servers: WebServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function open(url: string): Promise<{ ws: WebSocket; messages: ServerMessage[]; next(pred: (m: ServerMessage) => boolean): Promise<ServerMessage> }> {
  const ws = new WebSocket(url.replace("http://", "ws://") + "lab");
  const messages: ServerMessage[] = [];
  const waiters: { pred: (m: ServerMessage) => boolean; resolve(m: ServerMessage): void }[] = [];
  ws.addEventListener("message", (ev) => {
    const m = JSON.parse(String(ev.data)) as ServerMessage;
    messages.push(m);
    for (const w of waiters.splice(0)) {
      if (w.pred(m)) w.resolve(m);
      else waiters.push(w);
    }
  });
  await new Promise<void>((r, j) => {
    ws.addEventListener("open", () => r());
    ws.addEventListener("error", () => j(new Error("ws error")));
  });
  return {
    ws,
    messages,
    next: (pred) => {
      const found = messages.find(pred);
      return found ? Promise.resolve(found) : new Promise((resolve) => waiters.push({ pred, resolve }));
    },
  };
}

describe("web server", () => {
  it("serves the renderer and refuses paths outside it", async () => {
    const s = await startWebServer({ port: 0, service: fakeService().api, rendererDir: dir });
    servers.push(s);
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const index = await fetch(s.url);
    expect(index.status).toBe(200);
    expect(index.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(await (await fetch(`${s.url}assets/app.js`)).text()).toBe("console.log(1)");
    expect((await fetch(`${s.url}..%2f..%2fetc%2fpasswd`)).status).toBeGreaterThanOrEqual(403);
    expect((await fetch(`${s.url}nope.js`)).status).toBe(404);
  });

  it("answers requests by id and replies to bad messages with errors, not crashes", async () => {
    const s = await startWebServer({ port: 0, service: fakeService().api, rendererDir: dir });
    servers.push(s);
    const c = await open(s.url);
    c.ws.send(JSON.stringify({ type: "request", id: 1, method: "listScenarios", params: [] }));
    expect(await c.next((m) => m.type === "response" && m.id === 1)).toMatchObject({ ok: true, result: [{ id: "hello-ack" }] });
    c.ws.send("not json");
    expect(await c.next((m) => m.type === "response" && !m.ok && m.error.includes("JSON"))).toMatchObject({ id: null });
    c.ws.send(JSON.stringify({ type: "request", id: 2, method: "rm -rf", params: [] }));
    expect(await c.next((m) => m.type === "response" && m.id === 2)).toMatchObject({ ok: false });
    c.ws.send(JSON.stringify({ type: "request", id: 3, method: "startScenario", params: [42] }));
    expect(await c.next((m) => m.type === "response" && m.id === 3)).toMatchObject({ ok: false, error: "refused: params[0]: must be a string" });
    c.ws.send(JSON.stringify({ type: "request", id: 4, method: "startScenario", params: ["nope"] }));
    expect(await c.next((m) => m.type === "response" && m.id === 4)).toMatchObject({ ok: false, error: 'unknown scenario "nope"' });
    c.ws.send(JSON.stringify({ type: "request", id: 5, method: "getStatus" }));
    expect(await c.next((m) => m.type === "response" && m.id === 5)).toMatchObject({ ok: true, result: { state: "ready" } });
    c.ws.close();
  });

  it("batches trace events: many small batches arrive as few messages", async () => {
    const fake = fakeService();
    const s = await startWebServer({ port: 0, service: fake.api, rendererDir: dir });
    servers.push(s);
    const c = await open(s.url);
    await c.next((m) => m.type === "trace" && m.batch.reset === true);
    for (let i = 1; i <= 500; i++) fake.emit({ events: [{ id: i, t: i, host: "server", layer: "lab", kind: "fault", fault: "x" }] });
    await c.next((m) => m.type === "trace" && m.batch.events.some((e) => e.id === 500));
    const traces = c.messages.filter((m) => m.type === "trace");
    expect(traces.length).toBeLessThanOrEqual(3);
    expect(traces.flatMap((m) => (m.type === "trace" ? m.batch.events.map((e) => e.id) : []))).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    c.ws.close();
  });

  it("refuses WebSockets from other origins", async () => {
    const s = await startWebServer({ port: 0, service: fakeService().api, rendererDir: dir });
    servers.push(s);
    const res = await new Promise<string>((resolve) => {
      const port = Number(new URL(s.url).port);
      const sock = createServer();
      void sock;
      import("node:net").then(({ connect }) => {
        const c = connect(port, "127.0.0.1", () => {
          c.write(`GET /lab HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: http://evil.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
        });
        c.once("data", (d) => {
          resolve(d.toString().split("\r\n")[0] ?? "");
          c.destroy();
        });
      });
    });
    expect(res).toBe("HTTP/1.1 403 Forbidden");
  });

  it("takes another port when the one asked for is busy, and says so", async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", () => r()));
    const busy = (blocker.address() as { port: number }).port;
    const notes: string[] = [];
    const s = await startWebServer({ port: busy, service: fakeService().api, rendererDir: dir, log: (m) => notes.push(m) });
    servers.push(s);
    expect(Number(new URL(s.url).port)).not.toBe(busy);
    expect(notes[0]).toContain(`Port ${busy}`);
    await new Promise<void>((r) => blocker.close(() => r()));
  });

  it("unsubscribes from the service when the client goes", async () => {
    const fake = fakeService();
    const s = await startWebServer({ port: 0, service: fake.api, rendererDir: dir });
    servers.push(s);
    const c = await open(s.url);
    expect(fake.listeners.size).toBe(1);
    c.ws.close();
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.listeners.size).toBe(0);
  });
});
