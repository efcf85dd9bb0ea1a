// Electron main entry: wires the shell's modules (src/main/electron/) to the real electron API:
// app lifecycle, the one window, the IPC gateway, menus and dialogs, and the lab, which runs in
// this process and starts after the window's first paint (docs/architecture.md says why).

import { app, BrowserWindow, dialog, ipcMain, Menu, nativeTheme, shell, type WebContents } from "electron";
import { writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { createLabService, type LabService } from "./lab/lab-service.js";
import { readTraceFile } from "./trace/trace-reader.js";
import { createTraceWriter } from "./trace/trace-writer.js";
import { createAppUrl } from "./electron/app-url.js";
import { allowedExternalUrl } from "./electron/external-links.js";
import { createIpcGateway } from "./electron/ipc-gateway.js";
import { createLabBridge } from "./electron/lab-bridge.js";
import { createMainWindow } from "./electron/main-window.js";
import { buildMenuTemplate, type MenuActions, type MenuState } from "./electron/menu.js";
import { guardWebContents, type GuardedWebContents } from "./electron/navigation-guard.js";
import { createOutbox } from "./electron/outbox.js";
import { addRecent, loadRecent, saveRecent } from "./electron/recent-files.js";
import { createSvgRequests } from "./electron/svg-requests.js";
import { decideAfterPrompt, unsavedPrompt } from "./electron/unsaved-prompt.js";

const log = (message: string): void => console.warn(`[socketscope] ${message}`);
const here = import.meta.dirname;
const appUrl = createAppUrl({
  indexFile: join(here, "../renderer/index.html"),
  devUrl: app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL,
});
const preloadPath = join(here, "../preload/index.cjs");
const recentFile = (): string => join(app.getPath("userData"), "recent-traces.json");
const traceDocPath = (): string =>
  app.isPackaged ? join(process.resourcesPath, "docs", "trace-format.md") : join(app.getAppPath(), "docs", "trace-format.md");

let win: BrowserWindow | null = null;
let lab: LabService | null = null;
let quitConfirmed = false;
let disposed = false;

const liveContents = (): WebContents | null => (win && !win.isDestroyed() ? win.webContents : null);
const outbox = createOutbox((channel, payload) => liveContents()?.send(channel, payload));
const bridge = createLabBridge({ outbox });
const svgRequests = createSvgRequests();

const state: MenuState = {
  platform: process.platform,
  appName: "SocketScope",
  dev: !app.isPackaged,
  scenarios: [],
  scenario: undefined,
  canStep: false,
  canSave: false,
  recent: [],
  presenter: false,
  theme: "system",
};

function refreshMenu(): void {
  state.canSave = bridge.trace.header !== undefined;
  Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate(state, actions)));
}

async function remember(path: string): Promise<void> {
  state.recent = addRecent(state.recent, path);
  app.addRecentDocument(path);
  refreshMenu();
  await saveRecent(recentFile(), state.recent).catch((err: unknown) => log(`saving recent traces: ${String(err)}`));
}

async function openTracePath(path: string): Promise<void> {
  try {
    const { header, events } = await readTraceFile(path);
    await bridge.showTraceFile(header, events, path);
    outbox.post("app:menu", { type: "trace-opened", path });
    win?.setTitle(`${basename(path)} — SocketScope`);
    await remember(path);
  } catch (err) {
    await dialog.showMessageBox({
      type: "error",
      message: "This trace cannot be opened.",
      detail: err instanceof Error ? err.message : String(err),
    });
  }
}

/** Resolves true once the trace is written, false if the user cancelled or writing failed. */
async function saveTraceAs(): Promise<boolean> {
  const { header, events } = bridge.trace;
  if (!header) return false;
  const name = `${header.scenario?.id ?? "trace"}-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-")}.ndjson`;
  const choice = await dialog.showSaveDialog({
    title: "Save Trace As",
    defaultPath: bridge.trace.path ?? join(app.getPath("documents"), name),
    filters: [{ name: "SocketScope trace", extensions: ["ndjson"] }],
  });
  if (choice.canceled || !choice.filePath) return false;
  try {
    const writer = createTraceWriter(choice.filePath, header);
    writer.append(events);
    writer.close();
    bridge.trace.markSaved(choice.filePath);
    await remember(choice.filePath);
    return true;
  } catch (err) {
    dialog.showErrorBox("The trace could not be saved", err instanceof Error ? err.message : String(err));
    return false;
  }
}

async function exportView(format: "svg" | "png"): Promise<void> {
  const contents = liveContents();
  if (!contents) return;
  let data: string | Buffer;
  if (format === "png") {
    data = (await contents.capturePage()).toPNG();
  } else {
    const { id, answer } = svgRequests.request();
    outbox.post("app:menu", { type: "export-svg", requestId: id });
    const svg = await answer;
    if (svg === null) {
      await dialog.showMessageBox({ type: "info", message: "This view cannot be exported as SVG.", detail: "Try PNG instead." });
      return;
    }
    data = svg;
  }
  const choice = await dialog.showSaveDialog({
    title: `Export View as ${format.toUpperCase()}`,
    defaultPath: join(app.getPath("pictures"), `socketscope-view.${format}`),
    filters: [{ name: format.toUpperCase(), extensions: [format] }],
  });
  if (choice.canceled || !choice.filePath) return;
  await writeFile(choice.filePath, data);
}

const actions: MenuActions = {
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
  openRecent: (path) => void openTracePath(path),
  clearRecent: () => {
    state.recent = [];
    app.clearRecentDocuments();
    refreshMenu();
    void saveRecent(recentFile(), []);
  },
  saveTraceAs: () => void saveTraceAs(),
  exportView: (format) =>
    void exportView(format).catch((err: unknown) => dialog.showErrorBox("Export failed", String(err))),
  setPresenter: (on) => {
    state.presenter = on;
    outbox.post("app:menu", { type: "presenter", on });
    refreshMenu();
  },
  setTheme: (theme) => {
    state.theme = theme;
    nativeTheme.themeSource = theme; // the page follows prefers-color-scheme
    refreshMenu();
  },
  startScenario: (id) => void bridge.handlers.startScenario(id).catch((err: unknown) => log(String(err))),
  nextStep: () => void bridge.handlers.nextStep().catch((err: unknown) => log(String(err))),
  restartScenario: () => void bridge.handlers.restartScenario().catch((err: unknown) => log(String(err))),
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
  const service = createLabService({ log });
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
  created.on("close", (event) => {
    if (quitConfirmed || !bridge.trace.dirty) return;
    event.preventDefault();
    void dialog.showMessageBox(created, unsavedPrompt(bridge.trace.events.length)).then(async ({ response }) => {
      const decision = decideAfterPrompt(response);
      if (decision === "cancel") return;
      if (decision === "save" && !(await saveTraceAs())) return;
      quitConfirmed = true;
      created.close();
    });
  });
  created.on("closed", () => {
    win = null;
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.enableSandbox();
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
    onSvg: (id, svg) => svgRequests.resolve(id, svg),
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
    state.recent = await loadRecent(recentFile());
    refreshMenu();
    openWindow();
  });
}
