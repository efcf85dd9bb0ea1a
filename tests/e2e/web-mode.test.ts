// End to end in headless Chromium against web mode with the real lab: choose hello-ack,
// run it with Next step, step through it, and check every view; Step back restores.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { browserAvailable, openApp, startWebMode, type WebMode } from "./browser.js";

const run = browserAvailable();

describe.skipIf(!run)("web mode in Chromium", () => {
  let web: WebMode;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    web = await startWebMode();
    page = await openApp(web, errors);
  }, 60_000);

  afterAll(async () => {
    await web?.close();
  });

  const region = (name: string) => page.getByRole("region", { name, exact: true });
  const button = (name: string) => page.getByRole("button", { name, exact: true });

  async function stepUntil(direction: "Step forward" | "Step back", done: () => Promise<boolean>, max = 80): Promise<void> {
    for (let i = 0; i < max; i++) {
      if (await done()) return;
      await button(direction).click();
    }
    throw new Error(`${direction} ${max} times without reaching the expected state`);
  }

  async function nextStepAndWait(): Promise<void> {
    await button("Next step").click();
    await page.waitForTimeout(200);
    await page.getByRole("button", { name: "Next step", exact: true }).and(page.locator(":enabled")).or(page.locator(".mode-badge")).first().waitFor({ timeout: 20_000 });
    await web.service.getStatus();
    for (let i = 0; i < 100 && (await web.service.getStatus()).state === "running"; i++) await page.waitForTimeout(100);
    await page.waitForTimeout(300);
  }

  it("has every view as a named landmark and the playback controls", async () => {
    for (const name of ["Addressing", "TCP", "Layers", "Namespaces", "Timeline", "Inspector", "Narration"]) await expect(region(name).count()).resolves.toBe(1);
    await expect(page.getByRole("button", { name: /^(Play|Pause)$/ }).count()).resolves.toBe(1);
    for (const name of ["Step forward", "Step back", "Next step", "Restart scenario"]) await expect(button(name).count()).resolves.toBe(1);
    await expect(page.getByRole("slider", { name: "Speed" }).count()).resolves.toBe(1);
    const stepBy = await page.getByRole("combobox", { name: "Step by" }).locator("option").allTextContents();
    expect(stepBy).toEqual(["Code calls (API)", "Socket.IO packets", "Engine.IO packets", "HTTP and WebSocket (wire)", "TCP segments"]);
  });

  it("runs hello-ack and shows the handshake, the 4-tuple and the layers", async () => {
    const scenarios = await web.service.listScenarios();
    const title = scenarios.find((s) => s.id === "hello-ack")?.title;
    expect(title).toBeTruthy();
    const options = await page.getByRole("combobox", { name: "Scenario" }).locator("option").allTextContents();
    expect(options).toEqual(expect.arrayContaining(scenarios.map((s, i) => `${i + 1}. ${s.title}`)));
    // Choosing a scenario only chooses it; Next step starts it and runs its first step.
    await page.getByRole("combobox", { name: "Scenario" }).selectOption("hello-ack");
    await nextStepAndWait();
    // Next step played the step; review it from its start.
    await button("Pause").click();
    await page.keyboard.press("Home");

    // Review mode, one TCP-level step at a time, until the handshake is drawn.
    await page.getByRole("combobox", { name: "Step by" }).selectOption("TCP");
    const tcp = region("TCP");
    await expect(tcp.innerText()).resolves.toContain("modelled from real bytes");
    // Stepping by TCP stops at each modelled segment: SYN, then SYN-ACK, then ACK.
    await stepUntil("Step forward", async () => (await tcp.innerText()).includes("SYN,ACK"));
    let ladder = await tcp.innerText();
    expect(ladder).toMatch(/#0 SYN seq=0/);
    expect(ladder).toMatch(/#1 SYN,ACK seq=0 ack=1/);
    expect(ladder).not.toMatch(/#2 ACK seq=1 ack=1/);
    await expect(region("Addressing").innerText()).resolves.toMatch(/127\.0\.0\.\d+:\d+ ↔ 127\.0\.0\.1:\d+/);

    // Step back returns to the state before: the SYN-ACK is gone again.
    await button("Step back").click();
    await expect(tcp.innerText()).resolves.not.toContain("SYN,ACK");
    await button("Step forward").click();
    await expect(tcp.innerText()).resolves.toContain("SYN,ACK");
    await button("Step forward").click();
    ladder = await tcp.innerText();
    expect(ladder).toMatch(/#2 ACK seq=1 ack=1/);

    // The emit: run step 2, then walk the playhead to the receiver's Socket.IO packet.
    await nextStepAndWait();
    await button("Pause").click();
    await page.getByRole("button", { name: /^Go to step 2:/ }).click();
    await page.getByRole("combobox", { name: "Step by" }).selectOption("Socket.IO");
    const layers = region("Layers");
    await stepUntil("Step forward", async () => {
      const text = await layers.innerText();
      return text.includes('20["hello","world"]') && text.includes('420["hello","world"]') && text.includes("server receives");
    }, 200);
    const stack = await layers.innerText();
    expect(stack).toContain('socket.emit("hello",');
    expect(stack).toContain('20["hello","world"]');
    expect(stack).toContain('420["hello","world"]');
    await expect(region("Narration").innerText()).resolves.toContain("emit");

    // Step back and forward again: the views return to exactly the same state.
    const snapshot = async () => [await layers.innerText(), await tcp.innerText(), await region("Inspector").innerText()].join("\n---\n");
    // Compare settled views: the TCP model answers a moment later (model time "—" until then)
    // and a step's packets fly for a while; a view is settled when two looks agree.
    const settled = async (): Promise<string> => {
      let last = "";
      for (let i = 0; i < 60; i++) {
        // Envelopes in flight carry text too: settled means none flew before, during or after the look.
        const flying = () => page.locator('g.flight[visibility="visible"]').count();
        const before = await flying();
        const now = await snapshot();
        const quiet = before === 0 && (await flying()) === 0;
        if (quiet && now === last && !/model time\s*\n\s*—/.test(now)) return now;
        if (!quiet) {
          last = "";
          await page.waitForTimeout(150);
          continue;
        }
        last = now;
        await page.waitForTimeout(150);
      }
      return last;
    };
    const before = await settled();
    await button("Step forward").click();
    expect(await settled()).not.toBe(before);
    await button("Step back").click();
    expect(await settled()).toBe(before);
    expect(errors).toEqual([]);
  }, 120_000);
});
