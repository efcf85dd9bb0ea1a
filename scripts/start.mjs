// `npm start`: builds if out/ is missing or older than the sources, then opens the Electron window.
// Where Electron cannot run here (its binary is missing and cannot be downloaded, or there is no
// display), it says why in one paragraph and serves the same app in web mode instead.

import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);

/** Newest modification time (ms) of a file or of any file under a folder; 0 if none. */
export function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** The build is stale if an output is missing or older than the newest source. */
export function needsBuild(dir = root) {
  const outputs = ["out/main/index.js", "out/main/capture-worker.js", "out/preload/index.cjs", "out/renderer/index.html"].map((p) => join(dir, p));
  if (outputs.some((p) => !existsSync(p))) return true;
  const built = Math.min(...outputs.map((p) => statSync(p).mtimeMs));
  const sources = Math.max(newestMtime(join(dir, "src")), newestMtime(join(dir, "electron.vite.config.ts")));
  return sources > built;
}

export function hasDisplay(platform, env) {
  if (platform !== "linux" && platform !== "freebsd" && platform !== "openbsd") return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/**
 * The installed Electron executable, found the way node_modules/electron/index.js finds it
 * (path.txt names it under dist/), but without its side effect of starting a download.
 */
export function findElectronBinary(env = process.env) {
  let electronDir;
  try {
    electronDir = dirname(require.resolve("electron/package.json"));
  } catch {
    return null;
  }
  const pathFile = join(electronDir, "path.txt");
  const relative = existsSync(pathFile) ? readFileSync(pathFile, "utf8").trim() : "";
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = join(env.ELECTRON_OVERRIDE_DIST_PATH, relative || "electron");
    return existsSync(p) ? p : null;
  }
  if (!relative) return null;
  const p = join(electronDir, "dist", relative);
  return existsSync(p) ? p : null;
}

/** Where @electron/get downloads from (its mirror settings), so the probe asks the same host. */
export function downloadHost(env = process.env) {
  const mirror =
    env.ELECTRON_MIRROR || env.electron_config_mirror || env.npm_config_electron_mirror || "https://github.com/electron/electron/releases/";
  try {
    return new URL(mirror).origin;
  } catch {
    return "https://github.com";
  }
}

/** True if the download host answers at all within `timeoutMs` (any HTTP status counts). */
export async function canReach(url, timeoutMs = 4000) {
  try {
    await fetch(url, { method: "HEAD", redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
    return true;
  } catch {
    return false;
  }
}

/** Runs electron's own installer (node_modules/electron/install.js), showing its output. */
export function downloadElectron(timeoutMs = 10 * 60_000) {
  return new Promise((resolve) => {
    let installer;
    try {
      installer = require.resolve("electron/install.js");
    } catch {
      resolve({ ok: false, detail: "the electron package is not installed (run npm install)" });
      return;
    }
    const child = spawn(process.execPath, [installer], { stdio: ["ignore", "inherit", "pipe"], timeout: timeoutMs });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.on("error", (e) => resolve({ ok: false, detail: e.message }));
    child.on("close", (code, signal) => {
      const firstLine = err.split("\n").find((l) => l.trim() !== "") ?? "";
      if (code === 0) resolve({ ok: true, detail: "" });
      else resolve({ ok: false, detail: signal ? `the download was stopped (${signal})` : firstLine || `exit code ${code}` });
    });
  });
}

/**
 * Decides how to start. Probes are injected so tests can play every machine:
 * `{ platform, env, findBinary(), canReachDownloadHost(), download() }`.
 * Returns `{ mode: "electron", electronPath }` or `{ mode: "web", reason, detail }`.
 */
export async function decideStart(probes) {
  const { platform, env } = probes;
  if (env.SOCKETSCOPE_WEB === "1" || probes.forceWeb) {
    return { mode: "web", reason: "asked", detail: "web mode was asked for" };
  }
  if (!hasDisplay(platform, env)) {
    return { mode: "web", reason: "no-display", detail: "neither DISPLAY nor WAYLAND_DISPLAY is set" };
  }
  const installed = probes.findBinary();
  if (installed) return { mode: "electron", electronPath: installed };
  if (!(await probes.canReachDownloadHost())) {
    return { mode: "web", reason: "no-binary", detail: `${downloadHost(env)} cannot be reached (no network?)` };
  }
  const result = await probes.download();
  const downloaded = result.ok ? probes.findBinary() : null;
  if (downloaded) return { mode: "electron", electronPath: downloaded };
  return { mode: "web", reason: "no-binary", detail: result.ok ? "the download left no executable" : result.detail };
}

/** The one paragraph `npm start` prints when it falls back to web mode. */
export function explain(decision) {
  const instead =
    "SocketScope is starting in web mode instead: the same lab and the same views, served on " +
    "127.0.0.1 to your browser (the URL follows).";
  switch (decision.reason) {
    case "no-display":
      return (
        `The desktop window cannot open here: this is a Linux session without a display ` +
        `(${decision.detail}), and Electron needs an X11 or Wayland display to show a window. ${instead}`
      );
    case "no-binary":
      return (
        `The desktop window cannot open here: Electron's program is not installed yet and could not ` +
        `be downloaded (${decision.detail}). Electron downloads it the first time it starts; run ` +
        `\`npm start\` again once this machine is online. ${instead}`
      );
    case "electron-failed":
      return `The desktop window could not start: Electron exited at launch (${decision.detail}). ${instead}`;
    default:
      return `${instead}`;
  }
}

function build() {
  console.log("Building SocketScope (electron-vite build)…");
  const cli = join(root, "node_modules", "electron-vite", "bin", "electron-vite.js");
  const r = existsSync(cli)
    ? spawnSync(process.execPath, [cli, "build"], { cwd: root, stdio: "inherit" })
    : spawnSync("npx", ["electron-vite", "build"], { cwd: root, stdio: "inherit", shell: process.platform === "win32" });
  if (r.status !== 0) {
    console.error("The build failed; see the errors above.");
    process.exit(r.status ?? 1);
  }
}

/** Opens `url` in the default browser where there is one; failures are ignored. */
export function browserCommand(platform, env, url) {
  if (platform === "darwin") return ["open", [url]];
  if (platform === "win32") return ["cmd", ["/c", "start", "", url]];
  if (!hasDisplay(platform, env)) return null;
  return ["xdg-open", [url]];
}

function openBrowser(url) {
  const cmd = browserCommand(process.platform, process.env, url);
  if (!cmd) return;
  try {
    const child = spawn(cmd[0], cmd[1], { stdio: "ignore", detached: true });
    child.on("error", () => {});
    child.unref();
  } catch {
    // no browser: the printed URL is enough
  }
}

function runWeb() {
  const script = join(root, "scripts", "web.mjs");
  if (!existsSync(script)) {
    console.error("Web mode is not available: scripts/web.mjs is missing.");
    process.exit(1);
  }
  const child = spawn(process.execPath, [script], { cwd: root, stdio: ["inherit", "pipe", "inherit"] });
  let opened = false;
  child.stdout.on("data", (chunk) => {
    process.stdout.write(chunk);
    const url = opened ? null : /https?:\/\/127\.0\.0\.1:\d+\/?\S*/.exec(String(chunk));
    if (url) {
      opened = true;
      openBrowser(url[0]);
    }
  });
  const forward = (signal) => child.kill(signal);
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  child.on("close", (code) => process.exit(code ?? 0));
}

function runElectron(electronPath) {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const started = Date.now();
  const child = spawn(electronPath, [root], { cwd: root, stdio: ["inherit", "inherit", "pipe"], env });
  let err = "";
  child.stderr.on("data", (d) => {
    err += d;
    process.stderr.write(d);
  });
  const forward = (signal) => child.kill(signal);
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  const fallBack = (detail) => {
    console.log("\n" + explain({ mode: "web", reason: "electron-failed", detail }) + "\n");
    runWeb();
  };
  child.on("error", (e) => fallBack(e.message));
  child.on("close", (code, signal) => {
    // A failure within seconds of launch is a machine that cannot run Electron (libraries,
    // GPU, sandbox); later exits are the user quitting or a crash, and are passed on.
    if (code !== 0 && Date.now() - started < 10_000) {
      const line = err.split("\n").find((l) => l.trim() !== "") ?? `exit code ${code ?? signal}`;
      fallBack(line.trim());
      return;
    }
    process.exit(code ?? 1);
  });
}

async function main() {
  const forceWeb = process.argv.includes("--web");
  if (needsBuild()) build();
  const decision = await decideStart({
    platform: process.platform,
    env: process.env,
    forceWeb,
    findBinary: () => findElectronBinary(process.env),
    canReachDownloadHost: () => canReach(downloadHost(process.env)),
    download: () => downloadElectron(),
  });
  if (decision.mode === "electron") {
    runElectron(decision.electronPath);
    return;
  }
  if (decision.reason !== "asked") console.log("\n" + explain(decision) + "\n");
  runWeb();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void main();
}
