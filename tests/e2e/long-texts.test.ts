// Long texts written once, across the seam: the lab writes the compression lesson's trace in
// Node (each 5,000-character text once per emit, later copies naming it), the page reads the
// file in Chromium, and an event whose text the file holds only as a copy shows it in full.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { runScenarioToFile } from "../../src/main/cli/run-scenario.js";
import { LONG_TEXT } from "../../src/main/lab/scenarios/compression.js";
import { browserAvailable, openApp, startWebMode, type WebMode } from "./browser.js";

const run = browserAvailable();

describe.skipIf(!run)("a trace with long texts written once, opened in the browser", () => {
  let web: WebMode;
  let page: Page;
  let dir = "";
  const errors: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ss-long-"));
    web = await startWebMode();
    page = await openApp(web, errors);
  }, 60_000);

  afterAll(async () => {
    await web?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("shows the text of an event that the file holds only as a copy", async () => {
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
    const timeline = page.getByRole("region", { name: "Timeline", exact: true });
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
    const inspector = page.getByRole("region", { name: "Inspector", exact: true });
    await expect.poll(() => inspector.innerText(), { timeout: 10_000 }).toMatch(new RegExp(`#${id}\\b`));
    const shown = await inspector.innerText();
    expect(shown).toContain("The quick brown fox jumps over the lazy dog.");
    expect(shown).not.toMatch(/\bdup\b/);
    expect(errors).toEqual([]);
  }, 120_000);
});
