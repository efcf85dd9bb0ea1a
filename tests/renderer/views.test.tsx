// @vitest-environment happy-dom
// Views rendered from a store loaded with the hand-built hello-ack trace: landmarks with
// their exact names, controls, Layers/Addressing/TCP content, keys, and the file parser.
import { afterEach, describe, expect, it } from "vitest";
import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { App } from "../../src/renderer/src/app";
import { StoreContext } from "../../src/renderer/src/store/store-context";
import { createTraceStore } from "../../src/renderer/src/store/trace-store";
import { parseTraceText, serializeTrace } from "../../src/renderer/src/files/trace-file";
import { keyAction } from "../../src/renderer/src/hooks/use-keyboard";
import { buildHelloAck, CLIENT_TUPLE, HELLO_ACK_HEADER, HELLO_ACK_INFO } from "./fixtures/hello-ack";

afterEach(cleanup);

function mount() {
  const bundle = createTraceStore();
  bundle.actions.setScenarios([HELLO_ACK_INFO]);
  const events = buildHelloAck();
  bundle.actions.loadTrace(HELLO_ACK_HEADER, events);
  render(
    <StoreContext.Provider value={bundle}>
      <App api={null} />
    </StoreContext.Provider>,
  );
  return { ...bundle, events };
}

describe("views", () => {
  it("keeps one select per timeline filter as traces of other sizes are opened", () => {
    const { actions, events } = mount();
    const filters = () => within(screen.getByRole("group", { name: "Timeline filters" })).getAllByRole("combobox").map((c) => c.getAttribute("aria-label"));
    expect(filters()).toEqual(["Host filter", "Namespace filter", "Connection filter"]);
    act(() => actions.loadTrace(HELLO_ACK_HEADER, events.slice(0, 20)));
    act(() => actions.loadTrace(HELLO_ACK_HEADER, events));
    expect(filters()).toEqual(["Host filter", "Namespace filter", "Connection filter"]);
    const conns = within(screen.getByRole("combobox", { name: "Connection filter" })).getAllByRole("option").map((o) => o.textContent);
    expect(conns).toEqual(["all connections", ...new Set(events.flatMap((e) => (e.conn ? [e.conn] : [])))]);
  });

  it("TCP send times are model ms, counted from the connection's first segment once they pass 100 s", () => {
    const times = (late: boolean): string[] => {
      cleanup();
      const bundle = createTraceStore();
      const events = buildHelloAck().map((e) => (late ? { ...e, t: e.t + 14_453_000 } : e));
      bundle.actions.loadTrace(HELLO_ACK_HEADER, events);
      render(
        <StoreContext.Provider value={bundle}>
          <App api={null} />
        </StoreContext.Provider>,
      );
      act(() => bundle.actions.seek(events.length - 1, 0));
      const tcp = screen.getByRole("region", { name: "TCP" });
      return [...tcp.querySelectorAll(".seg-time")].map((t) => t.textContent ?? "").concat(tcp.querySelector(".net-line")?.textContent ?? "");
    };
    const early = times(false);
    expect(early.length).toBeGreaterThan(3);
    expect(early.slice(0, -1).every((t) => /^\d{1,5}$/.test(t))).toBe(true);
    expect(early.at(-1)).toMatch(/clock \d+ ms/);
    const late = times(true);
    expect(late.slice(0, -1).every((t) => /^\+\d{1,5}$/.test(t))).toBe(true);
    expect(late.at(-1)).toMatch(/times: ms after 1445\d{4}/);
  });

  it("has the seven named regions and the named controls", () => {
    mount();
    for (const name of ["Addressing", "TCP", "Layers", "Namespaces", "Timeline", "Inspector", "Narration"]) expect(screen.getByRole("region", { name })).toBeTruthy();
    for (const name of ["Play", "Step forward", "Step back", "Next step", "Restart scenario"]) expect(screen.getByRole("button", { name })).toBeTruthy();
    expect(screen.getByRole("combobox", { name: "Scenario" })).toBeTruthy();
    expect(screen.getByRole("combobox", { name: "Step by" })).toBeTruthy();
    expect(screen.getByRole("slider", { name: "Speed" })).toBeTruthy();
    expect(within(screen.getByRole("region", { name: "TCP" })).getByText("modelled from real bytes")).toBeTruthy();
  });

  it("shows the emit's strings, the 4-tuple and the handshake at the receiver's API event", () => {
    const { actions, events } = mount();
    act(() => actions.seek(events.findIndex((e) => e.layer === "api" && e.kind === "receive"), 0));
    const layers = screen.getByRole("region", { name: "Layers" }).textContent ?? "";
    expect(layers).toContain('20["hello","world"]');
    expect(layers).toContain('420["hello","world"]');
    expect(screen.getByRole("region", { name: "Addressing" }).textContent).toContain(CLIENT_TUPLE);
    expect(screen.getByRole("region", { name: "Narration" }).textContent).toContain("Emit hello with an ack");
  });

  it("Step forward then Step back restores the views; Space toggles play", () => {
    const { store } = mount();
    fireEvent.click(screen.getByRole("button", { name: "Step forward" }));
    fireEvent.click(screen.getByRole("button", { name: "Step forward" }));
    const before = document.body.textContent;
    fireEvent.click(screen.getByRole("button", { name: "Step forward" }));
    expect(document.body.textContent).not.toBe(before);
    fireEvent.click(screen.getByRole("button", { name: "Step back" }));
    expect(document.body.textContent).toBe(before);
    fireEvent.keyDown(window, { key: " " });
    expect(store.getState().playing).toBe(true);
    expect(screen.getByRole("button", { name: "Pause" })).toBeTruthy();
  });

  it("keys map to actions but not while typing in a field", () => {
    expect(keyAction({ key: "ArrowRight", ctrlKey: false, metaKey: false, altKey: false }, null)).toBe("forward");
    expect(keyAction({ key: "f", ctrlKey: false, metaKey: false, altKey: false }, null)).toBe("presenter");
    const select = document.createElement("select");
    expect(keyAction({ key: " ", ctrlKey: false, metaKey: false, altKey: false }, select)).toBeNull();
  });

  it("leaves Space to a focused button, checkbox or tab, and plays/pauses elsewhere", () => {
    const space = { key: " ", ctrlKey: false, metaKey: false, altKey: false };
    const checkbox = Object.assign(document.createElement("input"), { type: "checkbox" });
    const tab = document.createElement("div");
    tab.setAttribute("role", "tab");
    for (const el of [document.createElement("button"), checkbox, tab]) expect(keyAction(space, el)).toBeNull();
    expect(keyAction(space, document.body)).toBe("togglePlay");
    expect(keyAction({ ...space, key: "ArrowRight" }, document.createElement("button"))).toBe("forward");
  });
});

describe("trace files", () => {
  it("round-trips through NDJSON and reports the line at fault", async () => {
    const events = buildHelloAck();
    const text = serializeTrace(HELLO_ACK_HEADER, events);
    const parsed = await parseTraceText(text, undefined, async () => undefined);
    expect(parsed.events).toEqual(events);
    const broken = text.split("\n");
    broken[3] = '{"id": 3, "t": "soon"}';
    await expect(parseTraceText(broken.join("\n"), undefined, async () => undefined)).rejects.toThrow(/^Line 4: /);
    await expect(parseTraceText("", undefined, async () => undefined)).rejects.toThrow(/empty/);
    await expect(parseTraceText("hello\n", undefined, async () => undefined)).rejects.toThrow(/Line 1 is not JSON/);
  });
});
