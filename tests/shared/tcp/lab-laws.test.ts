// The laws again, over real lab traces: `lossy-tcp` and `hello-ack` run once on loopback (port 0),
// then modelled with many seeds and loss rates, and the trace retimed.

import { beforeAll, describe, expect, it } from "vitest";
import { runScenarioToFile } from "../../../src/main/cli/run-scenario.js";
import { DEFAULT_NETWORK } from "../../../src/shared/network-settings.js";
import { extractConnections } from "../../../src/shared/tcp/extract.js";
import { simulate } from "../../../src/shared/tcp/model.js";
import { retime } from "../../../src/shared/tcp/retime.js";
import { networkFromTrace } from "../../../src/shared/tcp/trace-settings.js";
import type { TraceEvent } from "../../../src/shared/trace/types.js";
import { checkLaws, checkRetiming } from "./laws.js";

const SEEDS = [1, 2, 3, 7, 11, 42, 99, 1234];
const LOSSES = [0, 0.1, 0.2, 0.35, 0.5];

for (const scenario of ["lossy-tcp", "hello-ack"]) {
  describe(`TCP model laws on a real ${scenario} trace`, () => {
    let events: TraceEvent[] = [];
    beforeAll(async () => {
      const result = await runScenarioToFile(scenario, undefined, { port: 0 });
      expect(result.ok).toBe(true);
      events = result.events;
    }, 60_000);

    it("has connections whose bytes were captured at both ends", () => {
      const inputs = extractConnections(events);
      expect(inputs.length).toBeGreaterThan(0);
      for (const input of inputs) {
        expect(input.traceConns.client).toBeDefined();
        expect(input.traceConns.server).toBeDefined();
        expect(input.chunks.length).toBeGreaterThan(0);
      }
    });

    for (const loss of LOSSES) {
      it(`loss ${loss}, ${SEEDS.length} seeds: bytes once and in order, retransmission until arrival, causality`, () => {
        const inputs = extractConnections(events);
        for (const seed of SEEDS) {
          // The trace's scripted drops (lossy-tcp's) stay, on top of the random loss.
          const settings = { ...networkFromTrace(events, DEFAULT_NETWORK), seed, loss };
          const model = simulate(inputs, settings);
          const scripted = (settings.dropData ?? []).length > 0;
          for (const [i, input] of inputs.entries()) checkLaws(input, model[i]!, loss === 0 && !scripted);
          checkRetiming(events, model, retime(events, model));
        }
      });
    }

    if (scenario === "lossy-tcp") {
      it("the scenario's own settings (MSS 64, scripted drops) cut the message into several segments", () => {
        const settings = networkFromTrace(events, DEFAULT_NETWORK);
        expect(settings).toMatchObject({ mss: 64, loss: 0, latency: 20, dropData: [{ segments: [2, 5] }, { segments: [1, 2] }] });
        const [out] = simulate(extractConnections(events), settings);
        expect(out!.segments.filter((s) => s.from === "client" && s.len === 64).length).toBeGreaterThan(3);
      });
    }
  });
}
