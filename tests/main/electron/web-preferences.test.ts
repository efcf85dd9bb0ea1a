// @vitest-environment node
// Every window gets the secure web preferences; each value is pinned so changing one fails here.

import { describe, expect, it } from "vitest";
import { createWebPreferences, SECURE_WEB_PREFERENCES } from "../../../src/main/electron/web-preferences.js";
import { createMainWindow, windowOptions, type WindowOptions } from "../../../src/main/electron/main-window.js";
import { createAppUrl } from "../../../src/main/electron/app-url.js";
import { FakeWebContents } from "./fakes.js";

const PRELOAD = "/app/out/preload/index.cjs";

describe("web preferences", () => {
  const prefs = createWebPreferences(PRELOAD);

  it.each([
    ["contextIsolation", true],
    ["sandbox", true],
    ["nodeIntegration", false],
    ["nodeIntegrationInWorker", false],
    ["nodeIntegrationInSubFrames", false],
    ["webSecurity", true],
    ["allowRunningInsecureContent", false],
    ["webviewTag", false],
    ["experimentalFeatures", false],
  ] as const)("%s is %s", (key, value) => {
    expect(prefs[key]).toBe(value);
  });

  it("has exactly these keys (no enableBlinkFeatures, no extra switches)", () => {
    expect(Object.keys(prefs).sort()).toEqual(
      [
        "allowRunningInsecureContent",
        "contextIsolation",
        "experimentalFeatures",
        "navigateOnDragDrop",
        "nodeIntegration",
        "nodeIntegrationInSubFrames",
        "nodeIntegrationInWorker",
        "preload",
        "sandbox",
        "spellcheck",
        "webSecurity",
        "webviewTag",
      ].sort(),
    );
    expect(prefs.preload).toBe(PRELOAD);
  });

  it("is frozen in type and value: the constant is what the factory spreads", () => {
    expect({ ...SECURE_WEB_PREFERENCES, preload: PRELOAD }).toEqual(prefs);
  });

  it("refuses an ES-module preload, which a sandboxed renderer cannot load", () => {
    expect(() => createWebPreferences("/app/out/preload/index.mjs")).toThrow(/CommonJS/);
    expect(createWebPreferences("/x/index.js").preload).toBe("/x/index.js");
  });
});

describe("the main window", () => {
  class FakeWindow {
    readonly webContents = new FakeWebContents();
    shown = false;
    private readyListener: (() => void) | null = null;
    constructor(readonly options: WindowOptions) {}
    once(_event: "ready-to-show", listener: () => void): this {
      this.readyListener = listener;
      return this;
    }
    show(): void {
      this.shown = true;
    }
    paint(): void {
      this.readyListener?.();
    }
  }

  function open() {
    const painted: FakeWindow[] = [];
    const win = createMainWindow({
      create: (o) => new FakeWindow(o),
      preloadPath: PRELOAD,
      appUrl: createAppUrl(),
      openExternal: () => undefined,
      log: () => undefined,
      onFirstPaint: (w) => painted.push(w),
    });
    return { win, painted };
  }

  it("is created with the secure preferences and hidden until its first paint", () => {
    const { win } = open();
    expect(win.options.webPreferences).toEqual(createWebPreferences(PRELOAD));
    expect(win.options).toEqual(windowOptions(PRELOAD));
    expect(win.options.show).toBe(false);
    expect(win.shown).toBe(false);
  });

  it("loads the app's own page", () => {
    const { win } = open();
    expect(win.webContents.loaded).toEqual(["app://socketscope/index.html"]);
  });

  it("starts the lab only after the first paint, and shows the window then", () => {
    const { win, painted } = open();
    expect(painted).toEqual([]);
    win.paint();
    expect(win.shown).toBe(true);
    expect(painted).toEqual([win]);
  });

  it("locks down its session and guards its navigation before loading", () => {
    const { win } = open();
    const s = win.webContents.session;
    expect(s.requestHandler).not.toBeNull();
    expect(s.checkHandler).not.toBeNull();
    expect(s.headersListener).not.toBeNull();
    expect(win.webContents.windowOpenHandler).not.toBeNull();
    expect(win.webContents.listeners.has("will-navigate")).toBe(true);
    expect(win.webContents.listeners.has("will-attach-webview")).toBe(true);
  });
});
