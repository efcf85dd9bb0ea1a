// The page's handling of every request a shell makes (Electron's menu items), in headless
// Chromium against web mode: the web server pushes the same request message the menu sends over
// IPC, and the page carries it out through the code its own buttons run. Also: no console error
// or warning on load, and the theme follows prefers-color-scheme until one is picked.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Download, Page } from "playwright-core";
import { browserAvailable, startWebMode, type WebMode } from "./browser.js";

const run = browserAvailable();

describe.skipIf(!run)("shell requests in Chromium (web mode)", () => {
  let web: WebMode;
  let page: Page;
  const errors: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), "ss-shell-"));

  beforeAll(async () => {
    web = await startWebMode();
    page = await web.context.newPage();
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") errors.push(`${m.type()}: ${m.text()}`);
    });
    await page.emulateMedia({ colorScheme: "light" });
    await page.goto(web.url);
    await page.getByRole("combobox", { name: "Scenario" }).locator("option", { hasText: "Hello" }).first().waitFor({ state: "attached", timeout: 20_000 });
  }, 60_000);

  afterAll(async () => {
    await web?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const rootClass = () => page.locator("div.app").first().getAttribute("class");
  const settle = async (check: () => Promise<boolean>, what: string): Promise<void> => {
    for (let i = 0; i < 200; i++) {
      if (await check()) return;
      await page.waitForTimeout(50);
    }
    throw new Error(`the page did not ${what}`);
  };
  const download = async (send: () => void): Promise<{ d: Download; text: Buffer }> => {
    const waiting = page.waitForEvent("download", { timeout: 15_000 });
    send();
    const d = await waiting;
    const path = join(dir, d.suggestedFilename());
    await d.saveAs(path);
    return { d, text: readFileSync(path) };
  };

  it("loads with no console error or warning", async () => {
    await page.waitForTimeout(500);
    expect(errors).toEqual([]);
  });

  it("follows prefers-color-scheme until a theme is picked (set-theme), and again after Follow System", async () => {
    expect(await rootClass()).toMatch(/theme-light/);
    await page.emulateMedia({ colorScheme: "dark" });
    await settle(async () => /theme-dark/.test((await rootClass()) ?? ""), "follow the dark scheme");
    web.request({ type: "set-theme", theme: "contrast" });
    await settle(async () => /theme-contrast/.test((await rootClass()) ?? ""), "take the contrast theme");
    expect(await page.getByRole("combobox", { name: "Theme" }).inputValue()).toBe("contrast");
    await page.emulateMedia({ colorScheme: "light" });
    await page.waitForTimeout(200);
    expect(await rootClass()).toMatch(/theme-contrast/); // picked: the system no longer decides
    web.request({ type: "set-theme", theme: "system" });
    await settle(async () => /theme-light/.test((await rootClass()) ?? ""), "follow the system again");
    expect(await page.getByRole("combobox", { name: "Theme" }).inputValue()).toBe("system");
  });

  it("toggle-presenter does what the Presenter button does", async () => {
    web.request({ type: "toggle-presenter" });
    await settle(async () => /\bpresenter\b/.test((await rootClass()) ?? ""), "enter presenter mode");
    await page.getByRole("button", { name: "Exit presenter (Esc)" }).click();
    await settle(async () => !/\bpresenter\b/.test((await rootClass()) ?? ""), "leave presenter mode");
    await page.getByRole("button", { name: "Presenter", exact: true }).click();
    await settle(async () => /\bpresenter\b/.test((await rootClass()) ?? ""), "enter presenter mode by its button");
    web.request({ type: "toggle-presenter" });
    await settle(async () => !/\bpresenter\b/.test((await rootClass()) ?? ""), "leave presenter mode by the request");
  });

  it("start-scenario and next-step drive the lab as Start and Next step do", async () => {
    web.request({ type: "start-scenario", id: "hello-ack" });
    await settle(async () => (await web.service.getStatus()).scenario === "hello-ack", "start hello-ack");
    web.request({ type: "next-step" });
    await settle(async () => {
      const s = await web.service.getStatus();
      return s.step === 0 && s.state !== "running";
    }, "run step 1");
    web.request({ type: "restart-scenario" });
    await settle(async () => (await web.service.getStatus()).step === -1, "restart");
  });

  it("save-trace downloads what the page holds, as NDJSON", async () => {
    web.request({ type: "next-step" });
    await settle(async () => (await web.service.getStatus()).step === 0, "run step 1 again");
    await page.waitForTimeout(500);
    const { d, text } = await download(() => web.request({ type: "save-trace" }));
    expect(d.suggestedFilename()).toMatch(/^socketscope-hello-ack-.*\.ndjson$/);
    const lines = text.toString("utf8").trim().split("\n");
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: "socketscope-trace", scenario: { id: "hello-ack" } });
    expect(lines.length).toBeGreaterThan(10);
    writeFileSync(join(dir, "lesson.ndjson"), text);
  });

  it("export-view svg and png download the focused view's picture", async () => {
    const svg = await download(() => web.request({ type: "export-view", format: "svg" }));
    expect(svg.d.suggestedFilename()).toMatch(/\.svg$/);
    expect(svg.text.toString("utf8")).toMatch(/^<svg[\s>]/);
    const png = await download(() => web.request({ type: "export-view", format: "png" }));
    expect(png.d.suggestedFilename()).toMatch(/\.png$/);
    expect([...png.text.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });

  it("open-trace opens the offered file as a file (worker-read, not live), like the Open button", async () => {
    const lines = readFileSync(join(dir, "lesson.ndjson"), "utf8").trim().split("\n").length;
    web.openTrace(join(dir, "lesson.ndjson"));
    await page.getByText(`Opened lesson.ndjson: ${(lines - 1).toLocaleString("en")} events.`).waitFor({ timeout: 20_000 });
    expect(await page.getByRole("button", { name: "Next step", exact: true }).isDisabled()).toBe(true);
    expect(await page.getByRole("button", { name: "Restart scenario", exact: true }).isDisabled()).toBe(true);
    expect(errors).toEqual([]);
  });
});
