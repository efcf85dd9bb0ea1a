// Renders build/icon.svg to build/icon.png (512×512, transparent corners) with a headless
// Chromium. Run by hand when the SVG changes: node build/render-icon.mjs [path-to-chromium]
import { execFileSync } from "node:child_process";
import { mkdtempSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const here = import.meta.dirname;
const chromium = process.argv[2] ?? "/usr/bin/chromium";
const out = mkdtempSync(join(tmpdir(), "socketscope-icon-"));
execFileSync(chromium, [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--hide-scrollbars",
  "--force-device-scale-factor=1",
  "--default-background-color=00000000",
  "--window-size=512,512",
  `--user-data-dir=${join(out, "profile")}`,
  `--screenshot=${join(out, "icon.png")}`,
  pathToFileURL(join(here, "icon.svg")).href,
], { stdio: "inherit" });
renameSync(join(out, "icon.png"), join(here, "icon.png"));
console.log(`wrote ${join(here, "icon.png")}`);
