// `npm run web [-- --port N]`: builds the renderer if it is missing, then runs the lab
// and the web server (src/main/web/main.ts through tsx), forwarding Ctrl+C / SIGTERM.
import { existsSync } from "node:fs";
import { spawn, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const npx = process.platform === "win32" ? "npx.cmd" : "npx";

if (!existsSync(join(root, "out/renderer/index.html"))) {
  console.log("Building the renderer (npx electron-vite build)…");
  const built = spawnSync(npx, ["electron-vite", "build"], { cwd: root, stdio: "inherit" });
  if (built.status !== 0) {
    console.error("The build failed; web mode needs out/renderer.");
    process.exit(built.status ?? 1);
  }
}

const child = spawn(process.execPath, ["--import", "tsx", join(root, "src/main/web/main.ts"), ...process.argv.slice(2)], { cwd: root, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
