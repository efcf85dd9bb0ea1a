// "Save as web page" in the app: the page saves itself with its trace as one HTML file, which
// opens from file:// with no network, and can be saved again from there.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, openApp, startWebMode, type WebMode } from "./browser.js";

const run = browserAvailable();

describe.skipIf(!run)("Save as web page", () => {
  let web: WebMode;
  let page: Page;
  const errors: string[] = [];
  const dir = process.env.KEEP_DIR ?? mkdtempSync(join(tmpdir(), "ss-webpage-"));
  beforeAll(async () => {
    web = await startWebMode();
    page = await openApp(web, errors);
  }, 180_000);
  afterAll(async () => {
    await web?.close();
    if (!process.env.KEEP_DIR) rmSync(dir, { recursive: true, force: true });
  });

  const saveAs = async (p: Page, file: string): Promise<void> => {
    const [download] = await Promise.all([p.waitForEvent("download"), p.getByRole("button", { name: "Web page", exact: true }).click()]);
    expect(download.suggestedFilename()).toMatch(/^socketscope-hello-ack-.*\.html$/);
    await download.saveAs(file);
  };
  const openOffline = async (file: string, at = "#step=2"): Promise<{ page: Page; requests: string[]; close(): Promise<void> }> => {
    const context = await web.context.browser()!.newContext({ offline: true });
    const requests: string[] = [];
    context.on("request", (r) => {
      if (!/^(file|data|blob):/.test(r.url())) requests.push(r.url());
    });
    const p = await context.newPage();
    p.on("pageerror", (e) => errors.push(e.message));
    await p.goto(file.startsWith("file://") ? file : `file://${file}${at}`);
    return { page: p, requests, close: () => context.close() };
  };

  it("saves the lesson as one page that opens offline at a deep link, and saves again from there", async () => {
    // The lab runs both steps (as Next step does); the page follows the lab.
    await web.service.startScenario("hello-ack");
    await web.service.nextStep();
    await web.service.nextStep();
    await expect.poll(() => page.getByRole("region", { name: "Narration", exact: true }).innerText(), { timeout: 15_000 }).toContain('socket.emit("hello", "world", cb)');

    const first = join(dir, "first.html");
    await saveAs(page, first);
    expect(statSync(first).size).toBeGreaterThan(50_000);
    const a = await openOffline(first);
    await expect.poll(() => a.page.getByRole("region", { name: "Narration", exact: true }).innerText(), { timeout: 15_000 }).toContain('socket.emit("hello", "world", cb)');

    // Saved again from the saved page (its viewer is inline there).
    const second = join(dir, "second.html");
    await saveAs(a.page, second);
    const b = await openOffline(second);
    await expect.poll(() => b.page.getByRole("region", { name: "Narration", exact: true }).innerText(), { timeout: 15_000 }).toContain('socket.emit("hello", "world", cb)');
    expect([...a.requests, ...b.requests]).toEqual([]);

    // A short trace as a link: a saved page opened at #trace=… shows that trace, offline.
    await a.page.getByRole("button", { name: "Link", exact: true }).click();
    const link = await a.page.getByRole("textbox", { name: "Link to this trace" }).inputValue();
    expect(link).toMatch(/^file:\/\/.*first\.html#trace=[A-Za-z0-9_-]+$/);
    const c = await openOffline(`${link.replace(/first\.html/, "second.html")}&step=2`);
    await expect.poll(() => c.page.getByRole("region", { name: "Narration", exact: true }).innerText(), { timeout: 15_000 }).toContain('socket.emit("hello", "world", cb)');
    await expect(c.page.locator("body").innerText()).resolves.toContain("linked trace.ndjson");
    expect(c.requests).toEqual([]);
    await a.close();
    await b.close();
    await c.close();
    expect(errors).toEqual([]);
  }, 90_000);
});
