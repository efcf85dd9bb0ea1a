// `npm run wirecheck [scenario …]`: runs scenarios under tcpdump and prints, per scenario, what
// tshark and the trace were compared on, how each connection ended, and every mismatch.
// Exits 1 on any mismatch (2 when tshark, tcpdump or root is missing).

import { SCENARIOS } from "../src/main/lab/scenarios/index.js";
import { missingTools } from "../tests/wireshark/capture.js";
import { checkScenario, type ScenarioCheck } from "../tests/wireshark/check-scenario.js";

const COLUMNS = ["scenario", "conns", "refused", "bytes c→s", "bytes s→c", "ws frames", "http msgs", "engine", "socket.io", "mismatches"] as const;

function row(r: ScenarioCheck): string[] {
  const f = r.figures;
  return [r.scenario, f.connections, f.refused, f.bytesClientToServer, f.bytesServerToClient, f.frames, f.httpMessages, f.enginePackets, f.socketioPackets, f.mismatches.length].map(String);
}

function table(rows: string[][]): string {
  const all = [[...COLUMNS], ...rows];
  const widths = COLUMNS.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return all.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ")).join("\n");
}

async function main(): Promise<number> {
  const missing = missingTools();
  if (missing) {
    console.error(`wirecheck: ${missing}`);
    return 2;
  }
  const known = SCENARIOS.map((s) => s.id);
  const ids = process.argv.slice(2);
  const unknown = ids.filter((id) => !known.includes(id));
  if (unknown.length) {
    console.error(`wirecheck: unknown scenario ${unknown.join(", ")} (known: ${known.join(", ")})`);
    return 2;
  }
  const results: ScenarioCheck[] = [];
  for (const id of ids.length ? ids : known) {
    const r = await checkScenario(id);
    results.push(r);
    const f = r.figures;
    console.log(`\n== ${id}: ${f.mismatches.length} mismatches (port ${r.port}; capture ${r.pcap}; trace ${r.trace})`);
    if (r.error) console.log(`   the scenario failed: ${r.error}`);
    console.log(table([row(r)]));
    for (const e of f.endings) {
      const agree = e.trace.split("; ").every((t) => t.endsWith(`: ${e.capture}`));
      console.log(`   ${e.connection}: ${e.capture}   [${e.conns}]${agree ? "" : `   trace: ${e.trace}`}`);
    }
    for (const n of f.notes) console.log(`   note: ${n}`);
    for (const m of f.mismatches) console.log(`   ${m}`);
  }
  console.log(`\n${table(results.map(row))}`);
  return results.some((r) => r.figures.mismatches.length > 0 || r.error) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(2);
  },
);
