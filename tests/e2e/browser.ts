// Shared e2e setup: Debian's Chromium through playwright-core (skipped with a printed
// reason when it is missing, unless SOCKETSCOPE_REQUIRE_BROWSER=1), and web mode on port 0.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { createLabService, type LabService, type LabServiceOptions } from "../../src/main/lab/lab-service.js";
import { startWebServer, type WebServer } from "../../src/main/web/web-server.js";
import type { ShellRequest } from "../../src/shared/page-api.js";

export const CHROMIUM = "/usr/bin/chromium";
export const ROOT = resolve(import.meta.dirname, "../..");
const REQUIRED = process.env.SOCKETSCOPE_REQUIRE_BROWSER === "1";

/** True when the browser tests should run; prints why not otherwise. */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM) || REQUIRED) return true;
  console.log(`e2e skipped: ${CHROMIUM} not found (apt-get install -y chromium; set SOCKETSCOPE_REQUIRE_BROWSER=1 to fail instead)`);
  return false;
}

export function ensureRendererBuilt(): string {
  const dir = join(ROOT, "out/renderer");
  if (!existsSync(join(dir, "index.html"))) {
    const r = spawnSync("npx", ["electron-vite", "build"], { cwd: ROOT, stdio: "inherit" });
    if (r.status !== 0) throw new Error("npx electron-vite build failed");
  }
  return dir;
}

export interface WebMode {
  url: string;
  service: LabService;
  context: BrowserContext;
  /** Sends every page the request a shell makes (as Electron's menu does over IPC). */
  request(r: ShellRequest): void;
  /** Offers the trace file at `path` to every page (as Electron's File → Open does). */
  openTrace(path: string): void;
  /** Stops the web server only (the page loses its lab); `startServer` brings it back on the same port. */
  stopServer(): Promise<void>;
  startServer(): Promise<void>;
  close(): Promise<void>;
}

export async function startWebMode(viewport = { width: 1366, height: 768 }, lab: LabServiceOptions = {}): Promise<WebMode> {
  const rendererDir = ensureRendererBuilt();
  const service = createLabService({ port: 0, ...lab });
  let server: WebServer | null = await startWebServer({ port: 0, service, rendererDir, log: () => undefined });
  const url = server.url;
  const port = Number(new URL(url).port);
  const profile = mkdtempSync(join(tmpdir(), "ss-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  return {
    url,
    service,
    context,
    request: (r) => server?.request(r),
    openTrace: (path) => server?.openTrace(path),
    async stopServer() {
      await server?.close();
      server = null;
    },
    async startServer() {
      server = await startWebServer({ port, service, rendererDir, log: () => undefined });
      if (server.url !== url) throw new Error(`web server came back on ${server.url}, not ${url}`);
    },
    async close() {
      await context.close().catch(() => undefined);
      await server?.close();
      await service.dispose();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A new page on the app, its uncaught errors collected into `errors`. */
export async function openApp(web: WebMode, errors: string[]): Promise<Page> {
  const page = await web.context.newPage();
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(web.url);
  return page;
}
