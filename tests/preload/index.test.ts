// @vitest-environment node
// The preload entry exposes exactly one object, `socketscope`, through the context bridge, and
// hands the page no IPC object. Electron is mocked: only the preload's use of it is under test.

import { describe, expect, it, vi } from "vitest";

const mocks = vi.hoisted(() => {
  const exposed: [string, unknown][] = [];
  const onChannels: string[] = [];
  const ipcRenderer = {
    invoke: async () => undefined,
    send: () => undefined,
    on: (channel: string) => void onChannels.push(channel),
  };
  return { exposed, onChannels, ipcRenderer };
});

vi.mock("electron", () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => mocks.exposed.push([key, api]) },
  ipcRenderer: mocks.ipcRenderer,
}));

describe("the preload entry", () => {
  it("exposes exactly window.socketscope, made only of functions, none of them ipcRenderer's", async () => {
    await import("../../src/preload/index.js");
    expect(mocks.exposed.map(([k]) => k)).toEqual(["socketscope"]);
    const api = mocks.exposed[0]![1] as Record<string, unknown>;
    const ipcFunctions = Object.values(mocks.ipcRenderer);
    for (const [name, value] of Object.entries(api)) {
      expect(typeof value, name).toBe("function");
      expect(ipcFunctions).not.toContain(value);
    }
    expect(Object.values(api)).not.toContain(mocks.ipcRenderer);
    // it listens on the three main → renderer channels only
    expect([...mocks.onChannels].sort()).toEqual(["lab:status", "shell:request", "trace:batch"]);
  });
});
