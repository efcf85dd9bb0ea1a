// @vitest-environment node
// src/main/index.ts, wired to a fake `electron` module (the module boundary, nothing deeper):
// the app:// protocol is registered and serves the page with its CSP; the window loads it; every
// menu item that acts on the page sends the page its request once the page is ready; File → Open
// offers the chosen file to the page at app://socketscope/opened/<token>; closing with an unsaved
// trace (the page's beforeunload) asks Save / Don't Save / Cancel.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { MenuItemConstructorOptions } from "electron";
import { type FakeIpcMain, type FakeWebContents, eventFrom } from "./electron/fakes.js";

const fake = vi.hoisted(() => {
  const state = {
    dir: "",
    windows: [] as { options: unknown; webContents: unknown; listeners: Map<string, ((...a: unknown[]) => void)[]> }[],
    menu: [] as unknown[],
    protocolHandlers: new Map<string, (req: Request) => Promise<Response>>(),
    privileged: [] as unknown[],
    openDialogResult: { canceled: false, filePaths: [] as string[] },
    messageBoxAnswer: 0,
    messageBoxes: [] as unknown[],
    appListeners: new Map<string, (...a: unknown[]) => void>(),
  };
  return state;
});

vi.mock("electron", async () => {
  const { FakeIpcMain, FakeWebContents } = await import("./electron/fakes.js");
  const ipcMain = new FakeIpcMain();
  class WebContents extends FakeWebContents {
    sent: [string, unknown][] = [];
    send(channel: string, payload: unknown): void {
      this.sent.push([channel, payload]);
    }
  }
  class BrowserWindow {
    readonly webContents = new WebContents("about:blank");
    readonly listeners = new Map<string, ((...a: unknown[]) => void)[]>();
    constructor(readonly options: unknown) {
      fake.windows.push(this);
    }
    on(event: string, l: (...a: unknown[]) => void): this {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), l]);
      return this;
    }
    once(event: string, l: (...a: unknown[]) => void): this {
      return this.on(event, l);
    }
    show(): void {}
    isDestroyed(): boolean {
      return false;
    }
    isMinimized(): boolean {
      return false;
    }
    setTitle(): void {}
  }
  const app = {
    isPackaged: false,
    requestSingleInstanceLock: () => true,
    enableSandbox: () => undefined,
    on: (event: string, l: (...a: unknown[]) => void) => {
      fake.appListeners.set(event, l);
      return app;
    },
    whenReady: () => Promise.resolve(),
    getPath: () => fake.dir,
    getAppPath: () => fake.dir,
    getVersion: () => "0.0.0",
    addRecentDocument: () => undefined,
    clearRecentDocuments: () => undefined,
    quit: () => undefined,
  };
  return {
    app,
    BrowserWindow,
    ipcMain,
    Menu: {
      buildFromTemplate: (t: unknown[]) => t,
      setApplicationMenu: (m: unknown[]) => void (fake.menu = m),
    },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => void fake.privileged.push(...s),
      handle: (scheme: string, h: (req: Request) => Promise<Response>) => void fake.protocolHandlers.set(scheme, h),
    },
    dialog: {
      showOpenDialog: async () => fake.openDialogResult,
      showMessageBoxSync: (_w: unknown, box: unknown) => {
        fake.messageBoxes.push(box);
        return fake.messageBoxAnswer;
      },
      showMessageBox: async () => ({ response: 0 }),
      showErrorBox: () => undefined,
    },
    shell: { openExternal: async () => undefined, openPath: async () => "" },
  };
});

type Item = MenuItemConstructorOptions;
const sub = (i: Item | undefined): Item[] => (i?.submenu as Item[] | undefined) ?? [];
const find = (items: Item[], ...path: string[]): Item => {
  let here: Item | undefined;
  let list = items;
  for (const label of path) {
    here = list.find((i) => i.label?.replace(/&/g, "") === label);
    if (!here) throw new Error(`no menu item ${path.join(" → ")}`);
    list = sub(here);
  }
  return here!;
};
const click = (...path: string[]): void => (find(fake.menu as Item[], ...path).click as () => void)();

let win: (typeof fake.windows)[number] & { webContents: FakeWebContents & { sent: [string, unknown][] } };
const requests = () => win.webContents.sent.filter(([c]) => c === "shell:request").map(([, r]) => r);
const flush = () => new Promise((r) => setTimeout(r, 10));

beforeAll(async () => {
  fake.dir = mkdtempSync(join(tmpdir(), "ss-index-"));
  await import("../../src/main/index.js");
  await flush();
  win = fake.windows[0] as typeof win;
});

afterAll(async () => {
  // will-quit stops the lab (if it started) and quits once it has.
  let quit!: () => void;
  const quitted = new Promise<void>((r) => (quit = r));
  const { app } = (await import("electron")) as unknown as { app: { quit: () => void } };
  app.quit = quit;
  fake.appListeners.get("will-quit")?.({ preventDefault: () => undefined });
  await Promise.race([quitted, new Promise((r) => setTimeout(r, 5000))]);
  rmSync(fake.dir, { recursive: true, force: true });
});

describe("src/main/index.ts", () => {
  it("registers app:// as a privileged scheme and serves the page there with the CSP header", async () => {
    expect(fake.privileged).toEqual([expect.objectContaining({ scheme: "app", privileges: expect.objectContaining({ standard: true, secure: true, supportFetchAPI: true }) })]);
    const handler = fake.protocolHandlers.get("app")!;
    const res = await handler(new Request("app://socketscope/index.html"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/);
    expect(await res.text()).toContain('<div id="root">');
    expect((await handler(new Request("app://socketscope/../../package.json"))).status).not.toBe(200);
    expect((await handler(new Request("app://elsewhere/index.html"))).status).toBe(404);
  });

  it("loads the page from app://socketscope/ in one window with the preload", () => {
    expect(fake.windows).toHaveLength(1);
    expect(win.webContents.loaded).toEqual(["app://socketscope/index.html"]);
    expect(win.options).toMatchObject({ webPreferences: { sandbox: true, contextIsolation: true, preload: expect.stringMatching(/preload[\\/]index\.cjs$/) } });
  });

  it("holds menu requests until the page is ready, then sends them", async () => {
    click("File", "Save Trace As…");
    expect(requests()).toEqual([]);
    // The page's preload says lab:ready from the window's main frame, showing the app's page.
    win.webContents.mainFrame.url = "app://socketscope/index.html";
    const { ipcMain } = (await import("electron")) as unknown as { ipcMain: FakeIpcMain };
    ipcMain.send("lab:ready", eventFrom(win.webContents));
    expect(requests()).toEqual([{ type: "save-trace" }]);
  });

  it.each([
    [["File", "Export View", "As SVG…"], { type: "export-view", format: "svg" }],
    [["File", "Export View", "As PNG…"], { type: "export-view", format: "png" }],
    [["View", "Toggle Presenter Mode"], { type: "toggle-presenter" }],
    [["View", "Theme", "Follow System"], { type: "set-theme", theme: "system" }],
    [["View", "Theme", "Dark"], { type: "set-theme", theme: "dark" }],
    [["View", "Theme", "High Contrast"], { type: "set-theme", theme: "contrast" }],
  ])("%j asks the page for %j", (path, request) => {
    const before = requests().length;
    click(...path);
    expect(requests().slice(before)).toEqual([request]);
  });

  it("File → Open Trace… offers the chosen file to the page, served on app:// and listed as recent", async () => {
    const path = join(fake.dir, "lesson.ndjson");
    writeFileSync(path, '{"format":"socketscope-trace"}\n');
    fake.openDialogResult = { canceled: false, filePaths: [path] };
    const before = requests().length;
    click("File", "Open Trace…");
    await flush();
    const [offer] = requests().slice(before) as { type: string; name: string; url: string }[];
    expect(offer).toMatchObject({ type: "open-trace", name: "lesson.ndjson", url: expect.stringMatching(/^\/opened\//) });
    const res = await fake.protocolHandlers.get("app")!(new Request(`app://socketscope${offer!.url}`));
    expect(await res.text()).toBe('{"format":"socketscope-trace"}\n');
    expect(sub(find(fake.menu as Item[], "File", "Open Recent")).map((i) => i.toolTip)).toContain(path);
    click("File", "Open Recent", "1 lesson.ndjson");
    expect(requests().at(-1)).toMatchObject({ type: "open-trace", name: "lesson.ndjson" });
  });

  it("starts the lab after the first paint; its scenarios fill the Scenario menu, whose items ask the page", async () => {
    for (const l of win.listeners.get("ready-to-show") ?? []) l();
    const radios = () => sub(find(fake.menu as Item[], "Scenario")).filter((i) => i.type === "radio");
    for (let i = 0; i < 200 && radios().length === 0; i++) await flush();
    const { SCENARIOS } = await import("../../src/main/lab/scenarios/index.js");
    expect(radios().map((i) => i.label)).toEqual(SCENARIOS.map((s) => s.title));
    const before = requests().length;
    const helloAck = SCENARIOS.findIndex((s) => s.id === "hello-ack");
    (radios()[helloAck]!.click as () => void)();
    click("Scenario", "Next Step");
    click("Scenario", "Restart");
    expect(requests().slice(before)).toEqual([{ type: "start-scenario", id: "hello-ack" }, { type: "next-step" }, { type: "restart-scenario" }]);
  });

  it("asks before the page unloads with an unsaved trace: Don't Save lets it go, Save asks the page to save, Cancel keeps it", () => {
    const unload = (answer: number) => {
      fake.messageBoxAnswer = answer;
      const event = { defaultPrevented: false, preventDefault() {
        this.defaultPrevented = true;
      } };
      win.webContents.emit("will-prevent-unload", event);
      return event.defaultPrevented;
    };
    expect(unload(1)).toBe(true);
    const before = requests().length;
    expect(unload(0)).toBe(false);
    expect(requests().slice(before)).toEqual([{ type: "save-trace" }]);
    expect(unload(2)).toBe(false);
    expect(requests()).toHaveLength(before + 1);
    expect(fake.messageBoxes.at(-1)).toMatchObject({ buttons: ["Save…", "Don't Save", "Cancel"] });
  });
});
