// The UI in web mode, in headless Chromium (Debian's, through playwright-core) against the
// real web server and lab service started here on port 0: first frame, frame times under
// live load, step latency, heap after a 100,000-event trace, and opening a 1,000,000-event
// trace until it can be shown and seeked. Renderer code is measured as built in out/renderer.

import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { createLabService, type LabService } from "../src/main/lab/lab-service.js";
import { startWebServer, type WebServer } from "../src/main/web/web-server.js";
import { writeRepeatedTrace, type ScenarioTrace } from "./scenario-traces.js";
import { median, quantile, round } from "./stats.js";

// What the functions run inside the page use (the node project's lib has no DOM).
declare const requestAnimationFrame: (callback: (now: number) => void) => number;
declare const window: {
  addEventListener(type: "keydown", listener: (e: { key: string; timeStamp: number }) => void, options: { capture: boolean }): void;
};

export const CHROMIUM = "/usr/bin/chromium";
const ROOT = resolve(import.meta.dirname, "..");
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

export interface UiFigures {
  firstFrameMs: number | null;
  frameMsP95: number | null;
  frameMsP95Idle: number | null;
  frames: number;
  eventsPerSUnderLoad: number | null;
  stepMsP95: number | null;
  stepMsMedian: number | null;
  heapMb: number | null;
  load100kMs: number | null;
  load1mMs: number | null;
  heap1mMb: number | null;
  file1mMb: number | null;
  chromiumVersion: string;
  notes: string[];
}

function rendererDir(notes: string[]): string {
  const dir = join(ROOT, "out/renderer");
  if (!existsSync(join(dir, "index.html"))) {
    notes.push("out/renderer was missing: built it with npx electron-vite build");
    const r = spawnSync("npx", ["electron-vite", "build"], { cwd: ROOT, stdio: "ignore" });
    if (r.status !== 0) throw new Error("npx electron-vite build failed");
  }
  notes.push(`renderer measured as built in out/renderer at ${statSync(join(dir, "index.html")).mtime.toISOString()}`);
  return dir;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function openApp(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url, { waitUntil: "load" });
  await page.locator("main.views").waitFor({ timeout: 20_000 });
  return page;
}

/** rAF-to-rAF intervals for `ms` milliseconds (each is one frame's time on screen). */
function frameIntervals(page: Page, ms: number): Promise<number[]> {
  return page.evaluate(
    (duration) =>
      new Promise<number[]>((resolveFrames) => {
        const out: number[] = [];
        let last = -1;
        const end = performance.now() + duration;
        const frame = (now: number): void => {
          if (last >= 0) out.push(now - last);
          last = now;
          if (now < end) requestAnimationFrame(frame);
          else resolveFrames(out);
        };
        requestAnimationFrame(frame);
      }),
    ms,
  );
}

/** Navigation start to first contentful paint (the root is empty until React renders the app). */
async function firstFrame(context: BrowserContext, url: string, rounds: number): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const page = await openApp(context, url);
    const fcp = await page.evaluate(
      () =>
        new Promise<number>((resolveFcp) => {
          const find = (): number | undefined => performance.getEntriesByName("first-contentful-paint")[0]?.startTime;
          const poll = (): void => {
            const t = find();
            if (t !== undefined) resolveFcp(t);
            else setTimeout(poll, 20);
          };
          poll();
        }),
    );
    times.push(fcp);
    await page.close();
  }
  return median(times);
}

/** 20 lab clients each emitting an acked `hello` 10 times a second while the frames are timed. */
async function framesUnderLoad(service: LabService, page: Page, notes: string[]): Promise<{ p95: number; frames: number; eventsPerS: number }> {
  // Free play may start with a few clients of its own: add until the lab's limit of 20.
  let highest = 0;
  for (let i = 0; i < 20; i++) {
    const r = await service.command({ type: "add-client" });
    if (!r.ok) break;
    highest = Math.max(highest, Number(/^client-(\d+)/.exec(r.message)?.[1] ?? 0));
  }
  if (highest < 20) notes.push(`ui_frame_ms_p95: only ${highest} clients could be added`);
  const clients = Array.from({ length: highest }, (_, i) => `client-${i + 1}`);
  await sleep(1500);
  let failed = 0;
  const timers = clients.map((from, i) => {
    const emit = (): void =>
      void service.command({ type: "emit", from, event: "hello", args: '["world"]', ack: true }).then((r) => {
        if (!r.ok) failed++;
      });
    // Spread the clients over the 100 ms period instead of emitting all at once.
    const start = setTimeout(() => {
      emit();
      timers[i] = setInterval(emit, 100);
    }, i * 5);
    return start as NodeJS.Timeout;
  });
  let eventsIn = 0;
  const off = service.onTrace((b) => void (eventsIn += b.events.length));
  try {
    await sleep(2000);
    eventsIn = 0;
    const started = performance.now();
    const intervals = await frameIntervals(page, 10_000);
    const eventsPerS = eventsIn / ((performance.now() - started) / 1000);
    if (failed > 0) notes.push(`ui_frame_ms_p95: ${failed} emits under load got no ack`);
    return { p95: quantile(intervals, 0.95), frames: intervals.length, eventsPerS };
  } finally {
    off();
    for (const t of timers) {
      clearTimeout(t);
      clearInterval(t);
    }
  }
}

async function heapMb(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("HeapProfiler.collectGarbage");
  const usage = (await cdp.send("Runtime.getHeapUsage")) as { usedSize: number };
  await cdp.detach();
  return usage.usedSize / (1024 * 1024);
}

/** Opens a trace file through the app's own file input; resolves when the app says it is open. */
async function openFile(page: Page, file: string, timeoutMs: number): Promise<number> {
  const start = performance.now();
  await page.locator('input[type="file"][aria-label="Open trace file"]').setInputFiles(file);
  const opened = page.getByRole("status").filter({ hasText: /^Opened / });
  const failed = page.getByRole("alert").filter({ hasText: /Could not open/ });
  await opened.or(failed).first().waitFor({ timeout: timeoutMs });
  if (await failed.count()) throw new Error((await failed.first().innerText()).trim());
  return performance.now() - start;
}

/** Seeks to the last event: scrolls the timeline to its end and clicks the last row. */
export async function seekToEnd(page: Page, timeoutMs: number): Promise<void> {
  await page.locator(".timeline-scroll").evaluate((el) => {
    el.scrollTop = el.scrollHeight;
    el.dispatchEvent(new Event("scroll"));
  });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.locator(".timeline-scroll .trow").last().click({ timeout: timeoutMs });
  await page.locator(".timeline-scroll .trow.playhead").first().waitFor({ timeout: timeoutMs });
}

/** Key press → the frame that shows the step: from the keydown's timestamp to just after the next frame. */
async function stepTimes(page: Page, presses: number): Promise<number[]> {
  await page.evaluate(() => {
    const w = window as unknown as { __steps: number[] };
    w.__steps = [];
    window.addEventListener(
      "keydown",
      (e) => {
        if (e.key !== "ArrowRight") return;
        const t0 = e.timeStamp;
        // The frame is painted right after its rAF callbacks; a task queued there runs after it.
        requestAnimationFrame(() => setTimeout(() => w.__steps.push(performance.now() - t0), 0));
      },
      { capture: true },
    );
  });
  await page.locator("body").click({ position: { x: 2, y: 2 } });
  for (let i = 0; i < presses; i++) {
    await page.keyboard.press("ArrowRight");
    await page.waitForFunction((n) => (window as unknown as { __steps: number[] }).__steps.length >= n, i + 1, { timeout: 10_000 });
    await sleep(60);
  }
  return page.evaluate(() => (window as unknown as { __steps: number[] }).__steps);
}

export interface UiOptions {
  traces: readonly ScenarioTrace[];
  dir: string;
  rounds?: number;
  /** Events in the trace loaded for heap and step figures (100,000 by the issue). */
  heapEvents?: number;
  /** Events in the big trace (1,000,000 by the issue); 0 skips it. */
  bigEvents?: number;
  stepPresses?: number;
  skipLoad?: boolean;
}

export async function measureUi(options: UiOptions): Promise<UiFigures> {
  const notes: string[] = [];
  const figures: UiFigures = {
    firstFrameMs: null,
    frameMsP95: null,
    frameMsP95Idle: null,
    frames: 0,
    eventsPerSUnderLoad: null,
    stepMsP95: null,
    stepMsMedian: null,
    heapMb: null,
    load100kMs: null,
    load1mMs: null,
    heap1mMb: null,
    file1mMb: null,
    chromiumVersion: "",
    notes,
  };
  if (!existsSync(CHROMIUM)) {
    notes.push(`UI fields not measured: ${CHROMIUM} not found (apt-get install -y chromium)`);
    return figures;
  }
  const dir = rendererDir(notes);
  const service = createLabService({ port: 0 });
  const server: WebServer = await startWebServer({ port: 0, service, rendererDir: dir, log: () => undefined });
  const profile = mkdtempSync(join(tmpdir(), "ss-bench-chromium-"));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, viewport: { width: 1366, height: 768 }, args: FLAGS });
  // tsx compiles this file with esbuild's keepNames: functions handed to page.evaluate call `__name`.
  await context.addInitScript({ content: "globalThis.__name = (f) => f;" });
  const pageErrors: string[] = [];
  context.on("page", (p) => p.on("pageerror", (e) => pageErrors.push(e.message)));
  try {
    figures.chromiumVersion = context.browser()?.version() ?? "";
    figures.firstFrameMs = round(await firstFrame(context, server.url, options.rounds ?? 5), 1);

    // Frames: idle first (the floor the display rate sets), then under live load.
    const live = await openApp(context, server.url);
    figures.frameMsP95Idle = round(quantile(await frameIntervals(live, 3000), 0.95), 2);
    try {
      const load = await framesUnderLoad(service, live, notes);
      figures.frameMsP95 = round(load.p95, 2);
      figures.frames = load.frames;
      figures.eventsPerSUnderLoad = Math.round(load.eventsPerS);
    } catch (err) {
      notes.push(`ui_frame_ms_p95: not measured (${(err as Error).message})`);
    }
    await service.stop();
    await live.close();

    // A 100,000-event trace opened through the file input: heap, then stepping with →.
    const heapFile = join(options.dir, "ui-heap.ndjson");
    const heapEvents = options.heapEvents ?? 100_000;
    await writeRepeatedTrace(heapFile, options.traces, heapEvents);
    const page = await openApp(context, server.url);
    try {
      figures.load100kMs = Math.round(await openFile(page, heapFile, 120_000));
      figures.heapMb = round(await heapMb(page), 1);
      const steps = await stepTimes(page, options.stepPresses ?? 30);
      figures.stepMsP95 = round(quantile(steps, 0.95), 1);
      figures.stepMsMedian = round(median(steps), 1);
    } catch (err) {
      notes.push(`100k-event trace: ${(err as Error).message.split("\n")[0]}`);
    }
    await page.close();
    rmSync(heapFile, { force: true });

    const bigEvents = options.bigEvents ?? 1_000_000;
    if (bigEvents > 0 && !options.skipLoad) {
      const bigFile = join(options.dir, "ui-1m.ndjson");
      figures.file1mMb = round((await writeRepeatedTrace(bigFile, options.traces, bigEvents)) / (1024 * 1024), 1);
      const big = await openApp(context, server.url);
      let crashed = false;
      big.on("crash", () => (crashed = true));
      try {
        const start = performance.now();
        await openFile(big, bigFile, 300_000);
        await seekToEnd(big, 120_000);
        figures.load1mMs = Math.round(performance.now() - start);
        figures.heap1mMb = round(await heapMb(big), 1);
      } catch (err) {
        notes.push(`load_1m_ms: the renderer ${crashed ? "crashed" : "failed"} opening ${bigEvents} events (${(err as Error).message.split("\n")[0]})`);
      }
      await big.close().catch(() => undefined);
      rmSync(bigFile, { force: true });
    }
  } finally {
    await context.close().catch(() => undefined);
    await server.close();
    await service.dispose();
    rmSync(profile, { recursive: true, force: true });
  }
  if (pageErrors.length) notes.push(`page errors: ${[...new Set(pageErrors)].slice(0, 3).join(" | ")}`);
  return figures;
}
