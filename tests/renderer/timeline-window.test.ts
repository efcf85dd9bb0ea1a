// The virtualised timeline's window: up to MAX_PX the list scrolls as it is; beyond, the scroll
// range maps onto the list so that the first and the last rows can both be brought into view.
import { describe, expect, it } from "vitest";
import { MAX_PX, ROW_H, rowWindow } from "../../src/renderer/src/views/timeline-view";

describe("timeline window", () => {
  it("scrolls a short list as it is", () => {
    expect(rowWindow(0, 1000, 100)).toEqual({ first: 0, top: 0 });
    expect(rowWindow(50, 1000, 100)).toEqual({ first: 2, top: 2 * ROW_H });
  });

  it("shows the last row of 1,000,000 at the bottom of the view at the end of the scroll range", () => {
    for (const height of [53, 100, 480]) {
      const count = 1_000_000;
      const end = MAX_PX - height;
      const { first, top } = rowWindow(end, count, height);
      // The last row's bottom edge is the view's bottom edge.
      expect(top + (count - first) * ROW_H).toBeCloseTo(end + height, 6);
      expect(rowWindow(0, count, height)).toEqual({ first: 0, top: 0 });
      // In between, rows move with the scroll and never jump back.
      let last = -1;
      for (let y = 0; y <= end; y += end / 97) {
        const w = rowWindow(y, count, height);
        expect(w.first).toBeGreaterThanOrEqual(last);
        expect(w.top).toBeLessThanOrEqual(y);
        expect(y - w.top).toBeLessThan(ROW_H);
        last = w.first;
      }
    }
  });
});
