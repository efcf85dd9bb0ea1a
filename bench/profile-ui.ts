// Profiling driver for the UI in web mode: records a Chromium CPU profile (CDP Profiler) while
// a big trace file is opened through the app's file input and the timeline seeks to its last
// event (as load_1m_ms does), or only that seek (after the file is open), or while 20 clients
// emit live.
//   npx tsx bench/profile-ui.ts load 1000000 /tmp/ui-load.cpuprofile
//   npx tsx bench/profile-ui.ts seek 1000000 /tmp/ui-seek.cpuprofile
//   npx tsx bench/profile-ui.ts live 10 /tmp/ui-live.cpuprofile
// then: npx tsx bench/cpu-profile-summary.ts /tmp/ui-load.cpuprofile

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { createLabService } from "../src/main/lab/lab-service.js";
import { startWebServer } from "../src/main/web/web-server.js";
import { recordScenarios, writeRepeatedTrace } from "./scenario-traces.js";
import { CHROMIUM, seekToEnd } from "./ui.js";

const mode = process.argv[2] === "live" ? "live" : process.argv[2] === "seek" ? "seek" : "load";
const size = Number(process.argv[3] ?? (mode === "live" ? 10 : 1_000_000));
const out = process.argv[4] ?? join(tmpdir(), `ui-${mode}.cpuprofile`);
const dir = mkdtempSync(join(tmpdir(), "ss-profile-ui-"));
const service = createLabService({ port: 0 });
const server = await startWebServer({ port: 0, service, rendererDir: "out/renderer", log: () => undefined });
const context = await chromium.launchPersistentContext(join(dir, "profile"), {
  executablePath: CHROMIUM,
  headless: true,
  viewport: { width: 1366, height: 768 },
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
try {
  const page = await context.newPage();
  await page.goto(server.url);
  await page.locator("main.views").waitFor();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 500 });
  if (mode !== "live") {
    const file = join(dir, "big.ndjson");
    await writeRepeatedTrace(file, await recordScenarios(dir), size);
    if (mode === "load") await cdp.send("Profiler.start");
    const start = performance.now();
    await page.locator('input[type="file"][aria-label="Open trace file"]').setInputFiles(file);
    await page.getByRole("status").filter({ hasText: /^Opened / }).waitFor({ timeout: 300_000 });
    const opened = performance.now();
    console.log(`opened ${size} events in ${Math.round(opened - start)} ms`);
    if (mode === "seek") await cdp.send("Profiler.start");
    // Then as load_1m_ms does: seek to the last event, until the playhead row is drawn.
    await seekToEnd(page, 300_000);
    console.log(`seeked to the last event in ${Math.round(performance.now() - opened)} ms`);
  } else {
    for (let i = 0; i < 20; i++) if (!(await service.command({ type: "add-client" })).ok) break;
    const timer = setInterval(() => {
      for (let c = 1; c <= 20; c++) void service.command({ type: "emit", from: `client-${c}`, event: "hello", args: '["world"]', ack: true });
    }, 100);
    await new Promise((r) => setTimeout(r, 2000));
    await cdp.send("Profiler.start");
    await new Promise((r) => setTimeout(r, size * 1000));
    clearInterval(timer);
  }
  const { profile } = (await cdp.send("Profiler.stop")) as { profile: unknown };
  writeFileSync(out, JSON.stringify(profile));
  console.log(`profile written to ${out}`);
} finally {
  await context.close();
  await server.close();
  await service.dispose();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
