// @vitest-environment node
// The contract of the PageApi, run through both transports with the real lab behind them:
// the same calls give the same answers, the same bad arguments are refused by the one schema
// before the lab sees them, the trace arrives as a reset replay then live batches, and every
// request a shell can make of the page (a menu item in Electron) reaches the page unchanged,
// files offered to the page included.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { LabStatus, TraceBatch } from "../../src/shared/lab-api.js";
import { SHELL_REQUEST_TYPES, type ShellRequest, type ShellRequestType } from "../../src/shared/page-api.js";
import { ipcTransport, preloadElectron, webTransport, type Harness } from "./transports.js";

vi.mock("electron", () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => preloadElectron.exposed.set(key, api) },
  get ipcRenderer() {
    return preloadElectron.ipcRenderer;
  },
}));

const importPreload = async (): Promise<unknown> => {
  vi.resetModules();
  return import("../../src/preload/index.js");
};

/** One request of every type: adding a type to ShellRequest without a case here fails to compile. */
const EVERY_REQUEST: { [T in ShellRequestType]: Extract<ShellRequest, { type: T }> } = {
  "open-trace": { type: "open-trace", name: "t.ndjson", url: "/opened/x" },
  "save-trace": { type: "save-trace" },
  "save-web-page": { type: "save-web-page" },
  "export-view": { type: "export-view", format: "png" },
  "toggle-presenter": { type: "toggle-presenter" },
  "set-theme": { type: "set-theme", theme: "contrast" },
  "start-scenario": { type: "start-scenario", id: "hello-ack" },
  "next-step": { type: "next-step" },
  "restart-scenario": { type: "restart-scenario" },
};

async function until<T>(get: () => T | undefined, what: string, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each([ipcTransport(importPreload), webTransport])("the PageApi over $name", (transport) => {
  let h: Harness;
  const batches: TraceBatch[] = [];
  const statuses: LabStatus[] = [];
  const requests: ShellRequest[] = [];
  const dir = mkdtempSync(join(tmpdir(), "ss-contract-files-"));

  beforeAll(async () => {
    h = await transport.start();
    h.page.onTrace((b) => batches.push(b));
    h.page.onStatus((s) => statuses.push(s));
    h.page.onShellRequest((r) => requests.push(r));
  }, 30_000);

  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lists the lab's scenarios, the same list the lab has", async () => {
    const list = await h.page.listScenarios();
    expect(list).toEqual(await h.service.listScenarios());
    expect(list.map((s) => s.id)).toContain("hello-ack");
  });

  it("starts a scenario and runs a step: status answers, and the trace arrives as a reset replay, then live batches", async () => {
    const started = await h.page.startScenario("hello-ack", { seed: 7 });
    expect(started).toMatchObject({ scenario: "hello-ack", step: -1 });
    const reset = await until(() => batches.find((b) => b.reset && b.header?.scenario?.id === "hello-ack"), "the reset batch");
    expect(reset.header).toMatchObject({ format: "socketscope-trace", version: 1, scenario: { id: "hello-ack", seed: 7 } });
    const after = await h.page.nextStep();
    expect(after).toMatchObject({ scenario: "hello-ack", step: 0 });
    await until(() => (statuses.some((s) => s.scenario === "hello-ack" && s.step === 0) ? true : undefined), "the step-0 status");
    const since = batches.slice(batches.lastIndexOf(reset));
    const events = since.flatMap((b) => b.events);
    const ids = events.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    await until(() => (batches.slice(batches.lastIndexOf(reset)).some((b) => b.events.some((e) => e.layer === "tcp" && e.kind === "open")) ? true : undefined), "a tcp open");
    expect(await h.page.getStatus()).toEqual(await h.service.getStatus());
  });

  it("runs free-play commands and answers with the lab's result", async () => {
    const result = await h.page.command({ type: "network", settings: { loss: 0.1 } });
    expect(result).toMatchObject({ ok: true });
  });

  const bad: [string, (p: Record<string, (...a: unknown[]) => Promise<unknown>>) => Promise<unknown>][] = [
    ["startScenario(42)", (p) => p.startScenario!(42)],
    ["startScenario('../etc')", (p) => p.startScenario!("../etc")],
    ["startScenario with an unknown option", (p) => p.startScenario!("hello-ack", { seed: 1, extra: true })],
    ["add-client from 127.evil", (p) => p.command!({ type: "add-client", ip: "127.evil" })],
    ["add-client from 10.0.0.5", (p) => p.command!({ type: "add-client", ip: "10.0.0.5" })],
    ["emit with args that are not a JSON array", (p) => p.command!({ type: "emit", from: "client-1", event: "x", args: '{"a":1}' })],
    ["a command of no known type", (p) => p.command!({ type: "rm -rf" })],
    ["network loss 2", (p) => p.command!({ type: "network", settings: { loss: 2 } })],
    ["attach javascript:", (p) => p.attach!("javascript:alert(1)")],
    ["openToPeers on a host name", (p) => p.openToPeers!({ host: "example.com" })],
  ];
  it.each(bad)("refuses %s before the lab sees it", async (_name, call) => {
    const before = await h.service.getStatus();
    await expect(call(h.page as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)).rejects.toThrow(/refused/);
    expect(await h.service.getStatus()).toEqual(before);
  });

  it("delivers every shell request to the page, unchanged and in order", async () => {
    requests.length = 0;
    for (const type of SHELL_REQUEST_TYPES) h.request(EVERY_REQUEST[type]);
    await until(() => (requests.length >= SHELL_REQUEST_TYPES.length ? true : undefined), "every request");
    expect(requests).toEqual(SHELL_REQUEST_TYPES.map((t) => EVERY_REQUEST[t]));
  });

  it("offers an opened file at a URL on the page's own origin, and serves only offered files", async () => {
    const path = join(dir, "saved.ndjson");
    const text = '{"format":"socketscope-trace","version":1,"createdAt":"2025-01-01T00:00:00Z","app":{"name":"s","version":"0"}}\n';
    writeFileSync(path, text);
    requests.length = 0;
    h.openTrace(path);
    const r = await until(() => requests[0], "the open-trace request");
    expect(r).toMatchObject({ type: "open-trace", name: "saved.ndjson", url: expect.stringMatching(/^\/opened\/[0-9a-f-]{36}$/) });
    const res = await h.fetchFromPage((r as Extract<ShellRequest, { type: "open-trace" }>).url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-ndjson");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(await res.text()).toBe(text);
    expect((await h.fetchFromPage("/opened/00000000-0000-0000-0000-000000000000")).status).not.toBe(200);
    expect((await h.fetchFromPage("/../../package.json")).status).not.toBe(200);
  });

  it("a late trace listener gets the whole trace again, starting with a reset", async () => {
    const late: TraceBatch[] = [];
    const off = h.page.onTrace((b) => late.push(b));
    const first = await until(() => late[0], "the replay");
    expect(first.reset).toBe(true);
    expect(first.header?.scenario?.id).toBe("hello-ack");
    off();
  });
});
