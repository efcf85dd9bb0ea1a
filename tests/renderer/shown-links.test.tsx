// @vitest-environment happy-dom
// A long session with hundreds of connections: Addressing draws those open at the playhead
// and the latest closed, says how many it leaves out, and the TCP and timeline selects list
// the same few; a class's trace is drawn and listed whole. The addressing selector carries
// on from its last result and is not recomputed by steps that pass no open or close.
import { afterEach, describe, expect, it } from "vitest";
import { act, cleanup, render, screen, within } from "@testing-library/react";
import { App } from "../../src/renderer/src/app";
import { StoreContext } from "../../src/renderer/src/store/store-context";
import { createTraceStore } from "../../src/renderer/src/store/trace-store";
import { linkForConn, selectAddressing } from "../../src/renderer/src/selectors/addressing";
import { CLOSED_SHOWN, selectShownLinks } from "../../src/renderer/src/selectors/shown-links";
import type { TraceEvent } from "../../src/shared/trace/types";
import { buildHelloAck, HELLO_ACK_HEADER, HELLO_ACK_INFO } from "./fixtures/hello-ack";

afterEach(cleanup);

/** One client opening `closed` connections one after another (each closed), then `open` more left open. */
function session(closed: number, open: number): TraceEvent[] {
  const out: TraceEvent[] = [];
  const add = (e: Record<string, unknown>): void => void out.push({ id: out.length + 1, t: out.length, ...e } as unknown as TraceEvent);
  add({ layer: "lab", kind: "host", host: "server", role: "server", label: "Server", ips: ["127.0.0.1"] });
  add({ layer: "lab", kind: "listen", host: "server", ip: "127.0.0.1", port: 3000, service: "socket.io" });
  add({ layer: "lab", kind: "host", host: "client-1", role: "client", label: "client-1", ips: ["127.0.0.2"] });
  for (let i = 1; i <= closed + open; i++) {
    const c = `client-1/tcp${i}`;
    const s = `server/tcp${i}`;
    const port = 40000 + i;
    add({ layer: "tcp", kind: "open", host: "client-1", conn: c, local: { ip: "127.0.0.2", port }, remote: { ip: "127.0.0.1", port: 3000 }, role: "client", peer: "server" });
    add({ layer: "tcp", kind: "open", host: "server", conn: s, local: { ip: "127.0.0.1", port: 3000 }, remote: { ip: "127.0.0.2", port }, role: "server", peer: "client-1" });
    add({ layer: "tcp", kind: "data", host: "client-1", conn: c, dir: "out", offset: 0, length: 1, bytes: "eA==" });
    add({ layer: "tcp", kind: "data", host: "server", conn: s, dir: "in", offset: 0, length: 1, bytes: "eA==" });
    if (i > closed) continue;
    const close = { layer: "tcp", kind: "close", reason: "end", bytesIn: 1, bytesOut: 1, bytesRead: 1, bytesWritten: 1, checked: true };
    add({ ...close, host: "client-1", conn: c });
    add({ ...close, host: "server", conn: s });
  }
  return out;
}

function mount(events: TraceEvent[]) {
  const bundle = createTraceStore();
  bundle.actions.setScenarios([HELLO_ACK_INFO]);
  bundle.actions.loadTrace(HELLO_ACK_HEADER, events);
  render(
    <StoreContext.Provider value={bundle}>
      <App api={null} />
    </StoreContext.Provider>,
  );
  return bundle;
}

const options = (name: string): string[] => within(screen.getByRole("combobox", { name })).getAllByRole("option").map((o) => o.textContent ?? "");

describe("connections shown at scale", () => {
  it("draws the open connections and the latest closed, and says how many are left out", () => {
    const events = session(200, 3);
    const { actions, store } = mount(events);
    act(() => actions.seek(events.length - 1, 0));
    const shown = selectShownLinks(store.getState());
    expect(shown.links.filter((l) => l.open)).toHaveLength(3);
    expect(shown.links.filter((l) => !l.open).map((l) => l.conns[0])).toEqual(Array.from({ length: CLOSED_SHOWN }, (_, k) => `client-1/tcp${200 - CLOSED_SHOWN + 1 + k}`));
    expect(shown.hiddenClosed).toBe(200 - CLOSED_SHOWN);
    const region = screen.getByRole("region", { name: "Addressing" });
    expect(within(region).getByRole("note").textContent).toBe(`+188 earlier connections (closed) not drawn · showing 3 open at the playhead, the latest ${CLOSED_SHOWN} closed`);
    expect(region.querySelectorAll("g.link")).toHaveLength(3 + CLOSED_SHOWN);
    // The TCP view lists the same connections, and says how many it does not.
    const conns = options("Connection");
    expect(conns[0]).toBe("follow playhead");
    expect(conns).toHaveLength(1 + 3 + CLOSED_SHOWN + 1);
    expect(conns.at(-1)).toBe("+188 earlier (closed) not listed");
    // The timeline's filter: both ends of each of them.
    expect(options("Connection filter")).toHaveLength(1 + 2 * (3 + CLOSED_SHOWN) + 1);
    expect(options("Connection filter").at(-1)).toBe(`+${2 * 188} more not listed`);
  });

  it("keeps the playhead's and the selected connection, however old", () => {
    const events = session(200, 0);
    const { actions, store } = mount(events);
    act(() => actions.seek(events.length - 1, 0));
    act(() => actions.selectConn("client-1/tcp7"));
    const shown = selectShownLinks(store.getState());
    expect(shown.links.map((l) => l.conns[0])).toContain("client-1/tcp7");
    expect(shown.hiddenClosed).toBe(200 - CLOSED_SHOWN - 1);
    expect(options("Connection")).toContain("127.0.0.2:40007 ↔ 127.0.0.1:3000");
    // At an early event of a long session its own connection is drawn beside the latest closed.
    act(() => actions.selectConn(null));
    const at = events.findIndex((e) => e.layer === "tcp" && e.kind === "data" && e.conn === "client-1/tcp100");
    act(() => actions.seek(at, 0));
    const early = selectShownLinks(store.getState());
    expect(early.links.filter((l) => l.open).map((l) => l.conns[0])).toEqual(["client-1/tcp100"]);
    expect(early.hiddenClosed).toBe(99 - CLOSED_SHOWN);
    expect(linkForConn(selectAddressing(store.getState()), "server/tcp100")?.open).toBe(true);
  });

  it("a class's trace is drawn and listed whole, with no note", () => {
    const events = buildHelloAck();
    const { actions } = mount(events);
    act(() => actions.seek(events.length - 1, 0));
    const region = screen.getByRole("region", { name: "Addressing" });
    expect(within(region).queryByRole("note")).toBeNull();
    expect(options("Connection")).toEqual(["follow playhead", "127.0.0.2:51234 ↔ 127.0.0.1:3000"]);
    expect(options("Connection filter")).toEqual(["all connections", "client-1/tcp1", "server/tcp1"]);
  });

  it("addressing is carried on as the playhead moves, and the same when stepping back", () => {
    const events = session(30, 2);
    const bundle = createTraceStore();
    bundle.actions.loadTrace(HELLO_ACK_HEADER, events);
    const at = (i: number) => {
      bundle.actions.seek(i, 0);
      return selectAddressing(bundle.store.getState());
    };
    const forward = events.map((_, i) => JSON.stringify(at(i)));
    const backward = events.map((_, i) => JSON.stringify(at(events.length - 1 - i))).reverse();
    expect(backward).toEqual(forward);
    // A data event changes no host or link: the same result, not recomputed.
    const data = events.findIndex((e) => e.layer === "tcp" && e.kind === "data");
    expect(at(data + 1)).toBe(at(data));
    // A result already handed out is never changed by later events.
    const before = at(data);
    const text = JSON.stringify(before);
    at(events.length - 1);
    expect(JSON.stringify(before)).toBe(text);
  });
});
