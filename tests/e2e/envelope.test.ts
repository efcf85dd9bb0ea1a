// Open the envelope, Follow connection, Addressing that reads and captioned exports, in headless
// Chromium against web mode running the rooms lesson: a broadcast's Layers row opens a card with
// a stack per recipient and "not in the room" for client 3; the Addressing table marks each link's
// transport and opens Follow connection with the TCP model's counts; nothing in the Addressing
// drawing overlaps, at 1366×768 and in presenter mode; a broadcast's packets fly as envelopes on
// several links at once; an exported SVG carries its caption; axe finds nothing, the console stays clean.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { browserAvailable, ROOT, startWebMode, type WebMode } from "./browser.js";

const run = browserAvailable();
const AXE = readFileSync(join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8");

async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate("typeof axe !== 'undefined'"))) await page.evaluate(`${AXE}\n;0`);
  const result = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] })")) as { violations: { id: string; help: string; nodes: { target: string[] }[] }[] };
  return result.violations.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
}

/** Boxes, socket tabs and link badges of the Addressing drawing that overlap, by their screen boxes. */
const ADDRESSING_OVERLAPS = `(() => {
  const svg = document.querySelector('section[aria-label="Addressing"] svg');
  const r = (el, what) => { const b = el.getBoundingClientRect(); return { x0: b.left, x1: b.right, y0: b.top, y1: b.bottom, what, el }; };
  const boxes = [...svg.querySelectorAll(".host > rect")].map((el) => r(el, el.parentNode.querySelector(".host-label").textContent));
  const tabs = [...svg.querySelectorAll(".socket rect")].map((el) => r(el, "tab " + el.parentNode.textContent));
  const badges = [...svg.querySelectorAll(".link-badge circle")].map((el) => r(el, "badge " + el.parentNode.textContent));
  const hit = (a, b) => a.x0 < b.x1 - 0.5 && b.x0 < a.x1 - 0.5 && a.y0 < b.y1 - 0.5 && b.y0 < a.y1 - 0.5;
  const all = [...boxes, ...tabs, ...badges];
  const out = [];
  for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) {
    const a = all[i], b = all[j];
    const ownTab = (t, box) => t.what.startsWith("tab") && box.el.parentNode.contains(t.el);
    if (ownTab(a, b) || ownTab(b, a)) continue;
    if (hit(a, b)) out.push(a.what + " / " + b.what);
  }
  return { out, boxes: boxes.length, badges: badges.length };
})()`;

describe.skipIf(!run)("open the envelope, follow a connection (rooms in web mode)", () => {
  let web: WebMode;
  let page: Page;
  const console: string[] = [];

  beforeAll(async () => {
    web = await startWebMode({ width: 1366, height: 768 });
    page = await web.context.newPage();
    page.on("pageerror", (e) => console.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") console.push(`${m.type()}: ${m.text()}`);
    });
    await page.goto(web.url);
    await page.getByRole("heading", { name: "Where to start" }).waitFor({ timeout: 10_000 });
    await web.service.startScenario("rooms");
    // Step 1: three clients on /chat; step 2: two join "lobby"; step 3: io.to("lobby").emit("news").
    for (let i = 0; i < 3; i++) await web.service.nextStep();
    const status = await web.service.getStatus();
    const last = `#${status.stepEnd!.toLocaleString("en")}`;
    for (let i = 0; i < 400 && (await page.locator(".seek-pos").innerText()) !== last; i++) await page.waitForTimeout(50);
  }, 90_000);

  /** Steps back (by code calls) to the broadcast's own API event: the sender's API row is current. */
  const toBroadcast = async (): Promise<void> => {
    const at = "document.querySelector('.stack-sender .stack-row.layer-api.current')?.textContent ?? ''";
    for (let i = 0; i < 12 && !((await page.evaluate(at)) as string).includes('.to("lobby").emit("news"'); i++) {
      await page.getByRole("button", { name: "Step back", exact: true }).click();
      await page.waitForTimeout(100);
    }
    expect(await page.evaluate(at)).toContain('.to("lobby").emit("news"');
  };

  afterAll(async () => {
    await web?.close();
  });

  it("Addressing: links numbered with their client and transport in a table; nothing overlaps, in normal and presenter mode", async () => {
    const table = page.getByRole("region", { name: "Addressing", exact: true }).locator("table.link-table");
    const rows = await table.locator("tbody tr").allInnerTexts();
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const c of ["client 1", "client 2", "client 3"]) expect(rows.some((r) => r.includes(c) && r.includes("WebSocket"))).toBe(true);
    const normal = (await page.evaluate(ADDRESSING_OVERLAPS)) as { out: string[]; boxes: number; badges: number };
    expect(normal.boxes).toBe(4);
    expect(normal.badges).toBeGreaterThanOrEqual(3);
    expect(normal.out).toEqual([]);
    await page.keyboard.press("f");
    await page.locator(".app.presenter").waitFor();
    await page.waitForTimeout(300);
    expect(((await page.evaluate(ADDRESSING_OVERLAPS)) as { out: string[] }).out).toEqual([]);
    await page.keyboard.press("Escape");
  });

  it("Follow connection: the byte conversation both ways with its units marked, and the TCP model's counts", async () => {
    await page.getByRole("button", { name: "Follow connection 1" }).click();
    const card = page.getByRole("dialog", { name: /^Follow connection: client-1 127\.0\.0\.2:\d+ ↔ server 127\.0\.0\.1:\d+$/ });
    await card.waitFor({ timeout: 5000 });
    const text = await card.innerText();
    expect(text).toMatch(/▶ HTTP request GET \/socket\.io\/\?EIO=4&transport=websocket/);
    expect(text).toContain("◀ HTTP 101 Switching Protocols (now WebSocket)");
    expect(text).toMatch(/◀ WebSocket text frame, \d+ B payload @\d+, \d+ B · carries 42\/chat,\["news","the room is open"\]/);
    expect(text).toMatch(/lost\s+0/);
    expect(text).toMatch(/duplicate ACKs\s+0/);
    expect((await axeViolations(page)).join("\n")).toBe("");
    await card.getByRole("button", { name: "Close (Esc)" }).click();
    await expect(card.count()).resolves.toBe(0);
  });

  it("Layers names a broadcast's recipients and the client outside the room; a row opens the envelope, Escape closes it", async () => {
    const layers = page.getByRole("region", { name: "Layers", exact: true });
    // At the end of the step the playhead is on client 2's receive: its stack is the one shown.
    expect(await layers.locator(".stack-receiver .stack-title").textContent()).toBe("client-2 receives ↑");
    await toBroadcast();
    const pick = layers.getByRole("group", { name: "Recipients" });
    await pick.waitFor({ timeout: 5000 });
    await expect(pick.getByRole("button", { name: "client-1 ✓" }).count()).resolves.toBe(1);
    await expect(pick.getByRole("button", { name: "client-2 ✓" }).count()).resolves.toBe(1);
    expect(await pick.innerText()).toContain('client-3 ✗ not in the room "lobby"');
    await layers.getByRole("button", { name: "Open the envelope at API on server" }).focus();
    await page.keyboard.press("Enter");
    const card = page.getByRole("dialog", { name: /^The envelope: io\.of\("\/chat"\)\.to\("lobby"\)\.emit\("news", "the room is open"\)$/ });
    await card.waitFor({ timeout: 5000 });
    const text = await card.innerText();
    expect(text).toContain("client-1 receives");
    expect(text).toContain("client-2 receives");
    expect(text).toContain('not in the room "lobby"');
    expect(text).toMatch(/opcode\s+1 \(text\)/);
    expect(text).toMatch(/MASK\s+0 \(not masked: a server's frame\)/);
    expect(text).toMatch(/type\s+2 = EVENT/);
    expect(text).toMatch(/type\s+4 = message/);
    expect((await axeViolations(page)).join("\n")).toBe("");
    await page.keyboard.press("Escape");
    await expect(card.count()).resolves.toBe(0);
    await expect(page.locator(".app.presenter").count()).resolves.toBe(0);
  }, 60_000);

  it("a broadcast's packets fly as envelopes on both recipients' links at once", async () => {
    await toBroadcast();
    await page.getByRole("button", { name: "Step forward", exact: true }).click();
    let most = 0;
    for (let i = 0; i < 40; i++) {
      const n = (await page.evaluate(`[...document.querySelectorAll('section[aria-label="Addressing"] .flight-envelope')].filter(g => g.getAttribute('visibility') === 'inherit' && g.closest('.flight').getAttribute('visibility') === 'visible').length`)) as number;
      most = Math.max(most, n);
      if (most >= 2) break;
      await page.waitForTimeout(25);
    }
    expect(most).toBeGreaterThanOrEqual(2);
    // Once landed, the envelopes give way to the drawing underneath.
    await page.waitForTimeout(1500);
    expect(await page.evaluate(`document.querySelector('section[aria-label="Addressing"] .flight').getAttribute('visibility')`)).toBe("hidden");
    const label = (await page.evaluate(`document.querySelector('section[aria-label="Addressing"] .flight-envelope text')?.textContent`)) as string;
    expect(["WebSocket", "TCP", "HTTP", "Socket.IO", "Engine.IO", "API"]).toContain(label);
  });

  it("an exported SVG carries its caption: scenario, step, event and time", async () => {
    await page.getByRole("region", { name: "Layers", exact: true }).locator(".panel-body").focus();
    const waiting = page.waitForEvent("download", { timeout: 15_000 });
    await page.getByRole("button", { name: "SVG", exact: true }).click();
    const d = await waiting;
    expect(d.suggestedFilename()).toMatch(/^socketscope-rooms-step3-event\d+-layers\.svg$/);
    const svg = readFileSync((await d.path())!, "utf8");
    expect(svg).toMatch(/Rooms and broadcasts — Step 3 of \d+: /);
    expect(svg).toMatch(/Layers · event #\d+ on \S+: .* · t = \d+\.\d{3} ms/);
    expect(console).toEqual([]);
  });
});
