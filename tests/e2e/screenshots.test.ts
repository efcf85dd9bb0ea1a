// Screenshots for docs/screenshots (1366×768, normal, presenter and dark) and frame times
// while a scenario plays. Runs only with SOCKETSCOPE_SCREENSHOTS=1: it rewrites the PNGs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { browserAvailable, ROOT, startWebMode, type WebMode } from "./browser.js";
import { runScenarioToFile } from "../../src/main/cli/run-scenario.js";

const enabled = process.env.SOCKETSCOPE_SCREENSHOTS === "1" && browserAvailable();
const OUT = join(ROOT, "docs/screenshots");
const VIEWS = ["Addressing", "TCP", "Layers", "Namespaces", "Timeline", "Inspector", "Narration"];

describe.skipIf(!enabled)("screenshots", () => {
  let web: WebMode;
  let page: Page;
  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    web = await startWebMode();
    page = await web.context.newPage();
    await page.goto(web.url);
  }, 60_000);
  afterAll(async () => web?.close());

  const button = (name: string) => page.getByRole("button", { name, exact: true });
  const settle = async () => {
    for (let i = 0; i < 100 && (await web.service.getStatus()).state === "running"; i++) await page.waitForTimeout(100);
  };

  it("captures every view and measures frames while playing", async () => {
    // By id: the options' labels are numbered in lesson order ("2. …").
    await page.getByRole("combobox", { name: "Scenario" }).selectOption("hello-ack");
    await page.getByRole("combobox", { name: "Step by" }).selectOption("TCP");
    await page.getByRole("slider", { name: "Speed" }).fill("4");
    await button("Next step").click();
    // Frame times while the first step plays live (every TCP-level event is a flight).
    // Runs in the page (a string, as the node project has no DOM types).
    const frames = (await page.evaluate(`new Promise((resolve) => {
      const deltas = [];
      let last = performance.now();
      const end = last + 4000;
      const loop = (now) => { deltas.push(now - last); last = now; if (now < end) requestAnimationFrame(loop); else resolve(deltas); };
      requestAnimationFrame(loop);
    })`)) as number[];
    const sorted = [...frames].sort((a, b) => a - b);
    const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]?.toFixed(1);
    console.log(`frames while playing: n=${frames.length} median ${p(0.5)} ms, p95 ${p(0.95)} ms, max ${p(1)} ms`);
    await settle();
    await button("Pause").click().catch(() => undefined);
    await button("Next step").click();
    await settle();
    // Review: stop where the server has just decoded the emit.
    await page.getByRole("combobox", { name: "Step by" }).selectOption("Socket.IO");
    const layers = page.getByRole("region", { name: "Layers", exact: true });
    for (let i = 0; i < 200; i++) {
      const text = await layers.innerText();
      if (text.includes('420["hello","world"]') && text.includes("server receives")) break;
      await button("Step forward").click();
    }
    await page.getByRole("combobox", { name: "Step by" }).selectOption("Engine.IO");
    await button("Step forward").click();
    await page.waitForTimeout(1200);
    await page.screenshot({ path: join(OUT, "app-light.png") });
    for (const v of VIEWS) await page.getByRole("region", { name: v, exact: true }).screenshot({ path: join(OUT, `view-${v.toLowerCase()}.png`) });
    await page.keyboard.press("f");
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(OUT, "app-presenter.png") });
    await page.keyboard.press("f");
    await page.getByRole("combobox", { name: "Theme" }).selectOption("dark");
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(OUT, "app-dark.png") });
    await page.getByRole("combobox", { name: "Theme" }).selectOption("contrast");
    await page.keyboard.press("f");
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(OUT, "app-presenter-contrast.png") });
    expect(frames.length).toBeGreaterThan(10);
    // Back to the light theme outside presenter mode for the captures that follow.
    await page.keyboard.press("f");
    await page.getByRole("combobox", { name: "Theme" }).selectOption("light");
  }, 120_000);

  it("captures the TCP view mid-way through lossy-tcp: loss, retransmission, the buffer and its gap", async () => {
    await button("Pause").click().catch(() => undefined);
    await page.getByRole("combobox", { name: "Scenario" }).selectOption("lossy-tcp");
    await settle();
    await button("Next step").click();
    await settle();
    await button("Next step").click();
    await settle();
    await page.waitForTimeout(500);
    await page.getByRole("combobox", { name: "Step by" }).selectOption("TCP");
    const tcp = page.getByRole("region", { name: "TCP", exact: true });
    const wanted = (t: string) => t.includes("resent") && t.includes("✕ lost") && / held \d+ B/.test(t) && /gap \d+–\d+/.test(t);
    let found = false;
    for (let i = 0; i < 300 && !found; i++) {
      await button("Step forward").click();
      found = wanted(await tcp.innerText());
    }
    expect(found).toBe(true);
    await page.waitForTimeout(1200);
    await tcp.screenshot({ path: join(OUT, "view-tcp-lossy.png") });
    await page.keyboard.press("f");
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(OUT, "app-presenter-tcp-lossy.png") });
    await page.keyboard.press("f");
  }, 120_000);

  it("captures Addressing with five clients", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ss-shots-"));
    try {
      const file = join(dir, "addressing-5-clients.ndjson");
      const run = await runScenarioToFile("addressing", file, { port: 0, clients: 5 });
      expect(run.error).toBeUndefined();
      await page.getByLabel("Open trace file").setInputFiles(file);
      const opened = page.getByRole("status").filter({ hasText: "Opened addressing-5-clients.ndjson" });
      await opened.waitFor({ timeout: 10_000 });
      await opened.getByRole("button", { name: "Dismiss" }).click();
      // Stop where all five clients are connected over WebSocket.
      await page.getByRole("combobox", { name: "Step by" }).selectOption("API");
      const addressing = page.getByRole("region", { name: "Addressing", exact: true });
      for (let i = 0; i < 200; i++) {
        const text = await addressing.innerText();
        if (text.includes("client 5") && (text.match(/↔/g) ?? []).length >= 5) break;
        await button("Step forward").click();
      }
      await page.waitForTimeout(1200);
      await addressing.screenshot({ path: join(OUT, "view-addressing-5-clients.png") });
      await page.keyboard.press("f");
      await page.waitForTimeout(500);
      await page.screenshot({ path: join(OUT, "app-presenter-addressing-5-clients.png") });
      await page.keyboard.press("f");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
