// @vitest-environment happy-dom
// The console strip and the teardown phase, from the hello-ack fixture with log lines: each
// host's lines up to the playhead, newest last, under the host's label; the teardown is "After
// the lesson", never "Step 4 of 3"; the timeline describes log lines.
import { afterEach, describe, expect, it } from "vitest";
import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { App } from "../../src/renderer/src/app";
import { selectConsole } from "../../src/renderer/src/selectors/console";
import { describeEvent } from "../../src/renderer/src/selectors/describe-event";
import { selectNarration } from "../../src/renderer/src/selectors/narration";
import { StoreContext } from "../../src/renderer/src/store/store-context";
import { createTraceStore } from "../../src/renderer/src/store/trace-store";
import type { TraceEvent } from "../../src/shared/trace/types";
import { buildHelloAck, HELLO_ACK_HEADER, HELLO_ACK_INFO } from "./fixtures/hello-ack";
import { buildHelloAckWithLogs, SOCKET_ID_LINE } from "./fixtures/logs";

afterEach(cleanup);

function load(events: TraceEvent[]) {
  const bundle = createTraceStore();
  bundle.actions.setScenarios([HELLO_ACK_INFO]);
  bundle.actions.loadTrace(HELLO_ACK_HEADER, events);
  return bundle;
}

const at = (events: TraceEvent[], pick: (e: TraceEvent) => boolean): number => events.findIndex(pick);
const isLog = (text: string) => (e: TraceEvent) => e.layer === "lab" && e.kind === "log" && e.text === text;

describe("console selector", () => {
  const events = buildHelloAckWithLogs();

  it("lists every host that logs, in declaration order, with its label, before it logged anything", () => {
    const { store, actions } = load(events);
    actions.seek(0, 0);
    expect(selectConsole(store.getState()).map((h) => [h.host, h.label, h.lines.length])).toEqual([
      ["server", "Server", 0],
      ["client-1", "client-1", 0],
    ]);
  });

  it("shows the lines logged up to the playhead, newest last", () => {
    const { store, actions } = load(events);
    const lines = () => Object.fromEntries(selectConsole(store.getState()).map((h) => [h.host, h.lines.map((l) => l.text)]));
    actions.seek(at(events, isLog(SOCKET_ID_LINE)) - 1, 0);
    expect(lines()).toEqual({ server: [], "client-1": [] });
    actions.seek(at(events, isLog(SOCKET_ID_LINE)), 0);
    expect(lines()).toEqual({ server: [], "client-1": [SOCKET_ID_LINE] });
    actions.seek(at(events, isLog("world")), 0);
    expect(lines()).toEqual({ server: ["world"], "client-1": [SOCKET_ID_LINE] });
    actions.seek(events.length - 1, 0);
    expect(lines()).toEqual({ server: ["world"], "client-1": [SOCKET_ID_LINE, "got it"] });
    // Back again: the playhead, not what was recorded, decides.
    actions.seek(at(events, isLog("got it")) - 1, 0);
    expect(lines()["client-1"]).toEqual([SOCKET_ID_LINE]);
  });

  it("is empty for a trace in which nothing logs", () => {
    const { store, actions } = load(buildHelloAck());
    actions.seek(0, 0);
    expect(selectConsole(store.getState())).toEqual([]);
  });

  it("the timeline describes a log line as console.log", () => {
    expect(describeEvent(events.find(isLog("world"))!)).toBe("console.log: world");
  });
});

describe("teardown", () => {
  const events = buildHelloAckWithLogs();

  it("is after the lesson, not a step of it", () => {
    const { store, actions } = load(events);
    actions.seek(events.length - 2, 0);
    expect(selectNarration(store.getState())).toMatchObject({ stepIndex: 2, steps: 3, teardown: false });
    actions.seek(events.length - 1, 0);
    expect(selectNarration(store.getState())).toMatchObject({ teardown: true, title: "The lab closes" });
  });

  it("the page reads 'After the lesson' and shows each host's console", () => {
    const bundle = load(events);
    render(
      <StoreContext.Provider value={bundle}>
        <App api={null} />
      </StoreContext.Provider>,
    );
    act(() => bundle.actions.seek(at(events, isLog("world")), 0));
    const narration = screen.getByRole("region", { name: "Narration" });
    expect(narration.textContent).toContain("Step 3 of 3");
    const console = screen.getByRole("region", { name: "Console" });
    expect(within(console).getByRole("log", { name: "Server console" }).textContent).toBe("world");
    expect(within(console).getByRole("log", { name: "client-1 console" }).textContent).toBe(SOCKET_ID_LINE);
    act(() => bundle.actions.seek(events.length - 1, 0));
    expect(narration.querySelector(".narration-step")?.textContent).toBe("After the lesson · Hello & ack");
    expect(narration.querySelector(".narration-title")?.textContent).toBe("The lab closes");
    expect(narration.textContent).not.toMatch(/Step 4/);
    expect(within(console).getByRole("log", { name: "client-1 console" }).textContent).toBe(SOCKET_ID_LINE + "got it");
    // A click on a line moves the playhead to it.
    fireEvent.click(within(console).getByRole("button", { name: "world" }));
    expect(bundle.store.getState().cursor).toBe(at(events, isLog("world")));
  });

  it("a trace without logs has no console strip", () => {
    const bundle = load(buildHelloAck());
    render(
      <StoreContext.Provider value={bundle}>
        <App api={null} />
      </StoreContext.Provider>,
    );
    expect(screen.queryByRole("region", { name: "Console" })).toBeNull();
  });
});
