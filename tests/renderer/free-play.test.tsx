// @vitest-environment happy-dom
// The Free play panel with a LabApi test double that records its calls: each form sends
// the command the lab expects and shows the lab's message as written; bad JSON and missing
// fields are caught before anything is sent. And the selector that lists the clients.
import { afterEach, describe, expect, it } from "vitest";
import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import type { CommandResult, FreePlayCommand, LabApi, LabStatus } from "../../src/shared/lab-api";
import type { NewEvent, TraceEvent } from "../../src/shared/trace/types";
import { FreePlayPanel } from "../../src/renderer/src/free-play/free-play-panel";
import { selectFreePlayModel } from "../../src/renderer/src/free-play/free-play-clients";
import { checkArgs } from "../../src/renderer/src/free-play/json-args";
import { StoreContext } from "../../src/renderer/src/store/store-context";
import { createTraceStore } from "../../src/renderer/src/store/trace-store";

afterEach(cleanup);

// ── trace builders ──────────────────────────────────────────────────────────
function tracer() {
  let id = 0;
  const events: TraceEvent[] = [];
  const add = (e: NewEvent): TraceEvent => {
    const full = { ...e, id: ++id, t: id } as TraceEvent;
    events.push(full);
    return full;
  };
  return {
    events,
    add,
    host: (host: string, role: "server" | "client" | "external", ip: string) =>
      add({ layer: "lab", kind: "host", host, role, label: host === "server" ? "Socket.IO server" : host.replace("-", " "), ips: [ip] }),
    open: (host: string, conn: string, ip: string) =>
      add({ layer: "tcp", kind: "open", host, conn, role: host === "server" ? "server" : "client", local: { ip, port: 40000 + events.length }, remote: { ip: "127.0.0.1", port: 3000 } }),
    close: (host: string, conn: string) =>
      add({ layer: "tcp", kind: "close", host, conn, reason: "closed", bytesIn: 0, bytesOut: 0, bytesRead: 0, bytesWritten: 0, checked: true }),
    api: (host: string, kind: "connect" | "disconnect" | "reconnect_attempt" | "connect_error" | "join" | "leave", fields: { nsp?: string; socketId?: string; reason?: string; room?: string } = {}) =>
      add({ layer: "api", kind, host, ...fields }),
  };
}

/** A server and two connected clients, as the lab records them. */
function labTrace() {
  const t = tracer();
  t.host("server", "server", "127.0.0.1");
  for (const [n, sid] of [
    [1, "AAA"],
    [2, "BBB"],
  ] as const) {
    const c = `client-${n}`;
    t.host(c, "client", `127.0.0.${n + 1}`);
    t.open(c, `${c}#1`, `127.0.0.${n + 1}`);
    t.api("server", "connect", { nsp: "/", socketId: sid });
    t.api(c, "connect", { nsp: "/", socketId: sid });
  }
  return t;
}

// ── the LabApi test double ─────────────────────────────────────────────────
interface Calls {
  command: FreePlayCommand[];
  attach: { url: string; options?: { transports?: string } }[];
  openToPeers: { host: string }[];
}

function fakeApi(answer: (cmd: FreePlayCommand) => CommandResult = () => ({ ok: true, message: "done" })) {
  const calls: Calls = { command: [], attach: [], openToPeers: [] };
  const idle: LabStatus = { state: "idle", step: -1, steps: 0 };
  const api: LabApi = {
    listScenarios: async () => [],
    startScenario: async () => idle,
    nextStep: async () => idle,
    restartScenario: async () => idle,
    stop: async () => idle,
    command: async (cmd) => {
      calls.command.push(cmd);
      return answer(cmd);
    },
    attach: async (url, options) => {
      calls.attach.push(options ? { url, options } : { url });
      return { ok: false, message: `could not attach to ${url}: nothing is listening at 127.0.0.1:9 (connection refused)` };
    },
    openToPeers: async (options) => {
      calls.openToPeers.push(options);
      return { ok: true, message: `Socket.IO clients on this machine can connect to http://${options.host}:3000` };
    },
    getStatus: async () => idle,
    onTrace: () => () => undefined,
    onStatus: () => () => undefined,
  };
  return { api, calls };
}

function mount(options: { api?: LabApi | null; events?: TraceEvent[]; status?: LabStatus; open?: boolean } = {}) {
  const bundle = createTraceStore();
  bundle.actions.appendBatch({ reset: true, events: options.events ?? labTrace().events }, 0);
  // The lab's status names the namespaces it serves, as the lab service sends it.
  bundle.actions.setStatus(options.status ?? { state: "ready", scenario: "free-play", step: -1, steps: 0, namespaces: ["/", "/chat", "/streaming-response"] });
  const fake = fakeApi();
  const api = options.api === undefined ? fake.api : options.api;
  render(
    <StoreContext.Provider value={bundle}>
      <FreePlayPanel api={api} />
    </StoreContext.Provider>,
  );
  const region = screen.getByRole("region", { name: "Free play" });
  if (options.open !== false) fireEvent.click(within(region).getByRole("button", { name: "Free play" }));
  return { ...bundle, region, calls: fake.calls };
}

const form = (region: HTMLElement, name: string) => within(region).getByRole("form", { name });
const change = (el: HTMLElement, value: string) => fireEvent.change(el, { target: { value } });
const flush = () => act(async () => undefined);

// ── the selector ────────────────────────────────────────────────────────────
describe("selectFreePlayModel", () => {
  const model = (events: TraceEvent[]) => {
    const { store, actions } = createTraceStore();
    actions.appendBatch({ reset: true, events }, 0);
    return selectFreePlayModel(store.getState());
  };

  it("lists the lab's clients with their address, socket ids and state, and maps server sockets to them", () => {
    const t = labTrace();
    t.host("peer-1", "external", "127.0.0.9");
    t.api("server", "connect", { nsp: "/", socketId: "PEER" });
    const m = model(t.events);
    expect(m.clients.map((c) => [c.id, c.ip, c.state, c.sockets["/"]])).toEqual([
      ["client-1", "127.0.0.2", "connected", "AAA"],
      ["client-2", "127.0.0.3", "connected", "BBB"],
    ]);
    expect(m.serverSockets).toEqual([
      { nsp: "/", socketId: "AAA", client: "client-1" },
      { nsp: "/", socketId: "BBB", client: "client-2" },
      { nsp: "/", socketId: "PEER", client: null },
    ]);
  });

  it("drops a client once its connections have closed, but keeps one that is retrying", () => {
    const t = labTrace();
    t.api("client-1", "disconnect", { nsp: "/", reason: "io client disconnect" });
    t.api("server", "disconnect", { nsp: "/", socketId: "AAA", reason: "client namespace disconnect" });
    t.close("client-1", "client-1#1");
    // The server went away: client-2 lost its connection and retries.
    t.close("client-2", "client-2#1");
    t.api("client-2", "disconnect", { nsp: "/", reason: "transport close" });
    t.api("client-2", "reconnect_attempt");
    t.api("client-2", "connect_error", { nsp: "/", reason: "xhr poll error" });
    const m = model(t.events);
    expect(m.clients.map((c) => [c.id, c.state])).toEqual([["client-2", "reconnecting"]]);
    expect(m.serverSockets.map((s) => s.socketId)).toEqual(["BBB"]);
  });

  it("keeps a client that has not connected yet, and drops one whose only attempt failed", () => {
    const t = labTrace();
    t.host("client-3", "client", "127.0.0.4");
    t.host("client-4", "client", "127.0.0.5");
    t.api("client-4", "connect_error", { nsp: "/", reason: "xhr poll error" });
    expect(model(t.events).clients.map((c) => [c.id, c.state])).toEqual([
      ["client-1", "connected"],
      ["client-2", "connected"],
      ["client-3", "connecting"],
    ]);
  });

  it("follows rooms joined and left on the server", () => {
    const t = labTrace();
    t.api("server", "join", { nsp: "/", socketId: "AAA", room: "lobby" });
    t.api("server", "join", { nsp: "/", socketId: "AAA", room: "quiz" });
    t.api("server", "leave", { nsp: "/", socketId: "AAA", room: "lobby" });
    expect(model(t.events).clients[0]?.rooms).toEqual(["quiz"]);
  });

  it("folds new events only, and keeps the same object when nothing it shows changed", () => {
    const t = labTrace();
    const { store, actions } = createTraceStore();
    actions.appendBatch({ reset: true, events: t.events }, 0);
    const first = selectFreePlayModel(store.getState());
    const more = tracer();
    for (let i = 0; i < t.events.length; i++) more.add({ layer: "lab", kind: "fault", host: "server", fault: "none" });
    const ping = { ...more.events.at(-1), id: 1000 } as TraceEvent;
    actions.appendBatch({ events: [ping] }, 0);
    expect(selectFreePlayModel(store.getState())).toBe(first);
    const gone = { layer: "tcp", kind: "close", host: "client-1", conn: "client-1#1", id: 1001, t: 1001, reason: "closed", bytesIn: 0, bytesOut: 0, bytesRead: 0, bytesWritten: 0, checked: true } as TraceEvent;
    actions.appendBatch({ events: [gone] }, 0);
    expect(selectFreePlayModel(store.getState()).clients.map((c) => c.id)).toEqual(["client-2"]);
  });
});

describe("checkArgs", () => {
  it.each([
    ['["world"]', true],
    ["[]", true],
    ['[1, {"a": [true, null]}]', true],
    ["[world", false],
    ['"world"', false],
    ["", false],
  ])("%s → ok %s", (text, ok) => {
    expect(checkArgs(text).ok).toBe(ok);
  });
});

// ── the panel ───────────────────────────────────────────────────────────────
describe("Free play panel", () => {
  it("is a landmark region, collapsed until its toggle is pressed", () => {
    const { region } = mount({ open: false });
    const toggle = within(region).getByRole("button", { name: "Free play" });
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    expect(within(region).queryByRole("tablist")).toBeNull();
    fireEvent.click(toggle);
    expect(toggle.getAttribute("aria-expanded")).toBe("true");
    expect(within(region).getByRole("tablist", { name: "Free play actions" })).toBeTruthy();
  });

  it("lists the clients from the trace, each with a Remove button", async () => {
    const { region, calls } = mount();
    const list = within(region).getByRole("list", { name: "Clients" });
    expect(within(list).getAllByRole("listitem").map((li) => li.textContent)).toEqual([
      expect.stringContaining("client-1127.0.0.2connected/ AAA"),
      expect.stringContaining("client-2127.0.0.3connected/ BBB"),
    ]);
    fireEvent.click(within(region).getByRole("button", { name: "Remove client-2" }));
    await flush();
    expect(calls.command).toEqual([{ type: "remove-client", client: "client-2" }]);
  });

  it("emits hello with an ack from the first client and shows the lab's answer as written", async () => {
    const bundle = createTraceStore();
    bundle.actions.appendBatch({ reset: true, events: labTrace().events }, 0);
    const { api, calls } = fakeApi((cmd) => (cmd.type === "emit" ? { ok: true, message: 'ack: "got it"' } : { ok: true, message: "done" }));
    render(
      <StoreContext.Provider value={bundle}>
        <FreePlayPanel api={api} />
      </StoreContext.Provider>,
    );
    const region = screen.getByRole("region", { name: "Free play" });
    fireEvent.click(within(region).getByRole("button", { name: "Free play" }));
    const emit = form(region, "Emit an event");
    expect((within(emit).getByLabelText("From") as HTMLSelectElement).value).toBe("client-1");
    expect(emit.textContent).toContain('Runs on client-1:await socket.timeout(5000).emitWithAck("hello", "world")');
    fireEvent.click(within(emit).getByRole("button", { name: "Emit" }));
    await flush();
    expect(calls.command).toEqual([{ type: "emit", from: "client-1", nsp: "/", event: "hello", args: '["world"]', ack: true }]);
    expect(within(emit).getByRole("status").textContent).toBe('✓Done: "hello" from client-1: ack: "got it"');
  });

  it("shows bad JSON inline as it is typed and sends nothing", async () => {
    const { region, calls } = mount();
    const emit = form(region, "Emit an event");
    const args = within(emit).getByLabelText("Arguments (JSON array)");
    change(args, "[world");
    expect(within(emit).getByRole("alert").textContent).toMatch(/^Not valid JSON: /);
    expect(args.getAttribute("aria-invalid")).toBe("true");
    expect(args.getAttribute("aria-describedby")).toBe(within(emit).getByRole("alert").id);
    fireEvent.click(within(emit).getByRole("button", { name: "Emit" }));
    await flush();
    expect(calls.command).toEqual([]);
    expect(document.activeElement).toBe(args);
    change(args, '"world"');
    expect(within(emit).getByRole("alert").textContent).toContain("must be a JSON array");
    change(args, "[]");
    expect(within(emit).queryByRole("alert")).toBeNull();
  });

  it("requires an event name before sending", async () => {
    const { region, calls } = mount();
    const emit = form(region, "Emit an event");
    change(within(emit).getByLabelText("Event"), "");
    fireEvent.click(within(emit).getByRole("button", { name: "Emit" }));
    await flush();
    expect(calls.command).toEqual([]);
    expect(within(emit).getByRole("alert").textContent).toBe("An event name is required.");
  });

  it("emits from the server to one socket, or to the whole namespace without an ack", async () => {
    const { region, calls } = mount();
    const emit = form(region, "Emit an event");
    change(within(emit).getByLabelText("From"), "server");
    change(within(emit).getByLabelText("Namespace"), "/");
    const to = within(emit).getByLabelText("To") as HTMLSelectElement;
    expect([...to.options].map((o) => o.textContent)).toEqual(["every socket in /", "client-1 · socket AAA", "client-2 · socket BBB"]);
    const ack = within(emit).getByLabelText("ack") as HTMLInputElement;
    expect(ack.disabled).toBe(true);
    expect(emit.textContent).toContain('io.of("/").emit("hello", "world")');
    fireEvent.click(within(emit).getByRole("button", { name: "Emit" }));
    await flush();
    change(to, "BBB");
    expect(ack.disabled).toBe(false);
    fireEvent.click(within(emit).getByRole("button", { name: "Emit" }));
    await flush();
    expect(calls.command).toEqual([
      { type: "emit", from: "server", nsp: "/", event: "hello", args: '["world"]' },
      { type: "emit", from: "server", nsp: "/", to: "BBB", event: "hello", args: '["world"]', ack: true },
    ]);
  });

  it("emits in another namespace without an ack when the box is cleared", async () => {
    const { region, calls } = mount();
    const emit = form(region, "Emit an event");
    change(within(emit).getByLabelText("From"), "client-2");
    change(within(emit).getByLabelText("Namespace"), "/chat");
    fireEvent.click(within(emit).getByLabelText("ack"));
    change(within(emit).getByLabelText("Event"), "message");
    change(within(emit).getByLabelText("Arguments (JSON array)"), '["lobby", "hi"]');
    fireEvent.click(within(emit).getByRole("button", { name: "Emit" }));
    await flush();
    expect(calls.command).toEqual([{ type: "emit", from: "client-2", nsp: "/chat", event: "message", args: '["lobby", "hi"]' }]);
  });

  it("says arguments over 64 KiB are too large before sending anything", async () => {
    const { region, calls } = mount();
    const emit = form(region, "Emit an event");
    change(within(emit).getByLabelText("Arguments (JSON array)"), JSON.stringify(["x".repeat(70_000)]));
    fireEvent.click(within(emit).getByRole("button", { name: "Emit" }));
    await flush();
    expect(calls.command).toEqual([]);
    expect(within(emit).getByRole("alert").textContent).toContain("the lab takes at most 64 KiB");
  });

  it("emits with a short ack timeout, volatile, or uncompressed, and shows the code it runs", async () => {
    const { region, calls } = mount();
    const emit = form(region, "Emit an event");
    change(within(emit).getByLabelText("Timeout"), "200");
    fireEvent.click(within(emit).getByLabelText("no compression"));
    expect(emit.textContent).toContain('await socket.compress(false).timeout(200).emitWithAck("hello", "world")');
    fireEvent.click(within(emit).getByRole("button", { name: "Emit" }));
    await flush();
    fireEvent.click(within(emit).getByLabelText("volatile"));
    expect(emit.textContent).toContain('socket.compress(false).volatile.emit("hello", "world")');
    fireEvent.click(within(emit).getByRole("button", { name: "Emit" }));
    await flush();
    expect(calls.command).toEqual([
      { type: "emit", from: "client-1", nsp: "/", event: "hello", args: '["world"]', ack: true, timeoutMs: 200, compress: false },
      { type: "emit", from: "client-1", nsp: "/", event: "hello", args: '["world"]', volatile: true, compress: false },
    ]);
  });

  it("adds a client with a token for /admin and retries, and cuts a client's connection", async () => {
    const { region, calls } = mount();
    const add = form(region, "Add a client");
    change(within(add).getByLabelText("Token for /admin (optional)"), "letmein");
    change(within(add).getByLabelText("Retries"), "1");
    fireEvent.click(within(add).getByRole("button", { name: "Add client" }));
    await flush();
    expect(calls.command[0]).toEqual({ type: "add-client", transports: "polling-upgrade", token: "letmein", namespaces: ["/", "/admin"], retries: 1, ackTimeout: 300 });
    const cut = within(region).getAllByRole("button", { name: /^Cut client-\d+'s connection$/ }).find((b) => !(b as HTMLButtonElement).disabled);
    expect(cut).toBeDefined();
    fireEvent.click(cut!);
    await flush();
    expect(calls.command[1]).toMatchObject({ type: "cut" });
  });

  it("adds a client with the chosen transports and source IP, refusing an address that is not loopback", async () => {
    const { region, calls } = mount();
    const add = form(region, "Add a client");
    change(within(add).getByLabelText("Transports"), "websocket");
    const ip = within(add).getByLabelText("Source IP (optional)");
    change(ip, "10.0.0.7");
    fireEvent.click(within(add).getByRole("button", { name: "Add client" }));
    await flush();
    expect(calls.command).toEqual([]);
    expect(within(add).getByRole("alert").textContent).toContain("127.x.y.z");
    change(ip, "127.0.0.42");
    fireEvent.click(within(add).getByRole("button", { name: "Add client" }));
    await flush();
    change(ip, "");
    change(within(add).getByLabelText("Transports"), "polling");
    fireEvent.click(within(add).getByRole("button", { name: "Add client" }));
    await flush();
    expect(calls.command).toEqual([
      { type: "add-client", transports: "websocket", ip: "127.0.0.42" },
      { type: "add-client", transports: "polling" },
    ]);
  });

  it("joins, leaves and disconnects; a room name is required", async () => {
    const { region, calls } = mount();
    fireEvent.click(within(region).getByRole("tab", { name: "Rooms" }));
    const rooms = form(region, "Rooms and sockets");
    change(within(rooms).getByLabelText("Client"), "client-2");
    change(within(rooms).getByLabelText("Namespace"), "/chat");
    const room = within(rooms).getByLabelText("Room");
    change(room, "");
    fireEvent.click(within(rooms).getByRole("button", { name: "Join room" }));
    await flush();
    expect(calls.command).toEqual([]);
    expect(within(rooms).getByRole("alert").textContent).toBe("A room name is required.");
    change(room, "quiz");
    for (const name of ["Join room", "Leave room", "Disconnect socket"]) {
      fireEvent.click(within(rooms).getByRole("button", { name }));
      await flush();
    }
    expect(calls.command).toEqual([
      { type: "join", client: "client-2", nsp: "/chat", room: "quiz" },
      { type: "leave", client: "client-2", nsp: "/chat", room: "quiz" },
      { type: "disconnect", client: "client-2", nsp: "/chat" },
    ]);
  });

  it("broadcasts to a room except one client, or to everyone", async () => {
    const { region, calls } = mount();
    fireEvent.click(within(region).getByRole("tab", { name: "Broadcast" }));
    const b = form(region, "Broadcast");
    change(within(b).getByLabelText("Except"), "client-1");
    expect(b.textContent).toContain('io.of("/").to("lobby").except("AAA").emit("news", {"text":"hi, room"})');
    fireEvent.click(within(b).getByRole("button", { name: "Broadcast" }));
    await flush();
    change(within(b).getByLabelText("Except"), "");
    change(within(b).getByLabelText("Room (empty: everyone)"), "");
    fireEvent.click(within(b).getByRole("button", { name: "Broadcast" }));
    await flush();
    expect(calls.command).toEqual([
      { type: "broadcast", nsp: "/", event: "news", args: '[{"text": "hi, room"}]', room: "lobby", exceptClient: "client-1" },
      { type: "broadcast", nsp: "/", event: "news", args: '[{"text": "hi, room"}]' },
    ]);
  });

  it("stops and starts the server and shows a refusal as the lab wrote it", async () => {
    const bundle = createTraceStore();
    const { api, calls } = fakeApi((cmd) => (cmd.type === "server-stop" ? { ok: true, message: "server stopped" } : { ok: false, message: "listen EADDRINUSE: address already in use 127.0.0.1:3000" }));
    render(
      <StoreContext.Provider value={bundle}>
        <FreePlayPanel api={api} />
      </StoreContext.Provider>,
    );
    const region = screen.getByRole("region", { name: "Free play" });
    fireEvent.click(within(region).getByRole("button", { name: "Free play" }));
    fireEvent.click(within(region).getByRole("tab", { name: "Server" }));
    const panel = within(region).getByRole("tabpanel", { name: "Server" });
    fireEvent.click(within(panel).getByRole("button", { name: "Stop server" }));
    await flush();
    expect(within(panel).getByRole("status").textContent).toContain("server stopped");
    fireEvent.click(within(panel).getByRole("button", { name: "Start server" }));
    await flush();
    expect(within(panel).getByRole("status").textContent).toBe("✗Refused: listen EADDRINUSE: address already in use 127.0.0.1:3000");
    expect(calls.command).toEqual([{ type: "server-stop" }, { type: "server-start" }]);
  });

  it("attaches to a loopback URL by default and shows the plain error", async () => {
    const bundle = createTraceStore();
    const { api, calls } = fakeApi();
    render(
      <StoreContext.Provider value={bundle}>
        <FreePlayPanel api={api} />
      </StoreContext.Provider>,
    );
    const region = screen.getByRole("region", { name: "Free play" });
    fireEvent.click(within(region).getByRole("button", { name: "Free play" }));
    fireEvent.click(within(region).getByRole("tab", { name: "Attach" }));
    const attach = form(region, "Attach to a server");
    expect((within(attach).getByLabelText("Socket.IO server URL") as HTMLInputElement).value).toBe("http://127.0.0.1:3000");
    change(within(attach).getByLabelText("Transports"), "websocket");
    fireEvent.click(within(attach).getByRole("button", { name: "Attach" }));
    await flush();
    expect(calls.attach).toEqual([{ url: "http://127.0.0.1:3000", options: { transports: "websocket" } }]);
    expect(within(attach).getByRole("status").textContent).toContain("nothing is listening at 127.0.0.1:9 (connection refused)");
  });

  it("opens to peers on loopback by default; another interface is a marked choice with a warning, and the URL is shown", async () => {
    const status: LabStatus = { state: "ready", step: -1, steps: 0, scenario: "free-play", openToPeers: { url: "http://0.0.0.0:3000", host: "0.0.0.0" } };
    const { region, calls } = mount({ status });
    fireEvent.click(within(region).getByRole("tab", { name: "Peers" }));
    const peers = form(region, "Open to peers");
    const loopback = within(peers).getByLabelText(/Programs on this machine only/) as HTMLInputElement;
    expect(loopback.checked).toBe(true);
    expect(within(peers).queryByText(/anyone who can reach this address/)).toBeNull();
    fireEvent.click(within(peers).getByRole("button", { name: "Open on this machine" }));
    await flush();
    expect(within(peers).getByRole("status").textContent).toContain("Socket.IO clients on this machine can connect to http://127.0.0.1:3000");

    fireEvent.click(within(peers).getByLabelText(/Other machines too/));
    const warning = within(peers).getByText(/anyone who can reach this address can join the lab/);
    expect(within(peers).getByLabelText(/Other machines too/).getAttribute("aria-describedby")).toBe(warning.id);
    change(within(peers).getByLabelText("Address to listen on"), "192.168.1.20");
    fireEvent.click(within(peers).getByRole("button", { name: "Open to other machines" }));
    await flush();
    expect(calls.openToPeers).toEqual([{ host: "127.0.0.1" }, { host: "192.168.1.20" }]);
    expect(peers.textContent).toContain("connect to http://0.0.0.0:3000");
  });

  it("keeps Space and the arrows for its own controls, and moves between tabs with the arrows", () => {
    const { region } = mount();
    const seen: string[] = [];
    const listener = (e: KeyboardEvent) => seen.push(e.key);
    window.addEventListener("keydown", listener);
    try {
      fireEvent.keyDown(within(region).getByLabelText("ack"), { key: " " });
      const emitTab = within(region).getByRole("tab", { name: "Emit" });
      fireEvent.keyDown(emitTab, { key: "ArrowRight" });
      expect(seen).toEqual([]);
      const rooms = within(region).getByRole("tab", { name: "Rooms" });
      expect(rooms.getAttribute("aria-selected")).toBe("true");
      expect(document.activeElement).toBe(rooms);
      fireEvent.keyDown(rooms, { key: "End" });
      expect(within(region).getByRole("tab", { name: "Peers" }).getAttribute("aria-selected")).toBe("true");
      // Outside its controls, the app's shortcuts still work.
      fireEvent.keyDown(region, { key: " " });
      expect(seen).toEqual([" "]);
    } finally {
      window.removeEventListener("keydown", listener);
    }
  });

  it("labels every control", () => {
    const { region } = mount();
    for (const t of within(region).getAllByRole("tab")) fireEvent.click(t);
    const controls = region.querySelectorAll("input, select, button");
    expect(controls.length).toBeGreaterThan(20);
    for (const el of controls) {
      const labelled = el.tagName === "BUTTON" ? (el.textContent ?? "").trim() || el.getAttribute("aria-label") : (el as HTMLInputElement).labels?.length;
      expect(labelled, el.outerHTML).toBeTruthy();
    }
  });

  it("says it needs the live lab when there is none", () => {
    const { region } = mount({ api: null });
    expect(region.textContent).toContain("needs the live lab");
    expect(within(region).queryByRole("tablist")).toBeNull();
  });
});
