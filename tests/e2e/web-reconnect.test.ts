// Web mode when the server goes away: the page says so plainly, keeps its trace, retries
// with back-off, and works again once the server is back on the same port.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { browserAvailable, openApp, startWebMode, type WebMode } from "./browser.js";

const run = browserAvailable();

describe.skipIf(!run)("web mode reconnects", () => {
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

  const button = (name: string) => page.getByRole("button", { name, exact: true });
  const settle = async () => {
    for (let i = 0; i < 100 && (await web.service.getStatus()).state === "running"; i++) await page.waitForTimeout(100);
  };

  it("says the server went away, keeps the trace, and carries on when it is back", async () => {
    // Choosing a scenario only chooses it; Next step starts it and runs its first step.
    await page.getByRole("combobox", { name: "Scenario" }).selectOption("hello-ack");
    await button("Next step").click();
    await settle();
    const timeline = page.getByRole("region", { name: "Timeline", exact: true });
    // The step's events arrive in batches after the step ends (the trace streams a moment behind
    // the lab, longer on a busy machine): wait until they are shown and the count stops changing.
    const shown = async () => (await timeline.innerText()).match(/of (\d+) events/)?.[1];
    let before: string | undefined;
    await expect
      .poll(
        async () => {
          const last = before;
          before = await shown();
          return before !== undefined && Number(before) > 0 && before === last;
        },
        { timeout: 10_000, interval: 300 },
      )
      .toBe(true);

    await web.stopServer();
    const alert = page.getByRole("alert").filter({ hasText: "Lost the connection to the lab" });
    await alert.waitFor({ timeout: 10_000 });
    expect(await alert.innerText()).toMatch(/Trying again (in \d+ s|now) \(attempt \d+\)/);
    // The page still shows what it had.
    expect((await timeline.innerText()).match(/of (\d+) events/)?.[1]).toBe(before);
    // A control used meanwhile fails plainly rather than hanging.
    await button("Restart scenario").click();
    await page.getByRole("alert").filter({ hasText: "Not connected to the lab" }).waitFor({ timeout: 5_000 });
    // Let a few retries fail (back-off: 0.5 s, 1 s, 2 s, …).
    await page.waitForTimeout(2500);
    await expect.poll(async () => Number((await alert.innerText()).match(/attempt (\d+)/)?.[1]), { timeout: 5_000 }).toBeGreaterThanOrEqual(2);

    await web.startServer();
    await page.getByRole("status").filter({ hasText: "Reconnected to the lab." }).waitFor({ timeout: 15_000 });
    expect(await page.getByRole("alert").filter({ hasText: "Lost the connection" }).count()).toBe(0);
    // And the lab answers again: the next step runs and its events arrive.
    await button("Next step").click();
    await settle();
    await expect.poll(async () => Number((await timeline.innerText()).match(/of (\d+) events/)?.[1]), { timeout: 10_000 }).toBeGreaterThan(Number(before));
    expect(errors).toEqual([]);
  }, 90_000);
});
