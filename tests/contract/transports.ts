// The two real transports of the PageApi, each with the real lab behind it, for the contract
// suite: Electron's (the real preload entry and the real IPC gateway, bridge and ready queue,
// wired as src/main/index.ts wires them, over an in-memory ipcMain/ipcRenderer pair that
// structured-clones every payload as Electron does) and web mode's (the real web server and the
// page's real web client over a WebSocket). Only Electron's own objects are stand-ins.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLabService, type LabService } from "../../src/main/lab/lab-service.js";
import { createIpcGateway } from "../../src/main/electron/ipc-gateway.js";
import { createLabBridge } from "../../src/main/electron/lab-bridge.js";
import { createOutbox } from "../../src/main/electron/outbox.js";
import { createAppUrl } from "../../src/main/electron/app-url.js";
import { createAppProtocolHandler } from "../../src/main/electron/app-protocol.js";
import { createOpenedFiles } from "../../src/main/protocol/opened-files.js";
import { startWebServer } from "../../src/main/web/web-server.js";
import { createWebLabClient, labUrl } from "../../src/renderer/src/lab/web-lab-client.js";
import type { PageApi, ShellRequest } from "../../src/shared/page-api.js";
import type { IpcPort } from "../../src/preload/create-socketscope.js";
import type { IpcChannel } from "../../src/shared/ipc-channels.js";
import { eventFrom, FakeIpcMain, FakeWebContents } from "../main/electron/fakes.js";

export interface Harness {
  page: PageApi;
  service: LabService;
  /** What the shell does for a menu item that asks the page to act. */
  request(r: ShellRequest): void;
  /** What the shell does for File → Open (Electron) or `openTrace` (web mode): offers the file. */
  openTrace(path: string): void;
  /** Fetches a URL the page was given, as the page would (from its own origin). */
  fetchFromPage(url: string): Promise<Response>;
  close(): Promise<void>;
}

export interface Transport {
  name: string;
  start(): Promise<Harness>;
}

/** Where the preload's entry (src/preload/index.ts) finds ipcRenderer: set before it is imported. */
export const preloadElectron: { ipcRenderer: IpcPort | null; exposed: Map<string, unknown> } = { ipcRenderer: null, exposed: new Map() };

export const ipcTransport = (importPreload: () => Promise<unknown>): Transport => ({
  name: "Electron IPC (preload ↔ gateway)",
  async start() {
    const service = createLabService({ port: 0 });
    const ipcMain = new FakeIpcMain();
    const appUrl = createAppUrl();
    const contents = new FakeWebContents(appUrl.url);
    const rendererListeners = new Map<string, ((event: unknown, payload: unknown) => void)[]>();
    // Main → renderer: webContents.send, cloned as Electron clones it.
    const toRenderer = (channel: string, payload: unknown): void => {
      for (const l of rendererListeners.get(channel) ?? []) l({ sender: "ipc event" }, structuredClone(payload));
    };
    const opened = createOpenedFiles();
    const protocolHandler = createAppProtocolHandler({ rendererDir: join(import.meta.dirname, "../../src/renderer"), opened });
    // Wired as src/main/index.ts wires them.
    const outbox = createOutbox(toRenderer, () => bridge.pageReady());
    const bridge = createLabBridge({ outbox });
    const gateway = createIpcGateway({
      ipcMain,
      trusted: { webContents: () => contents, isAppUrl: appUrl.isAppUrl },
      handlers: bridge.handlers,
      onReady: () => outbox.markReady(),
      log: () => undefined,
    });
    bridge.attach(service);
    const ipcRenderer: IpcPort = {
      invoke: (channel: IpcChannel, ...args: unknown[]) => ipcMain.invoke(channel, eventFrom(contents), ...structuredClone(args)),
      send: (channel: IpcChannel, ...args: unknown[]) => ipcMain.send(channel, eventFrom(contents), ...structuredClone(args)),
      on: (channel, listener) => void rendererListeners.set(channel, [...(rendererListeners.get(channel) ?? []), listener]),
    };
    preloadElectron.ipcRenderer = ipcRenderer;
    preloadElectron.exposed.clear();
    await importPreload();
    const page = preloadElectron.exposed.get("socketscope") as PageApi;
    return {
      page,
      service,
      request: (r) => outbox.post("shell:request", r),
      openTrace: (path) => outbox.post("shell:request", opened.offer(path)),
      fetchFromPage: (url) => protocolHandler(new Request(new URL(url, appUrl.url))),
      async close() {
        gateway.dispose();
        bridge.dispose();
        await service.dispose();
      },
    };
  },
});

export const webTransport: Transport = {
  name: "web mode (WebSocket)",
  async start() {
    const service = createLabService({ port: 0 });
    const dir = mkdtempSync(join(tmpdir(), "ss-contract-"));
    const server = await startWebServer({ port: 0, service, rendererDir: dir, log: () => undefined });
    const client = createWebLabClient(labUrl(new URL(server.url)));
    await new Promise<void>((resolve) => {
      const off = client.onConnection((c) => {
        if (c.state === "open") {
          queueMicrotask(() => off());
          resolve();
        }
      });
    });
    return {
      page: client,
      service,
      request: (r) => server.request(r),
      openTrace: (path) => server.openTrace(path),
      fetchFromPage: (url) => fetch(new URL(url, server.url)),
      async close() {
        client.dispose();
        await server.close();
        await service.dispose();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};
