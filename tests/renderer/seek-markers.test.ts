// The seek bar's markers on a long trace: as many as the bar can show apart, the step the
// playhead is in and the end always among them.
import { describe, expect, it } from "vitest";
import { fitMarkers, type StepMarker } from "../../src/renderer/src/selectors/step-markers";

const markers = (count: number, every: number): StepMarker[] =>
  Array.from({ length: count }, (_, i) => ({ index: i * every, step: i % 4, title: `step ${i % 4}`, teardown: i === count - 1 }));

describe("fitMarkers", () => {
  it("keeps every marker when the bar has room for them", () => {
    const few = markers(5, 40);
    expect(fitMarkers(few, 200, 37, 10)).toBe(few);
  });

  it.each([0, 1, 12_345, 99_950, 199_990])("on 20,000 steps and a 37-marker bar, shows them apart, the same ones wherever the playhead is, plus its step (cursor %i) and the end", (cursor) => {
    const all = markers(20_000, 10);
    const length = 200_000;
    const slots = 37;
    const kept = fitMarkers(all, length, slots, cursor);
    const still = fitMarkers(all, length, slots, -1);
    expect(still.length).toBeLessThanOrEqual(slots);
    expect(still.length).toBeGreaterThan(slots / 2);
    const at = (m: StepMarker) => ((m.index + 1) / length) * slots;
    const current = [...all].reverse().find((m) => m.index <= cursor)!;
    // The playhead's step is added to the same set when it is not in it.
    expect(kept).toContain(current);
    expect(kept.filter((m) => m !== current)).toEqual(still.filter((m) => m !== current));
    expect(kept.at(-1)).toBe(all.at(-1));
    expect(kept[0]).toBe(all[0]);
    for (let i = 1; i < kept.length; i++) expect(kept[i]!.index).toBeGreaterThan(kept[i - 1]!.index);
    // The set without the playhead is spread at least one marker apart.
    for (let i = 1; i < still.length; i++) expect(at(still[i]!) - at(still[i - 1]!)).toBeGreaterThanOrEqual(1);
  });

  it("before the first step, keeps the first and the end", () => {
    const all = markers(1000, 10).map((m) => ({ ...m, index: m.index + 5 }));
    const kept = fitMarkers(all, 10_010, 10, 0);
    expect(kept[0]).toBe(all[0]);
    expect(kept.at(-1)).toBe(all.at(-1));
  });
});
