// @vitest-environment node
// `npm run bench:compare`: the capture at another commit against the working tree, pairs
// interleaved. Checks the reading of the driver's line, the ratios, and one real pair against
// HEAD (a git worktree made and removed again); never the timings themselves.
import { execFileSync, spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { compare, parseRun } from "../../bench/compare.js";

const ROOT = resolve(import.meta.dirname, "../..");

describe("bench:compare", () => {
  it("reads the profile driver's line, and gives per-pair ratios (working tree ÷ the other commit) and their medians", () => {
    expect(parseRun("lab: 20000 acked emits over websocket: 1761 ms wall, 2400 ms CPU, 441488 events\n")).toEqual({ wallMs: 1761, cpuMs: 2400, events: 441488 });
    expect(parseRun("something else")).toBeUndefined();
    const run = (wallMs: number, cpuMs: number) => ({ wallMs, cpuMs, events: 1 });
    const c = compare([
      { there: run(100, 200), here: run(90, 150) },
      { there: run(100, 200), here: run(110, 220) },
      { there: run(200, 400), here: run(100, 200) },
    ]);
    expect(c.pairs.map((p) => [p.wall, p.cpu])).toEqual([
      [0.9, 0.75],
      [1.1, 1.1],
      [0.5, 0.5],
    ]);
    expect([c.wallRatio, c.cpuRatio]).toEqual([0.9, 0.75]);
    expect(c.there).toEqual({ wallMs: 100, cpuMs: 200 });
    expect(c.here).toEqual({ wallMs: 100, cpuMs: 200 });
  });

  it("runs one pair against HEAD in a worktree it removes afterwards", () => {
    const worktrees = (): string => execFileSync("git", ["worktree", "list"], { cwd: ROOT, encoding: "utf8" });
    const before = worktrees();
    const r = spawnSync(process.execPath, ["--import", "tsx", "bench/compare.ts", "HEAD", "--pairs", "1", "--emits", "50"], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/pair 1: [0-9a-f]{7} \d+ ms wall, \d+ ms CPU; working tree \d+ ms wall, \d+ ms CPU/);
    expect(r.stdout).toMatch(/medians: .* ratio wall [\d.]+, CPU [\d.]+/);
    expect(worktrees()).toBe(before);
  }, 150_000);

  it("refuses what it cannot compare, saying why", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "bench/compare.ts", "no-such-ref-anywhere"], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("bench:compare:");
    const pairs = spawnSync(process.execPath, ["--import", "tsx", "bench/compare.ts", "HEAD", "--pairs", "0"], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    expect(pairs.status).toBe(1);
    expect(pairs.stderr).toContain("--pairs must be a whole number above 0");
  }, 120_000);
});
