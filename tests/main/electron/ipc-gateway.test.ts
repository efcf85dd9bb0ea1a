// @vitest-environment node
// The IPC gateway: refuses unknown senders (another window, a subframe, a foreign page, a gone
// frame) and malformed arguments with a logged reason, and passes good calls on, checked.

import { beforeEach, describe, expect, it, vi } from "vitest";
import { createIpcGateway, REFUSED, type LabHandlers } from "../../../src/main/electron/ipc-gateway.js";
import { createAppUrl } from "../../../src/main/electron/app-url.js";
import { labChannel, RENDERER_TO_MAIN } from "../../../src/shared/ipc-channels.js";
import { LAB_METHODS } from "../../../src/shared/lab-api.js";
import { eventFrom, FakeIpcMain, FakeWebContents } from "./fakes.js";

const APP = "app://socketscope/index.html";

function setup() {
  const ipc = new FakeIpcMain();
  const win = new FakeWebContents(APP);
  const log = vi.fn<(m: string) => void>();
  const onReady = vi.fn();
  const handlers = Object.fromEntries(
    LAB_METHODS.map((m) => [m, vi.fn(async (...args: unknown[]) => ({ method: m, args }))]),
  ) as unknown as LabHandlers & Record<string, ReturnType<typeof vi.fn>>;
  const appUrl = createAppUrl();
  const gateway = createIpcGateway({
    ipcMain: ipc,
    trusted: { webContents: () => win, isAppUrl: appUrl.isAppUrl },
    handlers,
    onReady,
    log,
  });
  return { ipc, win, log, onReady, handlers, gateway };
}

let t: ReturnType<typeof setup>;
beforeEach(() => {
  t = setup();
});

describe("channels", () => {
  it("registers a handler for every LabApi method and a listener for lab:ready", () => {
    expect([...t.ipc.handlers.keys()].sort()).toEqual(LAB_METHODS.map(labChannel).sort());
    expect([...t.ipc.listeners.keys()].sort()).toEqual(["lab:ready"]);
    expect(new Set(t.gateway.channels)).toEqual(new Set(RENDERER_TO_MAIN));
  });

  it("leaves nothing behind when disposed", () => {
    t.gateway.dispose();
    expect(t.ipc.handlers.size).toBe(0);
    expect([...t.ipc.listeners.values()].flat()).toHaveLength(0);
  });
});

describe("sender check", () => {
  const cases: [string, () => Parameters<FakeIpcMain["invoke"]>[1], RegExp][] = [
    ["another window", () => eventFrom(new FakeWebContents(APP)), /not the app window/],
    ["a subframe of the window", () => ({ sender: t.win, senderFrame: { url: APP, parent: t.win.mainFrame } }), /main frame/],
    ["a look-alike frame object", () => ({ sender: t.win, senderFrame: { url: APP, parent: null } }), /main frame/],
    ["a frame that is gone", () => ({ sender: t.win, senderFrame: null }), /gone/],
  ];

  it.each(cases)("refuses %s, logs why, and never calls the lab", async (_name, event, reason) => {
    await expect(t.ipc.invoke("lab:listScenarios", event())).rejects.toThrow(REFUSED);
    expect(t.log).toHaveBeenCalledWith(expect.stringMatching(reason));
    expect(t.handlers.listScenarios).not.toHaveBeenCalled();
  });

  it.each(["https://evil.example/", "file:///tmp/evil.html", "app://socketscope/index.html.evil", "app://evil/index.html", "app://socketscope/other.html", "data:text/html,hi"])(
    "refuses the main frame when it shows %s",
    async (url) => {
      t.win.mainFrame.url = url;
      await expect(t.ipc.invoke("lab:getStatus", eventFrom(t.win))).rejects.toThrow(REFUSED);
      expect(t.log).toHaveBeenCalledWith(expect.stringContaining("not the app"));
      expect(t.handlers.getStatus).not.toHaveBeenCalled();
    },
  );

  it("accepts the app page with a query or fragment", async () => {
    t.win.mainFrame.url = `${APP}?presenter=1#view`;
    await expect(t.ipc.invoke("lab:getStatus", eventFrom(t.win))).resolves.toEqual({ method: "getStatus", args: [] });
  });

  it("refuses everything when there is no window", async () => {
    const ipc = new FakeIpcMain();
    const log = vi.fn();
    createIpcGateway({
      ipcMain: ipc,
      trusted: { webContents: () => null, isAppUrl: () => true },
      handlers: t.handlers,
      onReady: vi.fn(),
      log,
    });
    await expect(ipc.invoke("lab:stop", eventFrom(t.win))).rejects.toThrow(REFUSED);
    expect(log).toHaveBeenCalledWith(expect.stringContaining("no app window"));
  });

  it("ignores lab:ready from a stranger", () => {
    const stranger = eventFrom(new FakeWebContents(APP));
    t.ipc.send("lab:ready", stranger);
    expect(t.onReady).not.toHaveBeenCalled();
    t.ipc.send("lab:ready", eventFrom(t.win));
    expect(t.onReady).toHaveBeenCalledOnce();
  });
});

describe("argument schemas", () => {
  const bad: [string, unknown[]][] = [
    ["lab:listScenarios", ["extra"]],
    ["lab:startScenario", []],
    ["lab:startScenario", [42]],
    ["lab:startScenario", ["../etc"]],
    ["lab:startScenario", ["hello-ack", { seed: -1 }]],
    ["lab:startScenario", ["hello-ack", { seed: 1, extra: true }]],
    ["lab:startScenario", ["hello-ack", { seed: 1.5 }]],
    ["lab:startScenario", ["x".repeat(65)]],
    ["lab:command", [{ type: "rm -rf" }]],
    ["lab:command", [{ type: "emit", from: "client-1", event: "hi", args: "not json" }]],
    ["lab:command", [{ type: "emit", from: "client-1", event: "hi", args: '{"not":"an array"}' }]],
    ["lab:command", [{ type: "emit", from: "client-1", event: "hi", args: "[]", __proto__x: 1 }]],
    ["lab:command", [{ type: "emit", from: "client 1", event: "hi", args: "[]" }]],
    ["lab:command", [{ type: "emit", from: "client-1", event: "hi", args: "[" + "1,".repeat(40000) + "1]" }]],
    ["lab:command", [{ type: "add-client", ip: "10.0.0.5" }]],
    ["lab:command", [{ type: "add-client", ip: "127.0.0.300" }]],
    ["lab:command", [{ type: "add-client", ip: "127.evil" }]],
    ["lab:command", [{ type: "add-client", ip: "127.0.0.01" }]],
    ["lab:command", [{ type: "add-client", transports: "carrier-pigeon" }]],
    ["lab:command", [{ type: "join", client: "client-1", room: "" }]],
    ["lab:command", [{ type: "network", settings: { loss: 2 } }]],
    ["lab:command", [{ type: "network", settings: { mss: Number.NaN } }]],
    ["lab:command", [{ type: "network", settings: { drop: "1,2" } }]],
    ["lab:command", [{ type: "server-stop" }, "extra"]],
    ["lab:command", [null]],
    ["lab:command", [[{ type: "server-stop" }]]],
    ["lab:attach", ["javascript:alert(1)"]],
    ["lab:attach", ["file:///etc/passwd"]],
    ["lab:attach", ["http://example.com", { transports: "nope" }]],
    ["lab:openToPeers", [{ host: "example.com" }]],
    ["lab:openToPeers", ["0.0.0.0"]],
    ["lab:onTrace", [() => 1]],
    ["lab:onStatus", ["x"]],
  ];

  it.each(bad)("%s refuses %j, logs the reason, never calls the lab", async (channel, args) => {
    await expect(t.ipc.invoke(channel, eventFrom(t.win), ...args)).rejects.toThrow(REFUSED);
    expect(t.log).toHaveBeenCalledWith(expect.stringMatching(new RegExp(`^IPC ${channel} refused: malformed arguments`)));
    for (const h of Object.values(t.handlers)) expect(h).not.toHaveBeenCalled();
  });

  const good: [string, unknown[], unknown[]][] = [
    ["lab:listScenarios", [], []],
    ["lab:startScenario", ["hello-ack"], ["hello-ack"]],
    ["lab:startScenario", ["hello-ack", undefined], ["hello-ack"]],
    ["lab:startScenario", ["lossy-tcp", { seed: 7 }], ["lossy-tcp", { seed: 7 }]],
    ["lab:nextStep", [], []],
    ["lab:restartScenario", [], []],
    ["lab:stop", [], []],
    ["lab:getStatus", [], []],
    ["lab:onTrace", [], []],
    ["lab:onStatus", [], []],
    ["lab:command", [{ type: "add-client", transports: "websocket", ip: "127.0.0.3", namespaces: ["/", "/chat"] }], null!],
    ["lab:command", [{ type: "emit", from: "client-2", nsp: "/", event: "hello", args: '["world"]', ack: true }], null!],
    ["lab:command", [{ type: "emit", from: "server", to: "AbC_12-x", event: "hi", args: "[]" }], null!],
    ["lab:command", [{ type: "broadcast", room: "lobby", exceptClient: "client-1", event: "news", args: "[1,2]" }], null!],
    ["lab:command", [{ type: "join", client: "client-1", room: "lobby" }], null!],
    ["lab:command", [{ type: "leave", client: "client-1", nsp: "/chat", room: "lobby" }], null!],
    ["lab:command", [{ type: "disconnect", client: "client-1" }], null!],
    ["lab:command", [{ type: "server-stop" }], null!],
    ["lab:command", [{ type: "server-start" }], null!],
    ["lab:command", [{ type: "remove-client", client: "client-4" }], null!],
    ["lab:command", [{ type: "network", settings: { loss: 0.1, mss: 536, drop: [3, 4], relative: false } }], null!],
    ["lab:attach", ["http://192.168.1.20:3000", { transports: "polling" }], null!],
    ["lab:attach", ["wss://example.com/socket.io/"], null!],
    ["lab:openToPeers", [{ host: "0.0.0.0" }], null!],
  ];

  it.each(good)("%s accepts %j and passes it on", async (channel, args, expected) => {
    const result = (await t.ipc.invoke(channel, eventFrom(t.win), ...args)) as { args: unknown[] };
    expect(result.args).toEqual(expected ?? args);
    expect(t.log).not.toHaveBeenCalled();
  });

  it("passes a fresh object, not the sender's", async () => {
    const command = { type: "join", client: "client-1", room: "lobby" };
    const result = (await t.ipc.invoke("lab:command", eventFrom(t.win), command)) as { args: unknown[] };
    expect(result.args[0]).toEqual(command);
    expect(result.args[0]).not.toBe(command);
  });

  it("refuses an object with a prototype other than Object's", async () => {
    class Sneaky {
      type = "server-stop";
    }
    await expect(t.ipc.invoke("lab:command", eventFrom(t.win), new Sneaky())).rejects.toThrow(REFUSED);
  });


  it("refuses lab:ready with arguments", () => {
    t.ipc.send("lab:ready", eventFrom(t.win), "surprise");
    expect(t.onReady).not.toHaveBeenCalled();
  });
});
