// Electron main entry: wires the shell's modules (src/main/electron/) to the real electron API:
// app lifecycle, the one window served over app://, the IPC gateway, menus and dialogs, and the
// lab, which runs in this process and starts after the window's first paint
// (docs/architecture.md says why). The page owns the trace: main keeps no copy of it; menu items
// that act on what the page shows are requests to the page (src/shared/page-api.ts).

import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, shell, type WebContents } from "electron";
import { join } from "node:path";
import { createLabService, type LabService } from "./lab/lab-service.js";
import type { ShellRequest } from "../shared/page-api.js";
import { createOpenedFiles } from "./protocol/opened-files.js";
import { createAppProtocolHandler, APP_SCHEME_PRIVILEGES } from "./electron/app-protocol.js";
import { APP_SCHEME, createAppUrl } from "./electron/app-url.js";
import { allowedExternalUrl } from "./electron/external-links.js";
import { createIpcGateway } from "./electron/ipc-gateway.js";
import { createLabBridge } from "./electron/lab-bridge.js";
import { createMainWindow } from "./electron/main-window.js";
import { buildMenuTemplate, type MenuActions, type MenuState } from "./electron/menu.js";
import { guardWebContents, type GuardedWebContents } from "./electron/navigation-guard.js";
import { createOutbox } from "./electron/outbox.js";
import { addRecent, loadRecent, saveRecent } from "./electron/recent-files.js";
import { decideAfterPrompt, unsavedPrompt } from "./electron/unsaved-prompt.js";

const log = (message: string): void => console.warn(`[socketscope] ${message}`);
const here = import.meta.dirname;
const rendererDir = join(here, "../renderer");
const appUrl = createAppUrl({ devUrl: app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL });
const preloadPath = join(here, "../preload/index.cjs");
const recentFile = (): string => join(app.getPath("userData"), "recent-traces.json");
const traceDocPath = (): string =>
  app.isPackaged ? join(process.resourcesPath, "docs", "trace-format.md") : join(app.getAppPath(), "docs", "trace-format.md");

let win: BrowserWindow | null = null;
let lab: LabService | null = null;
let disposed = false;

const liveContents = (): WebContents | null => (win && !win.isDestroyed() ? win.webContents : null);
const outbox = createOutbox(
  (channel, payload) => liveContents()?.send(channel, payload),
  () => bridge.pageReady(),
);
const bridge = createLabBridge({ outbox });
const opened = createOpenedFiles();

const state: MenuState = {
  platform: process.platform,
  appName: "SocketScope",
  dev: !app.isPackaged,
  scenarios: [],
  scenario: undefined,
  canStep: false,
  recent: [],
};

function refreshMenu(): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate(state, actions)));
}

/** Asks the page to act; it waits in the ready queue while the page loads. */
const request = (r: ShellRequest): void => outbox.post("shell:request", r);

async function remember(path: string): Promise<void> {
  state.recent = addRecent(state.recent, path);
  app.addRecentDocument(path);
  refreshMenu();
  await saveRecent(recentFile(), state.recent).catch((err: unknown) => log(`saving recent traces: ${String(err)}`));
}

/** Offers the file to the page, which reads it like any file it opens (a refusal is shown there). */
function openTracePath(path: string): void {
  request(opened.offer(path));
  void remember(path);
}

const actions: MenuActions = {
  request,
  openTrace: () => {
    void dialog
      .showOpenDialog({
        title: "Open Trace",
        properties: ["openFile"],
        filters: [
          { name: "SocketScope trace", extensions: ["ndjson", "jsonl"] },
          { name: "All files", extensions: ["*"] },
        ],
      })
      .then((r) => (r.canceled || !r.filePaths[0] ? undefined : openTracePath(r.filePaths[0])));
  },
  openRecent: (path) => openTracePath(path),
  clearRecent: () => {
    state.recent = [];
    app.clearRecentDocuments();
    refreshMenu();
    void saveRecent(recentFile(), []);
  },
  about: () =>
    void dialog.showMessageBox({
      type: "info",
      message: `SocketScope ${app.getVersion()}`,
      detail:
        "See how sockets work: a real Socket.IO server and clients on loopback, traced at every layer.\n\n" +
        `Electron ${process.versions.electron} · Chromium ${process.versions.chrome} · Node ${process.versions.node}`,
    }),
  traceFormatDoc: () =>
    void shell.openPath(traceDocPath()).then((error) => {
      if (error) void dialog.showMessageBox({ type: "info", message: "The trace format", detail: `${traceDocPath()}\n\n${error}` });
    }),
  openLink: (url) => {
    const allowed = allowedExternalUrl(url);
    if (allowed) void shell.openExternal(allowed);
    else log(`openExternal ${url}: refused (not on the allow-list)`);
  },
};

function startLab(): void {
  if (lab) return;
  const service = createLabService({ log, rendererDir });
  lab = service;
  bridge.attach(service);
  service.onStatus((status) => {
    state.scenario = status.scenario;
    state.canStep = status.state === "ready" && status.step < status.steps - 1;
    refreshMenu();
  });
  void service
    .listScenarios()
    .then((scenarios) => {
      state.scenarios = scenarios;
      refreshMenu();
    })
    .catch((err: unknown) => log(`listing scenarios: ${String(err)}`));
}

function openWindow(): void {
  let crashes = 0;
  const created = createMainWindow({
    create: (options) => new BrowserWindow(options),
    preloadPath,
    appUrl,
    openExternal: (url) => shell.openExternal(url),
    log,
    onFirstPaint: startLab,
  });
  win = created;
  const contents = created.webContents;
  contents.on("did-start-navigation", (details) => {
    if (details.isMainFrame && !details.isSameDocument) outbox.markNotReady();
  });
  contents.on("render-process-gone", (_event, details) => {
    outbox.markNotReady();
    log(`renderer gone: ${details.reason}`);
    if (details.reason !== "clean-exit" && ++crashes <= 3) contents.reload();
  });
  // The page asks before it unloads while it holds an unsaved live trace (its beforeunload).
  contents.on("will-prevent-unload", (event) => {
    const answer = dialog.showMessageBoxSync(created, unsavedPrompt());
    const decision = decideAfterPrompt(answer);
    if (decision === "discard") event.preventDefault();
    else if (decision === "save") request({ type: "save-trace" });
  });
  created.on("closed", () => {
    win = null;
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.enableSandbox();
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
  app.on("second-instance", () => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  // Every webContents, however it came to be, gets the navigation guard.
  app.on("web-contents-created", (_event, contents) => {
    guardWebContents(contents as unknown as GuardedWebContents, { openExternal: (url) => shell.openExternal(url), log });
  });
  createIpcGateway({
    ipcMain,
    trusted: { webContents: liveContents, isAppUrl: appUrl.isAppUrl },
    handlers: bridge.handlers,
    onReady: () => outbox.markReady(),
    log,
  });
  app.on("window-all-closed", () => app.quit());
  app.on("will-quit", (event) => {
    if (disposed) return;
    disposed = true;
    bridge.dispose();
    if (!lab) return;
    event.preventDefault();
    void lab
      .dispose()
      .catch((err: unknown) => log(`stopping the lab: ${String(err)}`))
      .finally(() => app.quit());
  });
  void app.whenReady().then(async () => {
    protocol.handle(APP_SCHEME, createAppProtocolHandler({ rendererDir, opened }));
    state.recent = await loadRecent(recentFile());
    refreshMenu();
    openWindow();
  });
}
