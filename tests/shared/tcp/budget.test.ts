// The TCP model's work budget: a trace or a setting asking for more segments than the limit is
// refused up front with the plain message, and a run that outgrows the estimate stops in time.

import { describe, expect, it } from "vitest";
import { DEFAULT_NETWORK } from "../../../src/shared/network-settings.js";
import { expectedSegments, MAX_MODEL_SEGMENTS, ModelBudgetError } from "../../../src/shared/tcp/budget.js";
import { simulate } from "../../../src/shared/tcp/model.js";
import { bytesOf, syntheticConnection } from "./synthetic.js";

describe("the TCP model's budget", () => {
  it("models a small connection within the budget", () => {
    const input = syntheticConnection([{ from: "client", t: 1, bytes: bytesOf(5000) }]);
    const settings = { ...DEFAULT_NETWORK, mss: 100 };
    expect(expectedSegments([input], settings)).toBeLessThan(MAX_MODEL_SEGMENTS);
    expect(simulate([input], settings)[0]!.segments.length).toBeGreaterThan(50);
  });

  it("refuses, in words, a trace that asks for more segments than the limit", () => {
    // 3 MB at MSS 8: about 375,000 data segments before any ACK.
    const input = syntheticConnection([{ from: "server", t: 1, bytes: bytesOf(3_000_000) }]);
    const settings = { ...DEFAULT_NETWORK, mss: 8 };
    const asked = expectedSegments([input], settings);
    expect(asked).toBeGreaterThan(MAX_MODEL_SEGMENTS);
    expect(() => simulate([input], settings)).toThrow(ModelBudgetError);
    expect(() => simulate([input], settings)).toThrow(`this trace asks the model for ${asked} segments; the limit is ${MAX_MODEL_SEGMENTS}`);
  });

  it("counts a loss rate against the budget (each lost segment is sent again)", () => {
    const input = syntheticConnection([{ from: "client", t: 1, bytes: bytesOf(400_000) }]);
    const clean = expectedSegments([input], { ...DEFAULT_NETWORK, mss: 8 });
    const lossy = expectedSegments([input], { ...DEFAULT_NETWORK, mss: 8, loss: 0.9 });
    expect(lossy).toBeGreaterThanOrEqual(clean * 9);
    expect(() => simulate([input], { ...DEFAULT_NETWORK, mss: 8, loss: 0.9 })).toThrow(/the limit is 200000/);
  });
});
