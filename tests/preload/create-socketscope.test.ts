// @vitest-environment node
// The preload's `window.socketscope`: it is the PageApi (checked by the typecheck and by
// expectTypeOf), sends one IPC message per method, and never lets IPC objects reach the page.
// What crosses IPC end to end is in tests/contract/.

import { describe, expect, expectTypeOf, it, vi } from "vitest";
import { createSocketScopeApi, type IpcPort } from "../../src/preload/create-socketscope.js";
import { LAB_METHODS, type LabStatus, type TraceBatch } from "../../src/shared/lab-api.js";
import type { PageApi } from "../../src/shared/page-api.js";
import type { IpcChannel } from "../../src/shared/ipc-channels.js";

function fakeIpc() {
  const listeners = new Map<string, (event: unknown, payload: unknown) => void>();
  const port = {
    invoke: vi.fn(async (channel: IpcChannel, ...args: unknown[]) => ({ channel, args })),
    send: vi.fn(),
    on: vi.fn((channel: IpcChannel, l: (event: unknown, payload: unknown) => void) => void listeners.set(channel, l)),
  } satisfies IpcPort;
  const ipcEvent = { sender: { send: () => "ipcRenderer itself" }, senderId: 0 };
  return { port, emit: (channel: string, payload: unknown) => listeners.get(channel)!(ipcEvent, payload) };
}

describe("window.socketscope", () => {
  it("is the PageApi", () => {
    expectTypeOf(createSocketScopeApi).returns.toEqualTypeOf<PageApi>();
  });

  it("has one function per LabApi method plus onShellRequest, and nothing else", () => {
    const api = createSocketScopeApi(fakeIpc().port);
    expect(Object.keys(api).sort()).toEqual([...LAB_METHODS, "onShellRequest"].sort());
    for (const value of Object.values(api)) expect(typeof value).toBe("function");
    expect(api).not.toHaveProperty("ipcRenderer");
    expect(api).not.toHaveProperty("send");
    expect(api).not.toHaveProperty("invoke");
  });

  it.each([
    ["listScenarios", [], "lab:listScenarios", []],
    ["startScenario", ["hello-ack"], "lab:startScenario", ["hello-ack"]],
    ["startScenario", ["hello-ack", { seed: 3 }], "lab:startScenario", ["hello-ack", { seed: 3 }]],
    ["nextStep", [], "lab:nextStep", []],
    ["restartScenario", [], "lab:restartScenario", []],
    ["stop", [], "lab:stop", []],
    ["command", [{ type: "server-stop" }], "lab:command", [{ type: "server-stop" }]],
    ["attach", ["http://127.0.0.1:3000"], "lab:attach", ["http://127.0.0.1:3000"]],
    ["openToPeers", [{ host: "0.0.0.0" }], "lab:openToPeers", [{ host: "0.0.0.0" }]],
    ["getStatus", [], "lab:getStatus", []],
  ] as const)("%s(%j) invokes %s once", async (method, args, channel, sent) => {
    const { port } = fakeIpc();
    const api = createSocketScopeApi(port) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    await expect(api[method]!(...args)).resolves.toEqual({ channel, args: sent });
    expect(port.invoke).toHaveBeenCalledExactlyOnceWith(channel, ...sent);
  });

  it("onTrace says ready once, asks main for the trace, and passes only payloads on", () => {
    const { port, emit } = fakeIpc();
    const api = createSocketScopeApi(port);
    const got: unknown[][] = [];
    const off = api.onTrace((...args) => got.push(args));
    api.onStatus(() => undefined);
    expect(port.send.mock.calls.filter(([c]) => c === "lab:ready")).toHaveLength(1);
    expect(port.invoke).toHaveBeenCalledWith("lab:onTrace");
    const batch: TraceBatch = { events: [] };
    emit("trace:batch", batch);
    expect(got).toEqual([[batch]]); // exactly one argument: never the IPC event
    off();
    emit("trace:batch", batch);
    expect(got).toHaveLength(1);
  });

  it("onStatus returns an unsubscribe function and gives a late listener the latest status", () => {
    const { port, emit } = fakeIpc();
    const api = createSocketScopeApi(port);
    const first = vi.fn();
    const off = api.onStatus(first);
    expect(typeof off).toBe("function");
    const status: LabStatus = { state: "ready", step: 0, steps: 3 };
    emit("lab:status", status);
    expect(first).toHaveBeenCalledExactlyOnceWith(status);
    off();
    emit("lab:status", { ...status, step: 1 });
    expect(first).toHaveBeenCalledTimes(1);
    const late = vi.fn();
    api.onStatus(late);
    expect(late).toHaveBeenCalledWith({ ...status, step: 1 });
  });

  it("a throwing listener does not stop the others", () => {
    const { port, emit } = fakeIpc();
    const api = createSocketScopeApi(port);
    const spy = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const good = vi.fn();
    api.onTrace(() => {
      throw new Error("boom");
    });
    api.onTrace(good);
    emit("trace:batch", { events: [] });
    expect(good).toHaveBeenCalled();
    spy.mockRestore();
  });

  it("shell requests reach onShellRequest (payload only), which says ready and unsubscribes", () => {
    const { port, emit } = fakeIpc();
    const api = createSocketScopeApi(port);
    const got: unknown[][] = [];
    const off = api.onShellRequest((...args) => got.push(args));
    expect(port.send).toHaveBeenCalledWith("lab:ready");
    emit("shell:request", { type: "export-view", format: "svg" });
    expect(got).toEqual([[{ type: "export-view", format: "svg" }]]);
    off();
    emit("shell:request", { type: "save-trace" });
    expect(got).toHaveLength(1);
  });
});
