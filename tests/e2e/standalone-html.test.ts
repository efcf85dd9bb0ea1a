// Replays that open anywhere: every scenario's trace exported as one HTML file opens from
// file:// in Chromium with no network at all, steps forward and back, and follows deep links.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportCommand } from "../../src/main/cli/export-command.js";
import { runScenarioToFile } from "../../src/main/cli/run-scenario.js";
import { SCENARIOS } from "../../src/main/lab/scenarios/index.js";
import { browserAvailable, CHROMIUM, ensureRendererBuilt } from "./browser.js";

const run = browserAvailable();
const NINE = ["addressing", "hello-ack", "upgrade", "heartbeat", "namespaces", "rooms", "lossy-tcp", "reconnect", "binary"];

describe.skipIf(!run)("a lesson exported as one HTML file", () => {
  const dir = mkdtempSync(join(tmpdir(), "ss-html-"));
  let browser: Browser;
  let viewer: string;
  beforeAll(async () => {
    viewer = ensureRendererBuilt();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"] });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(NINE)("%s opens from file:// offline, steps forward and back, and follows #step= and #event=", async (id) => {
    const trace = join(dir, `${id}.ndjson`);
    const html = join(dir, `${id}.html`);
    expect((await runScenarioToFile(id, trace, { port: 0 })).ok).toBe(true);
    const lines: string[] = [];
    expect(await exportCommand([trace, "--html", html, "--viewer", viewer], (l) => lines.push(l)), lines.join("\n")).toBe(0);
    expect(statSync(html).size).toBeGreaterThan(50_000);

    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, offline: true });
    const requests: string[] = [];
    const errors: string[] = [];
    context.on("request", (r) => {
      if (!/^(file|data|blob):/.test(r.url())) requests.push(r.url());
    });
    const page = await context.newPage();
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    const scenario = SCENARIOS.find((s) => s.id === id)!;
    await page.goto(`file://${html}#step=2`);
    const narration = page.getByRole("region", { name: "Narration", exact: true });
    await expect.poll(() => narration.innerText(), { timeout: 15_000 }).toContain(scenario.steps[1]!.title);

    const playhead = async () => (await page.locator(".trow.playhead").first().innerText().catch(() => "")).trim();
    // The timeline draws its playhead row a frame or more after the narration: read it once it is there.
    await expect.poll(playhead, { timeout: 5_000 }).not.toBe("");
    const at = await playhead();
    await page.getByRole("button", { name: "Step forward", exact: true }).click();
    await expect.poll(playhead, { timeout: 5_000 }).not.toBe(at);
    await page.getByRole("button", { name: "Step back", exact: true }).click();
    await expect.poll(playhead, { timeout: 5_000 }).toBe(at);
    // A smaller window (or a height measured after the deep link's seek) keeps the playhead's row in view.
    await page.setViewportSize({ width: 1280, height: 680 });
    await expect.poll(playhead, { timeout: 5_000 }).toBe(at);
    await page.setViewportSize({ width: 1366, height: 768 });

    // A deep link to one event: the inspector shows it.
    await page.evaluate(() => {
      (globalThis as unknown as { location: { hash: string } }).location.hash = "#event=5";
    });
    await expect.poll(() => page.getByRole("region", { name: "Inspector", exact: true }).innerText()).toMatch(/#5\b/);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await context.close();
  }, 60_000);
});
