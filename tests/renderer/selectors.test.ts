// Pure selectors over the hand-built hello-ack trace: addressing, layers, ladder,
// namespaces, timeline filters, inspector, narration, and stepping granularity.
import { describe, expect, it } from "vitest";
import { createTraceStore, nextStopIndex } from "../../src/renderer/src/store/trace-store";
import { selectAddressing } from "../../src/renderer/src/selectors/addressing";
import { ROW_TEXT_MAX, selectLayerStacks } from "../../src/renderer/src/selectors/layers";
import { selectLadder } from "../../src/renderer/src/selectors/tcp-ladder";
import { selectNamespaces } from "../../src/renderer/src/selectors/namespaces";
import { createTimelineSelector, rowOfCursor } from "../../src/renderer/src/selectors/timeline";
import { selectInspected } from "../../src/renderer/src/selectors/inspector";
import { selectNarration } from "../../src/renderer/src/selectors/narration";
import { buildHelloAck, buildBulk, CLIENT_TUPLE, HELLO_ACK_HEADER, HELLO_ACK_INFO } from "./fixtures/hello-ack";

function loaded() {
  const events = buildHelloAck();
  const bundle = createTraceStore();
  bundle.actions.setScenarios([HELLO_ACK_INFO]);
  bundle.actions.loadTrace(HELLO_ACK_HEADER, events);
  return { ...bundle, events };
}

const indexOf = (events: ReturnType<typeof buildHelloAck>, pred: (e: (typeof events)[number]) => boolean): number => events.findIndex(pred);

describe("selectors", () => {
  it("addressing shows hosts, the listening socket, and the 4-tuple once the connection opens", () => {
    const { store, actions, events } = loaded();
    const openAt = indexOf(events, (e) => e.layer === "tcp" && e.kind === "open");
    actions.seek(openAt - 1, 0);
    expect(selectAddressing(store.getState()).links).toHaveLength(0);
    actions.seek(openAt, 0);
    const a = selectAddressing(store.getState());
    expect(a.links.map((l) => l.tuple)).toEqual([CLIENT_TUPLE]);
    expect(a.hosts.map((h) => h.id)).toEqual(["server", "client-1"]);
    expect(a.hosts[0]?.listens).toEqual([{ ip: "127.0.0.1", port: 3000, service: "socket.io" }]);
  });

  it("addressing never takes a tcp open's peer (a connection id) for a host, even when that end's open is not in the trace", () => {
    // A trace whose first events were cut (a late subscriber's replay window): the server's open
    // names the client's connection, whose own open is gone.
    const events = buildHelloAck();
    const serverOpen = events.find((e) => e.layer === "tcp" && e.kind === "open" && e.role === "server");
    const clientOpen = events.find((e) => e.layer === "tcp" && e.kind === "open" && e.role === "client");
    expect(serverOpen && clientOpen).toBeTruthy();
    const cut = events.filter((e) => e !== clientOpen && !(e.layer === "tcp" && e.conn === clientOpen!.conn));
    const named = cut.map((e) => (e === serverOpen ? { ...e, peer: clientOpen!.conn } : e));
    const bundle = createTraceStore();
    bundle.actions.loadTrace(HELLO_ACK_HEADER, named);
    bundle.actions.seek(named.indexOf(named.find((e) => e.layer === "tcp" && e.kind === "open")!), 0);
    const a = selectAddressing(bundle.store.getState());
    expect(a.links.map((l) => [l.clientHost, l.serverHost])).toEqual([["client-1", "server"]]);
    expect(a.hosts.map((h) => h.id)).not.toContain(clientOpen!.conn);
  });

  it("layers shows the emit as API → Socket.IO → Engine.IO → frame → TCP → IP on both hosts", () => {
    const { store, actions, events } = loaded();
    const recv = indexOf(events, (e) => e.layer === "api" && e.kind === "receive");
    actions.seek(recv, 0);
    const stacks = selectLayerStacks(store.getState());
    const text = (side: "sender" | "receiver", level: string) => stacks?.[side]?.rows.find((r) => r.level === level)?.text;
    expect(stacks?.sender.host).toBe("client-1");
    expect(stacks?.receiver?.host).toBe("server");
    expect(text("sender", "API")).toBe('socket.emit("hello", "world", cb)');
    expect(text("sender", "Socket.IO")).toBe('20["hello","world"]');
    expect(text("sender", "Engine.IO")).toBe('420["hello","world"]');
    // The frame's head decoded, and its payload unmasked, whole.
    expect(text("sender", "Wire")).toBe('81 94 12 34 56 78  →  420["hello","world"]');
    expect(stacks?.sender.rows.find((r) => r.level === "Wire")?.detail).toBe("WebSocket frame: FIN 1 · RSV 000 · opcode 1 (text) · MASK 1 · length 20 · key 12 34 56 78");
    expect(text("sender", "IP")).toBe(CLIENT_TUPLE);
    expect(text("receiver", "Socket.IO")).toBe('20["hello","world"]');
    expect(stacks?.receiver?.rows.every((r) => r.reached)).toBe(true);
  });

  it("layers reveals rows only as the playhead reaches them", () => {
    const { store, actions, events } = loaded();
    const emit = indexOf(events, (e) => e.layer === "api" && e.kind === "emit");
    actions.seek(emit + 1, 0);
    const stacks = selectLayerStacks(store.getState());
    expect(stacks?.sender.rows.filter((r) => r.reached).map((r) => r.level)).toEqual(["API", "Socket.IO"]);
    expect(stacks?.sender.rows.find((r) => r.current)?.level).toBe("Socket.IO");
  });

  it("shows a long payload's first characters in each row and says how many more the Inspector has", () => {
    const long = "The quick brown fox jumps over the lazy dog. ".repeat(112).slice(0, 5000);
    const events = buildHelloAck().map((e) => (e.layer === "socketio" && e.host === "client-1" && e.dir === "out" ? { ...e, encoded: `20${JSON.stringify(["hello", long])}` } : e));
    const bundle = createTraceStore();
    bundle.actions.loadTrace(HELLO_ACK_HEADER, events);
    bundle.actions.seek(indexOf(events, (e) => e.layer === "api" && e.kind === "receive"), 0);
    const row = selectLayerStacks(bundle.store.getState())?.sender.rows.find((r) => r.level === "Socket.IO");
    const whole = `20${JSON.stringify(["hello", long])}`;
    expect(row?.text).toBe(`${whole.slice(0, ROW_TEXT_MAX)}… (+${(whole.length - ROW_TEXT_MAX).toLocaleString("en")} characters; the Inspector shows them all)`);
    expect(selectLayerStacks(bundle.store.getState())?.sender.rows.find((r) => r.level === "API")?.text).toBe('socket.emit("hello", "world", cb)');
  });

  it("the ack is its own message, rooted at the server's cb", () => {
    const { store, actions, events } = loaded();
    actions.seek(events.length - 1, 0);
    const stacks = selectLayerStacks(store.getState());
    expect(stacks?.sender.host).toBe("server");
    expect(stacks?.sender.rows[1]?.text).toBe('30["got it"]');
    expect(stacks?.receiver?.rows[2]?.text).toBe('430["got it"]');
  });

  it("the ladder starts with the three-way handshake and numbers data relative to the ISN", () => {
    const { store, actions, events } = loaded();
    actions.seek(events.length - 1, 0);
    const ladder = selectLadder(store.getState());
    expect(ladder?.segments.slice(0, 3).map((s) => `${s.from}:${s.flags.join("+")}`)).toEqual(["client:SYN", "server:SYN+ACK", "client:ACK"]);
    const firstData = ladder?.segments.find((s) => s.len > 0);
    expect(firstData).toMatchObject({ from: "client", seq: 1, ack: 1 });
    const total = (ladder?.segments ?? []).filter((s) => s.from === "client").reduce((n, s) => n + s.len, 0);
    const written = events.filter((e) => e.layer === "tcp" && e.kind === "data" && e.host === "client-1" && e.dir === "out").reduce((n, e) => n + (e.layer === "tcp" && e.kind === "data" ? e.length : 0), 0);
    expect(total).toBe(written);
  });

  it("namespaces shows the client's pipe with the / lane and the engine sid", () => {
    const { store, actions, events } = loaded();
    actions.seek(events.length - 1, 0);
    const pipes = selectNamespaces(store.getState());
    expect(pipes).toHaveLength(1);
    expect(pipes[0]?.sid).toBe("XbiJq0mZ3gk7AAAA");
    expect(pipes[0]?.lanes.map((l) => [l.nsp, l.socketId])).toEqual([["/", "M5N8x2LqPpA0AAAB"]]);
    // The client's Socket.IO packets as its one connection carried them, in order, with their direction.
    const own = events.filter((e) => e.layer === "socketio" && e.host === "client-1").map((e) => (e.layer === "socketio" ? `${e.dir === "out" ? "→" : "←"}${e.encoded}` : ""));
    expect(pipes[0]?.recent.map((p) => `${p.dir === "out" ? "→" : "←"}${p.encoded}`)).toEqual(own.slice(-16));
  });

  it("namespaces read on as the playhead moves: the same stepping back as forward, and a result handed out stays as it was", () => {
    const { store, actions, events } = loaded();
    const at = (i: number) => {
      actions.seek(i, 0);
      return selectNamespaces(store.getState());
    };
    const forward = events.map((_, i) => JSON.stringify(at(i)));
    const backward = events.map((_, i) => JSON.stringify(at(events.length - 1 - i))).reverse();
    expect(backward).toEqual(forward);
    const middle = at(Math.floor(events.length / 2));
    const text = JSON.stringify(middle);
    at(events.length - 1);
    expect(JSON.stringify(middle)).toBe(text);
  });

  it("timeline filters by layer and host, and hides heartbeats", () => {
    const { store, actions, events } = loaded();
    const select = createTimelineSelector();
    expect(select(store.getState()).count).toBe(events.length);
    actions.setFilters({ layers: { lab: false, tcp: false, wire: false, engine: false, socketio: true, api: false }, host: "server" });
    const rows = select(store.getState());
    expect(rows.count).toBe(events.filter((e) => e.layer === "socketio" && e.host === "server").length);
    expect(rowOfCursor(rows, -1)).toBe(-1);
  });

  it("inspector gives bytes, parents and children", () => {
    const { store, actions, events } = loaded();
    const frame = events.find((e) => e.layer === "wire" && e.kind === "ws-frame" && e.preview === '420["hello","world"]' && e.dir === "out");
    actions.select(frame?.id ?? null);
    const ins = selectInspected(store.getState());
    expect(ins?.bytes?.length).toBe(26);
    expect(ins?.parents.map((p) => p.layer)).toEqual(["engine"]);
    expect(ins?.children.map((p) => p.layer)).toEqual(["tcp"]);
  });

  it("narration follows lab steps", () => {
    const { store, actions, events } = loaded();
    expect(selectNarration(store.getState()).title).toBe("Hello & ack");
    actions.seek(events.length - 1, 0);
    expect(selectNarration(store.getState())).toMatchObject({ stepIndex: 2, title: "Emit hello with an ack", steps: 3 });
  });

  it("step by API stops only at API and lab events; TCP stops everywhere", () => {
    const { store, actions } = loaded();
    actions.setStepBy("API");
    const stops: string[] = [];
    for (let i = nextStopIndex(store.getState(), -1); i >= 0; i = nextStopIndex(store.getState(), i)) stops.push(store.getState().trace.events[i]?.layer ?? "");
    expect(new Set(stops)).toEqual(new Set(["lab", "api"]));
    actions.setStepBy("TCP");
    expect(nextStopIndex(store.getState(), 5)).toBe(6);
  });

  it("step forward then back returns to the same cursor", () => {
    const { store, actions } = loaded();
    actions.setStepBy("Socket.IO");
    for (let i = 0; i < 8; i++) actions.stepForward(i);
    const before = store.getState().cursor;
    actions.stepForward(9);
    actions.stepBack(10);
    expect(store.getState().cursor).toBe(before);
  });

  it("copes with 1,000,000 events: append, filter and seek stay fast", () => {
    const bundle = createTraceStore();
    const bulk = buildBulk(1_000_000);
    const t0 = performance.now();
    for (let i = 0; i < bulk.length; i += 10_000) bundle.actions.appendBatch({ events: bulk.slice(i, i + 10_000) }, 0);
    const appendMs = performance.now() - t0;
    const select = createTimelineSelector();
    bundle.actions.setFilters({ hideHeartbeats: true });
    const t1 = performance.now();
    const rows = select(bundle.store.getState());
    const filterMs = performance.now() - t1;
    expect(bundle.store.getState().length).toBe(1_000_000);
    expect(rows.count).toBe(1_000_000 - 100_000);
    bundle.actions.seek(999_999, 0);
    const t2 = performance.now();
    selectAddressing(bundle.store.getState());
    const addrMs = performance.now() - t2;
    console.log(`1M events: append ${appendMs.toFixed(0)} ms, filter ${filterMs.toFixed(0)} ms, addressing ${addrMs.toFixed(1)} ms`);
    expect(addrMs).toBeLessThan(50);
  });
});
