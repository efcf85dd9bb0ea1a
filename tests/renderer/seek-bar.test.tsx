// @vitest-environment happy-dom
// The seek bar on a trace with thousands of steps (a class's hour of scenario runs): a handful
// of markers the bar can show apart, the playhead's step among them, not a button per step.
import { afterEach, describe, expect, it } from "vitest";
import { act, cleanup, render, screen, within } from "@testing-library/react";
import { SeekBar } from "../../src/renderer/src/controls/seek-bar";
import { StoreContext } from "../../src/renderer/src/store/store-context";
import { createTraceStore } from "../../src/renderer/src/store/trace-store";
import type { TraceEvent } from "../../src/shared/trace/types";
import { HELLO_ACK_HEADER } from "./fixtures/hello-ack";

afterEach(cleanup);

describe("the seek bar", () => {
  it("marks as many step starts as fit, with the step the playhead is in", () => {
    const events: TraceEvent[] = [];
    for (let run = 0; run < 1500; run++) {
      for (let step = 0; step < 3; step++) {
        events.push({ id: events.length + 1, t: events.length, layer: "lab", kind: "step", host: "server", index: step, title: `step ${step} of run ${run}`, narration: "", scenario: "hello-ack" } as TraceEvent);
        events.push({ id: events.length + 1, t: events.length, layer: "lab", kind: "log", host: "server", text: "…" } as TraceEvent);
      }
    }
    const bundle = createTraceStore();
    bundle.actions.loadTrace(HELLO_ACK_HEADER, events);
    render(
      <StoreContext.Provider value={bundle}>
        <SeekBar />
      </StoreContext.Provider>,
    );
    const bar = screen.getByRole("group", { name: "Seek" });
    const marked = () => within(bar).queryAllByRole("button").map((b) => b.getAttribute("title"));
    expect(marked().length).toBeGreaterThan(5);
    expect(marked().length).toBeLessThan(60);
    // Six events a run: run 1333's step 1 starts at index 1333 × 6 + 2 = 8000.
    act(() => bundle.actions.seek(8001, 0));
    expect(marked()).toContain("Step 2: step 1 of run 1333");
    expect(marked().length).toBeLessThan(60);
  });
});
