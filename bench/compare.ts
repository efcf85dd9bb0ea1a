// Side by side: the capture at another commit against the working tree, in one run, pairs
// interleaved (this machine's speed drifts by 10–30 % from hour to hour, so figures from two
// runs an hour apart cannot be compared; two runs a second apart can).
//
//   npm run bench:compare -- <git-ref> [--pairs 7] [--emits 20000] [--transport websocket] [--mode lab]
//
// The other commit is checked out into a temporary git worktree (sharing this checkout's
// node_modules), and `bench/profile-capture.ts` runs alternately there and here, each run in a
// fresh process. Prints each pair's wall and CPU time and their ratios (here ÷ there), then
// the medians. The worktree is removed at the end.

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { median, round } from "./stats.js";

export interface Run {
  wallMs: number;
  cpuMs: number;
  events: number;
}

/** Reads the line `profile-capture.ts` prints: "<mode>: N acked emits over T: W ms wall, C ms CPU, E events". */
export function parseRun(output: string): Run | undefined {
  const m = /: (\d+) ms wall, (\d+) ms CPU, (\d+) events/.exec(output);
  return m ? { wallMs: Number(m[1]), cpuMs: Number(m[2]), events: Number(m[3]) } : undefined;
}

export interface Comparison {
  pairs: { there: Run; here: Run; wall: number; cpu: number }[];
  /** Medians of the per-pair ratios, here ÷ there (below 1: the working tree is faster). */
  wallRatio: number;
  cpuRatio: number;
  there: { wallMs: number; cpuMs: number };
  here: { wallMs: number; cpuMs: number };
}

export function compare(pairs: readonly { there: Run; here: Run }[]): Comparison {
  const rows = pairs.map((p) => ({ ...p, wall: round(p.here.wallMs / p.there.wallMs, 3), cpu: round(p.here.cpuMs / p.there.cpuMs, 3) }));
  return {
    pairs: rows,
    wallRatio: round(median(rows.map((r) => r.wall)), 3),
    cpuRatio: round(median(rows.map((r) => r.cpu)), 3),
    there: { wallMs: median(pairs.map((p) => p.there.wallMs)), cpuMs: median(pairs.map((p) => p.there.cpuMs)) },
    here: { wallMs: median(pairs.map((p) => p.here.wallMs)), cpuMs: median(pairs.map((p) => p.here.cpuMs)) },
  };
}

interface Options {
  ref: string;
  pairs: number;
  emits: number;
  transport: "websocket" | "polling";
  mode: "lab" | "probes" | "bare";
}

function parseArgs(argv: readonly string[]): Options {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const ref = argv.find((a, i) => !a.startsWith("--") && (i === 0 || !argv[i - 1]!.startsWith("--")));
  if (!ref) throw new Error("usage: npm run bench:compare -- <git-ref> [--pairs 7] [--emits 20000] [--transport websocket|polling] [--mode lab|probes|bare]");
  const transport = value("--transport") ?? "websocket";
  const mode = value("--mode") ?? "lab";
  if (transport !== "websocket" && transport !== "polling") throw new Error(`--transport must be websocket or polling, not ${transport}`);
  if (mode !== "lab" && mode !== "probes" && mode !== "bare") throw new Error(`--mode must be lab, probes or bare, not ${mode}`);
  const pairs = Number(value("--pairs") ?? 7);
  const emits = Number(value("--emits") ?? 20_000);
  if (!Number.isInteger(pairs) || pairs < 1) throw new Error(`--pairs must be a whole number above 0`);
  if (!Number.isInteger(emits) || emits < 1) throw new Error(`--emits must be a whole number above 0`);
  return { ref, pairs, emits, transport, mode };
}

function runOnce(dir: string, o: Options): Run {
  const r = spawnSync(process.execPath, ["--import", "tsx", "bench/profile-capture.ts", o.mode, o.transport, String(o.emits)], { cwd: dir, encoding: "utf8" });
  const run = parseRun(r.stdout ?? "");
  if (r.status !== 0 || !run) throw new Error(`bench/profile-capture.ts failed in ${dir} (exit ${r.status}): ${(r.stderr || r.stdout || "").slice(-400)}`);
  return run;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const here = resolve(".");
  const sha = execFileSync("git", ["rev-parse", "--verify", `${o.ref}^{commit}`], { encoding: "utf8" }).trim();
  const there = join(mkdtempSync(join(tmpdir(), "socketscope-compare-")), "tree");
  execFileSync("git", ["worktree", "add", "--detach", there, sha], { stdio: "ignore" });
  try {
    if (!existsSync(join(there, "bench", "profile-capture.ts"))) throw new Error(`${o.ref} has no bench/profile-capture.ts to run`);
    symlinkSync(join(here, "node_modules"), join(there, "node_modules"), "dir");
    console.log(`${o.mode}, ${o.emits} acked emits over ${o.transport}: ${o.ref} (${sha.slice(0, 7)}) against the working tree, ${o.pairs} interleaved pairs`);
    const pairs: { there: Run; here: Run }[] = [];
    for (let i = 0; i < o.pairs; i++) {
      // Alternate who goes first, so neither side always runs on a machine just warmed (or loaded) by the other.
      const first = i % 2 === 0 ? "there" : "here";
      const a = runOnce(first === "there" ? there : here, o);
      const b = runOnce(first === "there" ? here : there, o);
      const pair = first === "there" ? { there: a, here: b } : { there: b, here: a };
      pairs.push(pair);
      console.log(`pair ${i + 1}: ${sha.slice(0, 7)} ${pair.there.wallMs} ms wall, ${pair.there.cpuMs} ms CPU; working tree ${pair.here.wallMs} ms wall, ${pair.here.cpuMs} ms CPU`);
    }
    const c = compare(pairs);
    console.log(`per pair, working tree ÷ ${o.ref}: wall ${c.pairs.map((p) => p.wall).join(", ")}; CPU ${c.pairs.map((p) => p.cpu).join(", ")}`);
    console.log(`medians: ${o.ref} ${c.there.wallMs} ms wall, ${c.there.cpuMs} ms CPU; working tree ${c.here.wallMs} ms wall, ${c.here.cpuMs} ms CPU; ratio wall ${c.wallRatio}, CPU ${c.cpuRatio}`);
  } finally {
    execFileSync("git", ["worktree", "remove", "--force", there], { stdio: "ignore" });
    rmSync(join(there, ".."), { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => {
    console.error(`bench:compare: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
