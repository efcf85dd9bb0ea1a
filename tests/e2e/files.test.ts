// Trace files in the browser: Save downloads the trace, opening it again through the file
// input shows the same views; a corrupt file is refused with its line and reason, and the
// trace on screen stays. A file the lab wrote with its long texts once shows them whole.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { runScenarioToFile } from "../../src/main/cli/run-scenario.js";
import { LONG_TEXT } from "../../src/main/lab/scenarios/compression.js";
import { browserAvailable, openApp, startWebMode, type WebMode } from "./browser.js";

const run = browserAvailable();

describe.skipIf(!run)("trace files in the browser", () => {
  let web: WebMode;
  let page: Page;
  let dir = "";
  const errors: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ss-files-"));
    web = await startWebMode();
    page = await openApp(web, errors);
  }, 60_000);

  afterAll(async () => {
    await web?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const button = (name: string) => page.getByRole("button", { name, exact: true });
  const region = (name: string) => page.getByRole("region", { name, exact: true });
  const settle = async () => {
    for (let i = 0; i < 100 && (await web.service.getStatus()).state === "running"; i++) await page.waitForTimeout(100);
  };
  /** Steps forward by API until the playhead stops moving. */
  const toEnd = async () => {
    await page.getByRole("combobox", { name: "Step by" }).selectOption("API");
    for (let i = 0; i < 100; i++) {
      const before = await region("Timeline").locator(".trow.playhead").innerText({ timeout: 1000 }).catch(() => "");
      await button("Step forward").click();
      if ((await region("Timeline").locator(".trow.playhead").innerText({ timeout: 1000 }).catch(() => "")) === before) break;
    }
    await page.waitForTimeout(1200);
  };
  const look = async () => {
    const out: string[] = [];
    for (const v of ["Addressing", "TCP", "Layers", "Namespaces", "Narration", "Inspector"]) out.push(`${v}:\n${await region(v).innerText()}`);
    out.push((await region("Timeline").innerText()).match(/\d+ of \d+ events/)?.[0] ?? "no count");
    return out.join("\n---\n");
  };
  /** The views once settled: the TCP model has answered (no "—" model time), no envelope flies, two looks agree. */
  const views = async () => {
    let last = "";
    for (let i = 0; i < 60; i++) {
      const flying = () => page.locator('g.flight[visibility="visible"]').count();
      const before = await flying();
      const now = await look();
      const quiet = before === 0 && (await flying()) === 0 && !/model time\s*\n\s*—/.test(now);
      if (quiet && now === last) return now;
      last = quiet ? now : "";
      await page.waitForTimeout(150);
    }
    return last;
  };

  it("saves the trace, opens it again, and shows the same views", async () => {
    // Choosing a scenario only chooses it; Next step starts it and runs its first step.
    await page.getByRole("combobox", { name: "Scenario" }).selectOption("hello-ack");
    await button("Next step").click();
    await settle();
    await button("Next step").click();
    await settle();
    await page.waitForTimeout(500);
    await web.service.stop();
    await toEnd();
    const before = await views();
    // Stopping the lab ends it cleanly: the trace ends in its teardown, the close frames last.
    expect(before).toContain("The lab closes");
    expect(before).toMatch(/WebSocket frame: FIN=1 op=8|88 00/);

    const [download] = await Promise.all([page.waitForEvent("download"), button("Save").click()]);
    expect(download.suggestedFilename()).toMatch(/^socketscope-hello-ack-.*\.ndjson$/);
    const saved = join(dir, download.suggestedFilename());
    await download.saveAs(saved);
    const lines = readFileSync(saved, "utf8").trimEnd().split("\n");
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: "socketscope-trace", version: 1, scenario: { id: "hello-ack" } });
    expect(lines.length).toBeGreaterThan(50);

    await page.getByLabel("Open trace file").setInputFiles(saved);
    const opened = page.getByRole("status").filter({ hasText: `Opened ${download.suggestedFilename()}: ${lines.length - 1} events` });
    await opened.waitFor({ timeout: 10_000 });
    // The notice takes room from the views; dismiss it to compare like with like.
    await opened.getByRole("button", { name: "Dismiss" }).click();
    await toEnd();
    expect(await views()).toBe(before);

    // A corrupt copy: line 5 cut short, then one with a well-formed line that is not an event.
    const bad = [...lines];
    bad[4] = bad[4]!.slice(0, 20);
    await page.getByLabel("Open trace file").setInputFiles({ name: "cut.ndjson", mimeType: "application/x-ndjson", buffer: Buffer.from(bad.join("\n")) });
    const alert = page.getByRole("alert").filter({ hasText: "Could not open cut.ndjson" });
    await alert.waitFor({ timeout: 10_000 });
    expect(await alert.innerText()).toContain("Line 5 is not valid JSON.");
    await alert.getByRole("button", { name: "Dismiss" }).click();
    await page.waitForTimeout(300);
    expect(await views()).toBe(before);

    const odd = [...lines];
    odd[6] = JSON.stringify({ id: 99999, t: 1, host: "server", layer: "nonsense", kind: "x" });
    await page.getByLabel("Open trace file").setInputFiles({ name: "odd.ndjson", mimeType: "application/x-ndjson", buffer: Buffer.from(odd.join("\n")) });
    const alert2 = page.getByRole("alert").filter({ hasText: "Could not open odd.ndjson" });
    await alert2.waitFor({ timeout: 10_000 });
    expect(await alert2.innerText()).toMatch(/Line 7: .+/);
    await alert2.getByRole("button", { name: "Dismiss" }).click();
    await page.waitForTimeout(300);
    expect(await views()).toBe(before);
    expect(errors).toEqual([]);
  }, 120_000);

  it("shows the text of an event that the file holds only as a copy (long texts written once, read back in the page)", async () => {
    // The lab writes the compression lesson's trace in Node: each 5,000-character text once per emit, later copies naming it.
    const file = join(dir, "compression.ndjson");
    const { events } = await runScenarioToFile("compression", file, { port: 0 });
    const lines = readFileSync(file, "utf8").trimEnd().split("\n");
    expect(lines.length - 1).toBe(events.length);
    // The server's engine packet that received client 2's uncompressed echo: in the file, a copy.
    const copied = lines.slice(1).map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e.layer === "engine" && e.host === "server" && e.dir === "in" && e.data === null && e.dup !== undefined);
    expect(copied).toBeDefined();
    const id = copied!.id as number;
    expect(JSON.stringify(events.find((e) => e.id === id))).toContain(LONG_TEXT);

    await page.getByLabel("Open trace file").setInputFiles(file);
    await page.getByRole("status").filter({ hasText: `Opened compression.ndjson: ${events.length} events` }).waitFor({ timeout: 10_000 });
    // Only the server's engine packets in the timeline, then the one that was a copy.
    const timeline = region("Timeline");
    // The host list can be drawn anew as the file's hosts arrive: choose until the choice holds.
    await expect.poll(async () => {
      await timeline.getByLabel("Host filter").selectOption("server");
      return timeline.getByLabel("Host filter").inputValue();
    }).toBe("server");
    for (const chip of await timeline.locator("label.chip").all()) {
      const box = chip.locator("input");
      if ((await chip.innerText()).trim() !== "Engine.IO" && (await box.isChecked())) await box.uncheck();
    }
    await expect.poll(() => timeline.innerText()).toMatch(/\b\d{1,2} of \d+ events/);
    // Down the list with the keyboard until that row is the active one, then go there.
    const list = timeline.getByRole("listbox");
    await list.focus();
    for (let i = 0; i < 300 && (await list.getAttribute("aria-activedescendant")) !== `tl-${id}`; i++) await list.press("ArrowDown");
    expect(await list.getAttribute("aria-activedescendant")).toBe(`tl-${id}`);
    await list.press("Enter");
    const inspector = region("Inspector");
    await expect.poll(() => inspector.innerText(), { timeout: 10_000 }).toMatch(new RegExp(`#${id}\\b`));
    const shown = await inspector.innerText();
    expect(shown).toContain("The quick brown fox jumps over the lazy dog.");
    expect(shown).not.toMatch(/\bdup\b/);
    expect(errors).toEqual([]);
  }, 120_000);
});
