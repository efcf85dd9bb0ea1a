// Fuzzed trace files: a real scenario's trace (run here, on port 0) mutated 2,000 times with a
// fixed seed, each mutant read by Node's reader and by the page's, which must agree, then (when
// accepted) modelled as the TCP view would. Every mutant is refused with a line and a reason,
// accepted, or stopped by the model's budget; none throws anything else or runs past 2 s.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runScenarioToFile } from "../../src/main/cli/run-scenario.js";
import { readTraceFile, TraceFileError, type Trace } from "../../src/main/trace/trace-reader.js";
import { createTraceParser } from "../../src/renderer/src/files/trace-file.js";
import { clampNetwork } from "../../src/shared/network-limits.js";
import { DEFAULT_NETWORK } from "../../src/shared/network-settings.js";
import { ModelBudgetError } from "../../src/shared/tcp/budget.js";
import { retimeTrace } from "../../src/shared/tcp/retime.js";
import { networkFromTrace } from "../../src/shared/tcp/trace-settings.js";
import type { TraceEvent } from "../../src/shared/trace/types.js";
import { createPrng } from "../../src/shared/tcp/prng.js";

const MUTANTS = 2000;
const MODEL_MS = 2000;


const HOSTILE_NUMBERS = [-1, 0, 1, 2 ** 31, 2e9, 1e15, 1e308, 0.999999, 1.5, 65536];
const HOSTILE_NETWORK = [
  { loss: 0.999999 },
  { latency: 1e9 },
  { jitter: 1e15 },
  { drop: Array.from({ length: 5000 }, (_, i) => i) },
  { isn: 2e9, mss: 1 },
  { mss: 1, loss: 0.9 },
  { window: 0 },
  { delayedAck: 1e12, reordering: 1, duplication: 1 },
];

type Mutation = (lines: string[], text: string, r: () => number) => string;
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const eventLine = (lines: string[], r: () => number): number => 1 + Math.floor(r() * (lines.length - 1));
/** Lines of the given layer and kind, by index. */
const linesOf = (lines: string[], needle: string): number[] => lines.flatMap((l, i) => (l.includes(needle) ? [i] : []));

const MUTATIONS: Record<string, Mutation> = {
  "flip a character": (_l, text, r) => {
    const i = Math.floor(r() * text.length);
    return text.slice(0, i) + String.fromCharCode(32 + Math.floor(r() * 95)) + text.slice(i + 1);
  },
  "delete a character": (_l, text, r) => {
    const i = Math.floor(r() * text.length);
    return text.slice(0, i) + text.slice(i + 1);
  },
  "cut the file": (_l, text, r) => text.slice(0, Math.floor(r() * text.length)),
  "drop a line": (lines, _t, r) => lines.filter((_, i) => i !== eventLine(lines, r)).join("\n"),
  "repeat a line": (lines, _t, r) => {
    const i = eventLine(lines, r);
    return [...lines.slice(0, i + 1), lines[i]!, ...lines.slice(i + 1)].join("\n");
  },
  "swap two lines": (lines, _t, r) => {
    const out = lines.slice();
    const i = eventLine(lines, r);
    const j = eventLine(lines, r);
    [out[i], out[j]] = [out[j]!, out[i]!];
    return out.join("\n");
  },
  "a hostile number in a field": (lines, _t, r) => {
    const i = eventLine(lines, r);
    const fields = [...lines[i]!.matchAll(/"(\w+)":(-?[0-9.e+]+)/g)];
    if (fields.length === 0) return lines.join("\n");
    const f = pick(r, fields);
    const out = lines.slice();
    out[i] = lines[i]!.replace(f[0], `"${f[1]}":${pick(r, HOSTILE_NUMBERS)}`);
    return out.join("\n");
  },
  "tcp bytes changed": (lines, _t, r) => {
    const data = linesOf(lines, '"kind":"data"');
    if (data.length === 0) return lines.join("\n");
    const i = pick(r, data);
    const out = lines.slice();
    const how = r();
    out[i] = how < 0.33 ? lines[i]!.replace(/"bytes":"[^"]*"/, '"bytes":"@@not base64@@"') : how < 0.66 ? lines[i]!.replace(/"offset":(\d+)/, (_m, n: string) => `"offset":${Number(n) + 7}`) : lines[i]!.replace(/"bytes":"([^"]{4})/, '"bytes":"');
    return out.join("\n");
  },
  "a hostile network fault": (lines, _t, r) => {
    const last = JSON.parse(lines[lines.length - 1]!) as TraceEvent;
    const fault = { id: last.id + 1, t: last.t, host: "server", layer: "lab", kind: "fault", fault: "network", detail: JSON.stringify(pick(r, HOSTILE_NETWORK)) };
    return [...lines, JSON.stringify(fault)].join("\n");
  },
  "line breaks and a BOM": (lines, _t, r) => (r() < 0.5 ? "\ufeff" : "") + lines.join(pick(r, ["\r\n", "\r", "\n\n", "\n \n"])),
};

type Outcome = { kind: "refused"; line: number; reason: string } | { kind: "accepted"; trace: Trace };

async function nodeRead(path: string): Promise<Outcome> {
  try {
    return { kind: "accepted", trace: await readTraceFile(path) };
  } catch (err) {
    if (err instanceof TraceFileError) return { kind: "refused", line: err.line, reason: err.reason };
    throw err;
  }
}

/** The page's reading: the line it names (0 for "the file is empty"), or its events. */
function pageRead(text: string): { line: number } | { events: TraceEvent[]; torn: number | undefined } {
  const parser = createTraceParser();
  try {
    const events = [...parser.push(text), ...parser.end()];
    return { events, torn: parser.torn?.line };
  } catch (err) {
    const m = /^Line (\d+)/.exec((err as Error).message);
    if (m) return { line: Number(m[1]) };
    if (/empty/.test((err as Error).message)) return { line: 0 };
    throw err;
  }
}

let original = "";
const dir = mkdtempSync(join(tmpdir(), "ss-fuzz-"));
beforeAll(async () => {
  const path = join(dir, "lossy-tcp.ndjson");
  const run = await runScenarioToFile("lossy-tcp", path, { port: 0 });
  expect(run.error).toBeUndefined();
  original = readFileSync(path, "utf8");
}, 120_000);

const tally: Record<string, number> = { refused: 0, accepted: 0, "model budget exceeded": 0 };
const byMutation: Record<string, Record<string, number>> = {};
let slowest = 0;
afterAll(() => {
  console.log(`fuzzed traces: ${MUTANTS} mutants of a real lossy-tcp trace (${original.split("\n").length - 1} lines): ${JSON.stringify(tally)}; slowest model ${slowest} ms; by mutation ${JSON.stringify(byMutation)}`);
});

describe("fuzzed trace files", () => {
  it("the original is read alike by Node and the page, and modelled", async () => {
    const path = join(dir, "original.ndjson");
    writeFileSync(path, original);
    const node = await nodeRead(path);
    expect(node.kind).toBe("accepted");
    const page = pageRead(original);
    expect("events" in page && page.events).toEqual(node.kind === "accepted" && node.trace.events);
  });

  it(`${MUTANTS} mutants: refused with a line and a reason, accepted, or over the model's budget, alike in Node and the page`, async () => {
    const g = createPrng(12);
    const r = () => g.next();
    const lines = original.trimEnd().split("\n");
    const names = Object.keys(MUTATIONS);
    const path = join(dir, "mutant.ndjson");
    for (let n = 0; n < MUTANTS; n++) {
      const name = names[n % names.length]!;
      const text = MUTATIONS[name]!(lines, original, r);
      writeFileSync(path, text);
      const node = await nodeRead(path);
      const page = pageRead(text);
      let outcome: string;
      if (node.kind === "refused") {
        expect(node.reason, `mutant ${n} (${name})`).not.toBe("");
        expect(page, `mutant ${n} (${name}): ${node.reason}`).toEqual({ line: node.line });
        outcome = "refused";
      } else {
        expect("events" in page && page.events.length, `mutant ${n} (${name})`).toBe(node.trace.events.length);
        expect("events" in page && page.torn, `mutant ${n} (${name})`).toBe(node.trace.torn?.line);
        const settings = clampNetwork(networkFromTrace(node.trace.events, { ...DEFAULT_NETWORK, mss: 64 }));
        const start = performance.now();
        try {
          retimeTrace(node.trace.events, settings);
          outcome = "accepted";
        } catch (err) {
          if (!(err instanceof ModelBudgetError)) throw new Error(`mutant ${n} (${name}): the model threw ${(err as Error).message}`);
          outcome = "model budget exceeded";
        }
        const ms = Math.round(performance.now() - start);
        slowest = Math.max(slowest, ms);
        expect(ms, `mutant ${n} (${name}) modelled in ${ms} ms`).toBeLessThan(MODEL_MS);
      }
      tally[outcome] = (tally[outcome] ?? 0) + 1;
      const m = (byMutation[name] ??= {});
      m[outcome] = (m[outcome] ?? 0) + 1;
    }
    expect(tally.refused! + tally.accepted! + tally["model budget exceeded"]!).toBe(MUTANTS);
  }, 300_000);
});
