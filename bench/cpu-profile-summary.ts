// Summarises a V8 .cpuprofile (from node --cpu-prof): self time per function and per file,
// the top entries first. Usage: tsx bench/cpu-profile-summary.ts FILE.cpuprofile [top]

import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export function summarise(profile: CpuProfile, top = 25): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (const [i, id] of profile.samples.entries()) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fns = new Map<string, number>();
  const files = new Map<string, number>();
  for (const [id, us] of self) {
    const f = byId.get(id)!.callFrame;
    const file = f.url.replace(/^file:\/\//, "").replace(/^.*\/node_modules\//, "node_modules/").replace(/^.*\/work\/main\//, "") || "(native)";
    const fn = `${f.functionName || "(anonymous)"}  ${file}:${f.lineNumber + 1}`;
    fns.set(fn, (fns.get(fn) ?? 0) + us);
    files.set(file, (files.get(file) ?? 0) + us);
  }
  const pct = (us: number): string => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
  const list = (m: Map<string, number>): string[] => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => `${pct(v)}  ${k}`);
  const byCategory = new Map<string, number>();
  for (const [id, us] of self) {
    const f = byId.get(id)!.callFrame;
    const c = category(f.url, f.functionName);
    byCategory.set(c, (byCategory.get(c) ?? 0) + us);
  }
  const ms = (us: number): string => `${(us / 1000).toFixed(0).padStart(6)} ms`;
  const categories = [...byCategory].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${pct(v)} ${ms(v)}  ${k}`);
  return [`total ${(total / 1000).toFixed(0)} ms sampled`, "", "self time by category:", ...categories, "", "self time by function:", ...list(fns), "", "self time by file:", ...list(files)].join("\n");
}

/**
 * Where a sample's time goes: the lab's capture (src/main/lab/capture), the recorder and the
 * trace's serialisation (src/main/trace), Socket.IO and its stack (socket.io, engine.io, ws,
 * their parsers), Node's I/O (streams, net, timers, native writes), the garbage collector, and
 * the rest (module loading, the lab's own code, idle).
 */
export function category(url: string, fn: string): string {
  if (fn === "(garbage collector)") return "garbage collection";
  if (fn === "(idle)" || fn === "(program)") return "idle / program";
  if (url.includes("/src/main/lab/capture/")) return "capture";
  if (url.includes("/src/main/trace/")) return "recorder and serialisation";
  if (/node_modules\/(socket\.io|engine\.io|ws|@socket\.io|debug|base64id)/.test(url)) return "socket.io (server and client)";
  if (/^node:(net|internal\/(stream|streams|net|timers|process|buffer|http|fixed_queue|async_hooks|perf|event_target)|events|buffer|stream|timers|http)/.test(url) || (!url && /writev|writeUtf8String|writeBuffer|readv?|TextDecoder|FastBuffer/.test(fn))) return "node I/O, buffers and timers";
  if (url.includes("/src/")) return "lab and app code";
  return "other (module loading, native)";
}

if (process.argv[1] === import.meta.filename) {
  const file = process.argv[2];
  if (!file) {
    console.error("usage: tsx bench/cpu-profile-summary.ts FILE.cpuprofile [top]");
    process.exit(2);
  }
  console.log(summarise(JSON.parse(readFileSync(file, "utf8")) as CpuProfile, Number(process.argv[3] ?? 25)));
}
