// @vitest-environment node
// End to end in the real Electron app (Playwright's _electron): window.socketscope works, Node is
// out of the page's reach, and the window's live web preferences are the secure ones. Runs only
// where an Electron binary and a display exist; elsewhere it skips and prints why.

import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { _electron, type ElectronApplication, type Page } from "playwright-core";

const root = join(import.meta.dirname, "../..");
const startScript = (await import(pathToFileURL(join(root, "scripts/start.mjs")).href)) as {
  findElectronBinary(env: NodeJS.ProcessEnv): string | null;
  hasDisplay(platform: string, env: NodeJS.ProcessEnv): boolean;
};

const binary = startScript.findElectronBinary(process.env);
const built = existsSync(join(root, "out/main/index.js")) && existsSync(join(root, "out/preload/index.cjs"));
const skipReason = !binary
  ? "the Electron binary is not installed (it downloads on first start; this machine could not get it)"
  : !startScript.hasDisplay(process.platform, process.env)
    ? "there is no display (DISPLAY / WAYLAND_DISPLAY unset)"
    : !built
      ? "the app is not built (run npx electron-vite build)"
      : null;
if (skipReason) console.warn(`tests/e2e/electron.test.ts did not run: ${skipReason}.`);

type Api = Record<string, (...args: unknown[]) => Promise<unknown>>;

describe.skipIf(skipReason !== null)("the Electron app", () => {
  let app: ElectronApplication;
  let page: Page;

  beforeAll(async () => {
    app = await _electron.launch({ executablePath: binary!, args: [root], cwd: root, timeout: 30_000 });
    page = await app.firstWindow();
    await page.waitForFunction(() => typeof (globalThis as { socketscope?: unknown }).socketscope === "object");
  }, 60_000);

  afterAll(async () => {
    await app?.close();
  });

  it("keeps Node out of the page: require and process are undefined", async () => {
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe("undefined");
    expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe("undefined");
  });

  it("exposes window.socketscope with functions only, and it talks to the lab", async () => {
    const shape = await page.evaluate(() => {
      const api = (globalThis as unknown as { socketscope: Record<string, unknown> }).socketscope;
      return Object.entries(api).map(([k, v]) => [k, typeof v]);
    });
    expect(shape.every(([, t]) => t === "function")).toBe(true);
    expect(shape.map(([k]) => k)).not.toContain("ipcRenderer");
    const scenarios = await page.evaluate(() => (globalThis as unknown as { socketscope: Api }).socketscope.listScenarios!());
    expect(Array.isArray(scenarios)).toBe(true);
    const status = (await page.evaluate(() => (globalThis as unknown as { socketscope: Api }).socketscope.getStatus!())) as {
      state: string;
    };
    expect(typeof status.state).toBe("string");
  });

  it("created the window with the secure web preferences", async () => {
    // getLastWebPreferences is what electron's own spec reads; it is not in the public typings.
    const prefs = await app.evaluate(({ BrowserWindow }) => {
      const contents = BrowserWindow.getAllWindows()[0]!.webContents as unknown as { getLastWebPreferences(): unknown };
      return contents.getLastWebPreferences();
    });
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
    });
  });

  it("refuses navigation away from the app", async () => {
    const before = page.url();
    await page.evaluate(() => {
      (globalThis as unknown as { location: { href: string } }).location.href = "https://example.com/";
    });
    await page.waitForTimeout(500);
    expect(page.url()).toBe(before);
  });
});

// Where it skips, the report lists the reason as a skipped test.
if (skipReason) it.skip(`did not run: ${skipReason}`, () => undefined);
