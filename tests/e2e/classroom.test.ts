// The classroom in headless Chromium against web mode: a console-clean first screen that says
// where to start, axe-core with no violations, the keyboard path (choose, start, Next step, step
// back, seek, presenter and out), a played step that rests while heartbeats keep arriving,
// presenter text sizes, no clipped panel at 1366×768, and two windows that agree.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { browserAvailable, ROOT, startWebMode, type WebMode } from "./browser.js";

const run = browserAvailable();
const AXE = readFileSync(join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8");

interface AxeResult {
  violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
}

/**
 * The app's CSP (script-src 'self', no inline scripts, no eval) refuses addScriptTag's inline
 * script, so axe is evaluated through the DevTools protocol, which the page's CSP does not govern.
 */
async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate("typeof axe !== 'undefined'"))) await page.evaluate(`${AXE}\n;0`);
  const result = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] })")) as AxeResult;
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
}

/** Polls an expression in the page (waitForFunction would eval it there, which the CSP forbids). */
async function until(page: Page, expression: string, timeout = 10_000): Promise<void> {
  const end = Date.now() + timeout;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${expression}`);
    await page.waitForTimeout(50);
  }
}

/** The smallest computed font size of any visible element that holds text of its own (HTML and SVG). */
const SMALLEST_TEXT = `(() => {
  let min = Infinity; let where = "";
  for (const el of document.querySelectorAll(".app *")) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== "");
    if (!own) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility === "hidden" || cs.display === "none" || el.closest(".visually-hidden")) continue;
    const px = parseFloat(cs.fontSize);
    if (px < min) { min = px; where = el.tagName + "." + (el.getAttribute("class") || "") + " " + el.textContent.trim().slice(0, 30); }
  }
  return { min, where };
})()`;

describe.skipIf(!run)("the classroom", () => {
  let web: WebMode;
  let page: Page;
  const errors: string[] = [];
  const console: string[] = [];

  beforeAll(async () => {
    web = await startWebMode({ width: 1366, height: 768 });
    page = await web.context.newPage();
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") console.push(`${m.type()}: ${m.text()}`);
    });
    await page.goto(web.url);
    await page.getByRole("heading", { name: "Where to start" }).waitFor({ timeout: 10_000 });
  }, 60_000);

  afterAll(async () => {
    await web?.close();
  });

  const button = (name: string) => page.getByRole("button", { name, exact: true });
  const region = (name: string) => page.getByRole("region", { name, exact: true });
  const settled = async (): Promise<void> => {
    for (let i = 0; i < 200 && (await web.service.getStatus()).state === "running"; i++) await page.waitForTimeout(50);
  };
  const playhead = () => page.locator(".seek-pos").innerText();

  it("opens on a console-clean first screen that says where to start, with no axe violations", async () => {
    const scenarios = await web.service.listScenarios();
    const items = await page.locator(".welcome-list li").allInnerTexts();
    expect(items).toHaveLength(scenarios.length);
    scenarios.forEach((s, i) => {
      expect(items[i]).toContain(s.title);
      expect(items[i]).toContain(s.summary);
    });
    const options = await page.getByRole("combobox", { name: "Scenario" }).locator("option").allTextContents();
    expect(options.slice(1)).toEqual(scenarios.map((s, i) => `${i + 1}. ${s.title}`));
    await expect(page.getByRole("combobox", { name: "Step by" }).inputValue()).resolves.toBe("API");
    await expect(page.locator(".mode-badge").count()).resolves.toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    expect(console).toEqual([]);
  });

  it("keyboard: choosing never starts; Enter starts and focuses Next step; N in the menu is Next step, not type-ahead", async () => {
    const select = page.getByRole("combobox", { name: "Scenario" });
    const title = (await web.service.listScenarios()).find((s) => s.id === "heartbeat")!.title;
    await select.selectOption({ label: `4. ${title}` });
    await page.waitForTimeout(300);
    expect((await web.service.getStatus()).state).toBe("idle");
    await select.focus();
    await page.keyboard.press("Enter");
    for (let i = 0; i < 100 && (await web.service.getStatus()).scenario !== "heartbeat"; i++) await page.waitForTimeout(50);
    expect((await web.service.getStatus()).scenario).toBe("heartbeat");
    await until(page, "document.activeElement?.textContent === 'Next step'", 5000);
    // N with the menu focused runs Next step and leaves the menu on the running scenario.
    await select.focus();
    await page.keyboard.press("n");
    // The key reaches the lab through the page: under load the step may not have begun yet when settling is first asked.
    for (let i = 0; i < 100 && (await web.service.getStatus()).step !== 0; i++) await page.waitForTimeout(50);
    await settled();
    expect((await web.service.getStatus()).step).toBe(0);
    await expect(select.inputValue()).resolves.toBe("heartbeat");
  }, 60_000);

  it("a played step rests on its last event while heartbeats keep arriving; Next step never replays the backlog", async () => {
    // A press while step 1 still animates only finishes it; the next one runs step 2.
    for (let i = 0; i < 5 && (await web.service.getStatus()).step !== 1; i++) {
      await page.keyboard.press("n");
      await page.waitForTimeout(300);
    }
    await settled();
    const status = await web.service.getStatus();
    expect(status.step).toBe(1);
    // The step's playback ends on the lab's last event of the step; give it time to get there.
    const last = `#${status.stepEnd!.toLocaleString("en")}`;
    for (let i = 0; i < 600 && (await playhead()) !== last; i++) {
      if (i === 100) await page.keyboard.press("n"); // Next step during the animation finishes it
      await page.waitForTimeout(50);
    }
    expect(await playhead()).toBe(last);
    // Heartbeats every second: the views stay on the step while the badge counts them.
    await page.waitForTimeout(4500);
    expect(await playhead()).toBe(last);
    await expect(region("Narration").innerText()).resolves.toContain("Step 2 of 3");
    const badge = await page.locator(".new-badge").innerText();
    expect(Number(/^(\d+) new — show$/.exec(badge)?.[1])).toBeGreaterThan(4);
    // The next step starts at its own marker, past the backlog.
    await button("Next step").click();
    for (let i = 0; i < 100 && (await web.service.getStatus()).step !== 2; i++) await page.waitForTimeout(50);
    const third = await web.service.getStatus();
    await until(page, `document.querySelector(".narration-step")?.textContent.includes("Step 3 of 3")`);
    const shown = Number((await playhead()).slice(1).replace(/,/g, ""));
    expect(shown).toBeGreaterThanOrEqual(third.stepStart!);
    await settled();
  }, 60_000);

  it("keyboard: step back, the timeline's rows (↑/↓, Enter seeks), Home, End, presenter in and out with Esc", async () => {
    await button("Pause").click();
    const before = await playhead();
    await page.locator("body").focus();
    await page.keyboard.press("ArrowLeft");
    expect(await playhead()).not.toBe(before);
    const list = page.getByRole("listbox", { name: /Events/ });
    await list.focus();
    await page.keyboard.press("ArrowUp");
    await page.keyboard.press("ArrowUp");
    const active = await list.locator(".trow.active .tcol-id").innerText();
    await page.keyboard.press("Enter");
    expect(await playhead()).toBe(active);
    await page.locator("body").focus();
    await page.keyboard.press("Home");
    expect(await playhead()).toBe("start");
    await page.keyboard.press("End");
    expect(await playhead()).not.toBe("start");

    await page.keyboard.press("f");
    await expect(page.locator(".app.presenter").count()).resolves.toBe(1);
    await expect(button("Exit presenter (Esc)").isVisible()).resolves.toBe(true);
    // Heartbeat's key view (Timeline) has the room; the others shrink but stay.
    const area = async (name: string) => {
      const b = await region(name).boundingBox();
      return b ? b.width * b.height : 0;
    };
    const key = await area("Timeline");
    for (const other of ["Addressing", "TCP", "Layers", "Namespaces", "Inspector"]) {
      const a = await area(other);
      expect(a, other).toBeGreaterThan(0);
      expect(a * 3, other).toBeLessThan(key);
    }
    await page.keyboard.press("Escape");
    await expect(page.locator(".app.presenter").count()).resolves.toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  }, 60_000);

  it("at 1366×768 no panel clips its content: bodies scroll, the Namespaces picture keeps its height", async () => {
    const title = (await web.service.listScenarios()).find((s) => s.id === "namespaces")!.title;
    await page.getByRole("combobox", { name: "Scenario" }).selectOption({ label: `5. ${title}` });
    await button("Start").click();
    for (let i = 0; i < 100 && (await web.service.getStatus()).scenario !== "namespaces"; i++) await page.waitForTimeout(50);
    for (let step = 0; step < 4; step++) {
      await button("Next step").click();
      for (let i = 0; i < 100 && (await web.service.getStatus()).step !== step; i++) await page.waitForTimeout(50);
      await settled();
      await button("Jump to live").click();
    }
    const clipped = (await page.evaluate(`(() => {
      const out = [];
      for (const el of document.querySelectorAll(".views .panel, .views .panel *")) {
        const cs = getComputedStyle(el);
        const hides = cs.overflowY === "hidden" || cs.overflowY === "clip";
        if (hides && el.scrollHeight > el.clientHeight + 1 && !el.classList.contains("visually-hidden")) out.push(el.className + " " + el.scrollHeight + ">" + el.clientHeight);
      }
      return out;
    })()`)) as string[];
    expect(clipped).toEqual([]);
    // The Timeline keeps room for a few rows under its filters (the page scrolls instead).
    const rows = await page.locator(".timeline-scroll").evaluate((el) => el.clientHeight / (el.querySelector(".trow")?.getBoundingClientRect().height ?? 1));
    expect(rows).toBeGreaterThanOrEqual(4);
    const nsp = await region("Namespaces").innerText();
    for (const want of ["/chat", "/streaming-response", "client-2"]) expect(nsp).toContain(want);
  }, 60_000);

  it("two windows on one lab agree: scenario, step and narration follow the lab", async () => {
    const other = await web.context.newPage();
    await other.goto(web.url);
    const title = (await web.service.listScenarios()).find((s) => s.id === "hello-ack")!.title;
    await page.getByRole("combobox", { name: "Scenario" }).selectOption({ label: `2. ${title}` });
    await button("Start").click();
    await until(other, `document.querySelector("select[aria-label=Scenario]").value === "hello-ack"`);
    await other.getByRole("button", { name: "Next step", exact: true }).click();
    await settled();
    for (const p of [page, other]) {
      await until(p, `document.querySelector(".narration-step")?.textContent.startsWith("Step 1 of 2")`);
      await expect(p.getByRole("combobox", { name: "Scenario" }).inputValue()).resolves.toBe("hello-ack");
    }
    await other.close();
  }, 60_000);
});

describe.skipIf(!run)("presenter text sizes", () => {
  let web: WebMode;
  afterAll(async () => web?.close());

  it("no text under 18 px at 1280×720 in presenter mode; base 24–28 px at 1920×1080", async () => {
    web = await startWebMode({ width: 1280, height: 720 });
    const page = await web.context.newPage();
    await page.goto(web.url);
    await web.service.startScenario("lossy-tcp");
    await until(page, `document.querySelector("select[aria-label=Scenario]").value === "lossy-tcp"`);
    await page.getByRole("button", { name: "Next step", exact: true }).click();
    for (let i = 0; i < 100 && (await web.service.getStatus()).state !== "ready"; i++) await page.waitForTimeout(50);
    await page.getByRole("button", { name: "Jump to live", exact: true }).click();
    await page.keyboard.press("f");
    await page.waitForTimeout(300);
    const small = (await page.evaluate(SMALLEST_TEXT)) as { min: number; where: string };
    console.log(`presenter 1280×720: smallest text ${small.min} px (${small.where})`);
    expect(small.min, small.where).toBeGreaterThanOrEqual(18);
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.waitForTimeout(300);
    const base = parseFloat((await page.evaluate(`getComputedStyle(document.querySelector(".app")).fontSize`)) as string);
    console.log(`presenter 1920×1080: base ${base} px`);
    expect(base).toBeGreaterThanOrEqual(24);
    expect(base).toBeLessThanOrEqual(28);
    // lossy-tcp's key view is TCP.
    const tcp = await page.getByRole("region", { name: "TCP", exact: true }).boundingBox();
    expect(tcp!.width).toBeGreaterThan(1200);
  }, 90_000);
});
