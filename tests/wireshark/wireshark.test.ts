// Each scenario run on a real lab under tcpdump: tshark's reading of the loopback capture must
// agree with the trace byte for byte, frame for frame and packet for packet, endings included.
// Skipped without tshark, tcpdump or root, unless SOCKETSCOPE_REQUIRE_WIRESHARK=1 (then it fails).

import { describe, expect, it } from "vitest";
import { SCENARIOS } from "../../src/main/lab/scenarios/index.js";
import { missingTools } from "./capture.js";
import { checkScenario, type ScenarioCheck } from "./check-scenario.js";

const missing = missingTools();
const required = process.env.SOCKETSCOPE_REQUIRE_WIRESHARK === "1";
if (missing && !required) console.warn(`Wireshark check skipped: ${missing}. Set SOCKETSCOPE_REQUIRE_WIRESHARK=1 to make this a failure.`);

function report(r: ScenarioCheck): string {
  const lines = [`${r.scenario}: ${r.figures.mismatches.length} mismatches between tshark and the trace (capture ${r.pcap}, trace ${r.trace})`, ...r.figures.mismatches.map((m) => `  ${m}`)];
  if (r.error) lines.push(`  the scenario itself failed: ${r.error}`);
  return lines.join("\n");
}

describe.skipIf(missing !== undefined && !required)("tshark agrees with the trace", () => {
  it.each(SCENARIOS.map((s) => s.id))(
    "%s",
    async (id) => {
      if (missing) throw new Error(`SOCKETSCOPE_REQUIRE_WIRESHARK=1, but ${missing}`);
      const r = await checkScenario(id);
      if (r.figures.mismatches.length > 0 || r.error) expect.fail(report(r));
      const f = r.figures;
      expect(f.connections).toBeGreaterThan(0);
      expect(f.bytesClientToServer).toBeGreaterThan(0);
      expect(f.bytesServerToClient).toBeGreaterThan(0);
      expect(f.httpMessages).toBeGreaterThan(0);
      // scale-out's clients poll (its lesson is a polling session through a balancer): HTTP only.
      if (id !== "scale-out") expect(f.frames).toBeGreaterThan(0);
      expect(f.enginePackets).toBeGreaterThan(0);
      expect(f.socketioPackets).toBeGreaterThan(0);
      expect(f.endings).toHaveLength(f.connections);
    },
    60_000,
  );
});
