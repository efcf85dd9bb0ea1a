// Steps hold what they narrate: each scenario runs in-process on port 0, and the
// events its narration names for a step lie between that step's `lab` `step` marker and the
// next marker (the teardown marker after the last step). Things a step says do not happen yet
// (or no longer) are absent from it, and the lab's own teardown of the lesson's clients (api
// disconnect "io client disconnect", tcp close) falls in no lesson step that does not narrate it.
import { beforeAll, describe, expect, it } from "vitest";
import { runScenarioToFile } from "../../../src/main/cli/run-scenario.js";
import { SCENARIOS } from "../../../src/main/lab/scenarios/index.js";
import type { TraceEvent } from "../../../src/shared/trace/types.js";

type Pred = (e: TraceEvent) => boolean;

/** An event the narration names: `what` says it in words; at least `min` (default 1) must occur. */
interface Key {
  what: string;
  is: Pred;
  min?: number;
}

interface StepSpec {
  /** Must happen inside the step. */
  holds: Key[];
  /** Must not happen inside the step (the narration places it in another step, or says it does not happen). */
  lacks?: Key[];
  /** The step narrates connections ending or clients disconnecting. */
  closes?: boolean;
}

// ── predicates ──────────────────────────────────────────────────────────────────
const api = (host: string, kind: string, more: (e: Extract<TraceEvent, { layer: "api" }>) => boolean = () => true): Pred => (e) =>
  e.layer === "api" && e.host === host && e.kind === kind && more(e);
const sio = (host: string, dir: "in" | "out", more: (e: Extract<TraceEvent, { layer: "socketio" }>) => boolean): Pred => (e) =>
  e.layer === "socketio" && e.host === host && e.dir === dir && more(e);
const engine = (host: string, dir: "in" | "out", type: string, more: (e: Extract<TraceEvent, { layer: "engine" }>) => boolean = () => true): Pred => (e) =>
  e.layer === "engine" && e.host === host && e.dir === dir && e.type === type && more(e);
const wire = (host: string, dir: "in" | "out", more: (e: Extract<TraceEvent, { layer: "wire" }>) => boolean): Pred => (e) =>
  e.layer === "wire" && e.host === host && e.dir === dir && more(e);
const tcpOpen = (host: string, more: (e: Extract<TraceEvent, { layer: "tcp"; kind: "open" }>) => boolean = () => true): Pred => (e) =>
  e.layer === "tcp" && e.kind === "open" && e.host === host && more(e);
const log = (host: string, text: (t: string) => boolean): Pred => (e) => e.layer === "lab" && e.kind === "log" && e.host === host && text(e.text);
const key = (what: string, is: Pred, min?: number): Key => ({ what, is, ...(min ? { min } : {}) });

/** The lab's teardown of a lesson client: its own disconnect, or a connection ending. */
const teardownLike: Key[] = [
  key('api disconnect "io client disconnect"', (e) => e.layer === "api" && e.kind === "disconnect" && e.reason === "io client disconnect"),
  key("tcp close", (e) => e.layer === "tcp" && e.kind === "close"),
];

const SPECS: Record<string, StepSpec[]> = {
  addressing: [
    // The two listening sockets exist from the lab's start; the step shows them and nothing connects yet.
    { holds: [], lacks: [key("a tcp open", (e) => e.layer === "tcp" && e.kind === "open")] },
    {
      holds: [
        ...["127.0.0.2", "127.0.0.3", "127.0.0.4"].map((ip) => key(`a connection from ${ip} to port 3000`, (e) => e.layer === "tcp" && e.kind === "open" && e.role === "client" && e.local.ip === ip)),
        key("three sockets connect", (e) => e.layer === "api" && e.kind === "connect" && e.host.startsWith("client-")),
      ],
    },
    {
      holds: [
        key("client 1's HTTP GET to the status service", wire("client-1", "out", (w) => w.kind === "http-request" && w.method === "GET" && !w.path.startsWith("/socket.io/"))),
        key("the status service's answer", wire("client-1", "in", (w) => w.kind === "http-response" && w.preview.includes("status service"))),
      ],
      lacks: [key("a new Socket.IO connection", (e) => e.layer === "api" && e.kind === "connect")],
    },
  ],
  "hello-ack": [
    {
      holds: [
        key("client 1's TCP connection", tcpOpen("client-1", (e) => e.role === "client" && e.local.ip === "127.0.0.2")),
        key("the polling handshake's open packet", engine("client-1", "in", "open", (e) => e.transport === "polling")),
        key("Socket.IO CONNECT from the client", sio("client-1", "out", (p) => p.type === "CONNECT")),
        key("the WebSocket upgrade request", wire("client-1", "out", (w) => w.kind === "http-request" && w.upgrade === true)),
        key("the upgrade packet 5", engine("client-1", "out", "upgrade")),
        key("the client's socket connects", api("client-1", "connect")),
      ],
      lacks: [key('emit "hello"', api("client-1", "emit", (e) => e.event === "hello"))],
    },
    {
      holds: [
        key('socket.emit("hello", "world", cb)', api("client-1", "emit", (e) => e.event === "hello")),
        key('the packet 20["hello","world"] sent', sio("client-1", "out", (p) => p.encoded === '20["hello","world"]')),
        key('a WebSocket frame 420["hello","world"]', wire("client-1", "out", (w) => w.kind === "ws-frame" && w.preview === '420["hello","world"]')),
        key("the server receives the EVENT", sio("server", "in", (p) => p.type === "EVENT" && p.encoded === '20["hello","world"]')),
        key('the server\'s handler gets "hello"', api("server", "receive", (e) => e.event === "hello")),
        key('the server logs "world"', log("server", (t) => t === "world")),
        key('the ACK 30["got it"]', sio("server", "out", (p) => p.type === "ACK" && p.encoded === '30["got it"]')),
        key("the client's callback runs", api("client-1", "ack-receive")),
      ],
    },
  ],
  upgrade: [
    {
      holds: [
        key("GET …transport=polling", wire("client-1", "out", (w) => w.kind === "http-request" && w.method === "GET" && w.path.startsWith("/socket.io/?EIO=4&transport=polling"))),
        key("the open packet over polling", engine("client-1", "in", "open", (e) => e.transport === "polling")),
        key("a POST carrying the CONNECT", wire("client-1", "out", (w) => w.kind === "http-request" && w.method === "POST")),
        key("Socket.IO CONNECT (40)", sio("client-1", "out", (p) => p.type === "CONNECT")),
        key("the CONNECT reply", sio("client-1", "in", (p) => p.type === "CONNECT")),
        key("the request for a WebSocket", wire("client-1", "out", (w) => w.kind === "http-request" && w.upgrade === true)),
      ],
      lacks: [
        key("101 Switching Protocols", (e) => e.layer === "wire" && e.kind === "ws-upgrade"),
        key("2probe", engine("client-1", "out", "ping", (e) => e.data === "probe")),
        key("3probe", engine("server", "out", "pong", (e) => e.data === "probe")),
        key("noop", (e) => e.layer === "engine" && e.type === "noop"),
        key("upgrade (5)", (e) => e.layer === "engine" && e.type === "upgrade"),
      ],
    },
    {
      holds: [
        key("101 Switching Protocols", wire("server", "out", (w) => w.kind === "ws-upgrade")),
        key("2probe from the client", engine("client-1", "out", "ping", (e) => e.data === "probe")),
        key("3probe from the server", engine("server", "out", "pong", (e) => e.data === "probe")),
        key("the noop ending the pending GET", engine("server", "out", "noop", (e) => e.transport === "polling")),
        key("the noop received over polling", engine("client-1", "in", "noop", (e) => e.transport === "polling")),
        key("upgrade (5) from the client", engine("client-1", "out", "upgrade")),
        key("upgrade (5) received by the server", engine("server", "in", "upgrade")),
      ],
    },
    {
      holds: [
        key("the client's message in a masked WebSocket frame", wire("client-1", "out", (w) => w.kind === "ws-frame" && w.masked && w.preview.startsWith("42"))),
        key("the server's answer in an unmasked frame", wire("server", "out", (w) => w.kind === "ws-frame" && !w.masked && w.preview.startsWith("43"))),
      ],
      lacks: [key("an HTTP request", (e) => e.layer === "wire" && e.kind === "http-request")],
    },
  ],
  heartbeat: [
    {
      holds: [
        key("client 1's TCP connection", tcpOpen("client-1")),
        key("the open packet with pingInterval 1000 and pingTimeout 600", engine("client-1", "in", "open", (e) => /"pingInterval":1000/.test(e.data ?? "") && /"pingTimeout":600/.test(e.data ?? ""))),
      ],
      lacks: [key("a ping", engine("server", "out", "ping"))],
    },
    {
      holds: [key("two pings from the server", engine("server", "out", "ping"), 2), key("two pongs from the client", engine("client-1", "out", "pong"), 2)],
    },
    {
      holds: [
        key("the server's next ping", engine("server", "out", "ping")),
        key('the server disconnects with "ping timeout"', api("server", "disconnect", (e) => e.reason === "ping timeout")),
        key('the client disconnects with "ping timeout"', api("client-1", "disconnect", (e) => e.reason === "ping timeout")),
        key("a WebSocket close frame from each side", (e) => e.layer === "wire" && e.kind === "ws-frame" && e.dir === "out" && e.opcode === 8, 2),
      ],
      lacks: [key("a pong from the frozen client", engine("client-1", "out", "pong"))],
      closes: true,
    },
  ],
  namespaces: [
    {
      holds: [
        key("the socket on / connects", api("client-1", "connect", (e) => e.nsp === "/")),
        key("the polling open packet", engine("client-1", "in", "open", (e) => e.transport === "polling")),
        key("the upgrade to WebSocket", engine("client-1", "out", "upgrade")),
      ],
      lacks: [key("CONNECT to /chat", sio("client-1", "out", (p) => p.type === "CONNECT" && p.nsp === "/chat"))],
    },
    {
      holds: [
        key("40/chat,", sio("client-1", "out", (p) => p.type === "CONNECT" && p.encoded.startsWith("0/chat,"))),
        key("40/streaming-response,", sio("client-1", "out", (p) => p.type === "CONNECT" && p.encoded.startsWith("0/streaming-response,"))),
        key("/chat connects", api("client-1", "connect", (e) => e.nsp === "/chat")),
        key("/streaming-response connects", api("client-1", "connect", (e) => e.nsp === "/streaming-response")),
      ],
      lacks: [key("a new TCP connection", (e) => e.layer === "tcp" && e.kind === "open"), key("a new handshake", (e) => e.layer === "engine" && e.type === "open")],
    },
    {
      holds: [
        key('emit "ask" on /streaming-response', api("client-1", "emit", (e) => e.event === "ask" && e.nsp === "/streaming-response")),
        key('"chunk" packets 42/streaming-response,["chunk",…]', sio("client-1", "in", (p) => p.type === "EVENT" && p.encoded.startsWith('2/streaming-response,["chunk"')), 2),
        key("the ack", api("client-1", "ack-receive", (e) => e.nsp === "/streaming-response")),
      ],
    },
    {
      holds: [
        key("client 2's own TCP connection", tcpOpen("client-2")),
        key("client 2's own engine session", engine("client-2", "in", "open", (e) => e.transport === "websocket")),
        key("client 2 connects to /streaming-response", api("client-2", "connect", (e) => e.nsp === "/streaming-response")),
        key("client 2 logs its socket ID", log("client-2", (t) => /socket id/i.test(t))),
      ],
      lacks: [key("client 2 polling", wire("client-2", "out", (w) => w.kind === "http-request" && w.path.includes("transport=polling")))],
    },
  ],
  rooms: [
    { holds: [key("three sockets on /chat connect", (e) => e.layer === "api" && e.kind === "connect" && e.nsp === "/chat" && e.host.startsWith("client-"), 3)] },
    {
      holds: [
        key('clients 1 and 2 emit "join"', (e) => e.layer === "api" && e.kind === "emit" && e.event === "join", 2),
        key('socket.join("lobby") twice', (e) => e.layer === "api" && e.kind === "join" && e.room === "lobby", 2),
        key("both acks", (e) => e.layer === "api" && e.kind === "ack-receive", 2),
      ],
    },
    {
      holds: [
        key("the broadcast", (e) => e.layer === "api" && e.kind === "broadcast"),
        key("client 1 receives news", api("client-1", "receive", (e) => e.event === "news")),
        key("client 2 receives news", api("client-2", "receive", (e) => e.event === "news")),
      ],
      lacks: [key("client 3 receives news", api("client-3", "receive", (e) => e.event === "news"))],
    },
    {
      holds: [key('client 1 emits "message"', api("client-1", "emit", (e) => e.event === "message")), key("client 2 receives it", api("client-2", "receive", (e) => e.event === "message"))],
      lacks: [key("the sender receives it", api("client-1", "receive", (e) => e.event === "message")), key("client 3 receives it", api("client-3", "receive"))],
    },
    {
      holds: [key('socket.leave("lobby")', (e) => e.layer === "api" && e.kind === "leave" && e.room === "lobby"), key("client 1 receives news", api("client-1", "receive", (e) => e.event === "news"))],
      lacks: [key("client 2 receives news", api("client-2", "receive", (e) => e.event === "news"))],
    },
  ],
  "lossy-tcp": [
    {
      holds: [key("client 1's TCP connection", tcpOpen("client-1")), key("the socket connects", api("client-1", "connect"))],
      lacks: [key("a network fault with drops", (e) => e.layer === "lab" && e.kind === "fault" && (e.detail ?? "").includes("dropData"))],
    },
    {
      holds: [
        key("the long message emitted", api("client-1", "emit", (e) => e.event === "hello")),
        key("a frame longer than three segments", wire("client-1", "out", (w) => w.kind === "ws-frame" && w.length > 64 * 3)),
        key("the server's handler", api("server", "receive", (e) => e.event === "hello")),
        key("the ack callback", api("client-1", "ack-receive")),
        key("the scripted drops on the message", (e) => e.layer === "lab" && e.kind === "fault" && (e.detail ?? "").includes("dropData")),
      ],
    },
  ],
  reconnect: [
    { holds: [key("client 1 connects", api("client-1", "connect")), key("client 2 connects", api("client-2", "connect"))] },
    {
      holds: [
        key('the server\'s sockets disconnect with "server shutting down"', api("server", "disconnect", (e) => e.reason === "server shutting down"), 2),
        key("a close frame from the server", wire("server", "out", (w) => w.kind === "ws-frame" && w.opcode === 8), 2),
        key('each client disconnects with "transport close"', (e) => e.layer === "api" && e.kind === "disconnect" && e.host.startsWith("client-") && e.reason === "transport close", 2),
        key("reconnect attempts", (e) => e.layer === "api" && e.kind === "reconnect_attempt"),
        key("a refused attempt (SYN answered by a reset)", (e) => e.layer === "tcp" && e.kind === "refused"),
      ],
      closes: true,
    },
    {
      holds: [
        key("the server listens again", (e) => e.layer === "lab" && e.kind === "listen" && e.service === "socket.io"),
        key("a new handshake", (e) => e.layer === "engine" && e.kind === "packet" && e.type === "open" && e.dir === "in" && e.host.startsWith("client-")),
        key("reconnect on a client", (e) => e.layer === "api" && e.kind === "reconnect"),
      ],
    },
    {
      holds: [
        key("DISCONNECT (41) from the server", sio("server", "out", (p) => p.type === "DISCONNECT")),
        key('client 1\'s reason "io server disconnect"', api("client-1", "disconnect", (e) => e.reason === "io server disconnect")),
      ],
      lacks: [key("client 1 reconnects by itself", api("client-1", "reconnect_attempt"))],
      closes: true,
    },
  ],
  binary: [
    { holds: [key("client 1 connects", api("client-1", "connect")), key("client 2 connects", api("client-2", "connect"))] },
    {
      holds: [
        key("BINARY_EVENT 51-0[…] sent by client 1", sio("client-1", "out", (p) => p.type === "BINARY_EVENT" && p.encoded.startsWith('51-0["upload"'))),
        key("BINARY_EVENT 51-0[…] received by the server, as BINARY_EVENT", sio("server", "in", (p) => p.type === "BINARY_EVENT" && p.encoded.startsWith('51-0["upload"') && p.attachments === 1)),
        key("the attachment as an Engine.IO binary message over polling", engine("client-1", "out", "message", (e) => e.binary === true && e.transport === "polling")),
        key("the server's handler", api("server", "receive", (e) => e.event === "upload")),
        key("client 1's callback", api("client-1", "ack-receive")),
      ],
    },
    {
      holds: [
        key("BINARY_EVENT 51-0[…] sent by client 2", sio("client-2", "out", (p) => p.type === "BINARY_EVENT" && p.encoded.startsWith('51-0["upload"'))),
        key("BINARY_EVENT 51-0[…] received by the server, as BINARY_EVENT", sio("server", "in", (p) => p.type === "BINARY_EVENT" && p.encoded.startsWith('51-0["upload"') && p.attachments === 1)),
        key("the attachment in a binary frame (opcode 2)", wire("client-2", "out", (w) => w.kind === "ws-frame" && w.opcode === 2)),
        key("client 2's callback", api("client-2", "ack-receive")),
      ],
    },
  ],
  delivery: [
    { holds: [1, 2, 3].map((n) => key(`client ${n} connects`, api(`client-${n}`, "connect"))) },
    {
      holds: [
        key('20["slow",500] sent by client 1', sio("client-1", "out", (p) => p.encoded === '20["slow",500]')),
        key('the callback with "operation has timed out"', api("client-1", "ack-receive", (e) => e.reason === "operation has timed out")),
        key('the late ACK 30["done after 500 ms"] received', sio("client-1", "in", (p) => p.type === "ACK" && p.ackId === 0 && p.encoded === '30["done after 500 ms"]')),
      ],
      lacks: [key("a callback run by the late ACK", api("client-1", "ack-receive", (e) => e.reason === undefined))],
    },
    {
      holds: [
        key('21["slow",100] (ack id 1)', sio("client-1", "out", (p) => p.encoded === '21["slow",100]')),
        key('31["done after 100 ms"]', sio("client-1", "in", (p) => p.encoded === '31["done after 100 ms"]')),
        key("the promise resolves (the callback runs)", api("client-1", "ack-receive", (e) => e.reason === undefined)),
      ],
    },
    {
      holds: [
        key('20["save","x"] from client 2', sio("client-2", "out", (p) => p.encoded === '20["save","x"]')),
        key('21["save","x"] from client 2, the retry', sio("client-2", "out", (p) => p.encoded === '21["save","x"]')),
        key('the server\'s handler runs twice ("save" received twice)', api("server", "receive", (e) => e.event === "save"), 2),
        key('"save x: try 1" and "save x: try 2" logged', log("server", (t) => /^save x: try [12]$/.test(t)), 2),
        key('31["stored"]', sio("server", "out", (p) => p.encoded === '31["stored"]')),
        key("client 2's callback", api("client-2", "ack-receive", (e) => JSON.stringify(e.args) === '[null,"stored"]')),
      ],
      lacks: [key("an answer to the first try (30…)", sio("server", "out", (p) => p.type === "ACK" && p.ackId === 0))],
    },
    {
      holds: [
        key("the broadcast with an ack", (e) => e.layer === "api" && e.kind === "broadcast" && e.event === "poll" && e.ack === true),
        key('one packet 20["poll","ready?"] encoded by the server', sio("server", "out", (p) => p.encoded === '20["poll","ready?"]')),
        ...[1, 2, 3].map((n) => key(`client ${n} receives the poll`, api(`client-${n}`, "receive", (e) => e.event === "poll"))),
        key('two answers 30["yes"] received by the server', sio("server", "in", (p) => p.encoded === '30["yes"]'), 2),
        key("the partial answer with an error", log("server", (t) => t === 'operation has timed out ["yes","yes"]')),
      ],
      lacks: [
        key("more than one packet for the broadcast", (e) => e.layer === "socketio" && e.host === "server" && e.dir === "out" && e.type === "EVENT" && e.encoded !== '20["poll","ready?"]'),
        key("an answer from client 3", sio("client-3", "out", (p) => p.type === "ACK")),
      ],
    },
    {
      holds: [
        key("client 4 connects over polling", engine("client-4", "in", "open", (e) => e.transport === "polling")),
        key("v0 sent", sio("client-4", "out", (p) => p.encoded === '2["position","v0"]')),
        key("v1 to v4 recorded as dropped", api("client-4", "emit", (e) => e.dropped === true && /^v[1-4]$/.test(String(e.args?.[0]))), 4),
        // The preview stops at 80 characters: r0 to r3 show; delivery.test.ts checks r4 rides along.
        key("r0 … in one POST", wire("client-4", "out", (w) => w.kind === "http-request" && w.method === "POST" && w.preview.startsWith('42["position","r0"]␞42["position","r1"]␞42["position","r2"]'))),
        key("the server logs r4", log("server", (t) => t === "r4")),
      ],
      lacks: [
        key("a packet for v1 to v4", sio("client-4", "out", (p) => /"v[1-4]"/.test(p.encoded))),
        key("the server receives v1 to v4", api("server", "receive", (e) => /^v[1-4]$/.test(String(e.args?.[0])))),
        key("the upgrade to WebSocket", engine("client-4", "out", "upgrade")),
      ],
    },
  ],
  recovery: [
    {
      holds: [key('the CONNECT reply 40{"sid":…,"pid":…}', sio("server", "out", (p) => p.type === "CONNECT" && /^0\{"sid":"[^"]+","pid":"[^"]+"\}$/.test(p.encoded))), key("the client connects", api("client-1", "connect"))],
    },
    {
      holds: [
        key('io.emit("news", "first")', (e) => e.layer === "api" && e.kind === "broadcast" && e.event === "news"),
        key('42["news","first","<offset>"]', sio("client-1", "in", (p) => /^2\["news","first","[^"]+"\]$/.test(p.encoded))),
      ],
    },
    {
      holds: [
        key("the lab's cut", (e) => e.layer === "lab" && e.kind === "fault" && e.fault === "cut"),
        key("both sides: transport close", (e) => e.layer === "api" && e.kind === "disconnect" && e.reason === "transport close", 2),
        key("the missed broadcasts reach nobody", (e) => e.layer === "api" && e.kind === "broadcast" && e.recipients === 0, 2),
        key('CONNECT with pid and offset, 40{"pid":…,"offset":…}', sio("client-1", "out", (p) => p.type === "CONNECT" && /^0\{"pid":"[^"]+","offset":"[^"]+"\}$/.test(p.encoded))),
        key("the replayed events, received", sio("client-1", "in", (p) => /^2\["news","missed [12]"/.test(p.encoded)), 2),
        key("the server's code logs the recovery", log("server", (t) => t.endsWith("recovered its session"))),
        key("same id, recovered", log("client-1", (t) => t === "recovered: true, same id: true")),
      ],
      closes: true,
    },
    {
      holds: [
        key('"server shutting down"', api("server", "disconnect", (e) => e.reason === "server shutting down")),
        key("the server listens again", (e) => e.layer === "lab" && e.kind === "listen" && e.service === "socket.io"),
        key("the old pid and offset sent again", sio("client-1", "out", (p) => p.type === "CONNECT" && p.encoded.includes('"pid"'))),
        key('a plain reply 40{"sid":…}', sio("server", "out", (p) => p.type === "CONNECT" && /^0\{"sid":"[^"]+"\}$/.test(p.encoded))),
      ],
      closes: true,
    },
    {
      holds: [
        key("the lab's cut", (e) => e.layer === "lab" && e.kind === "fault" && e.fault === "cut"),
        key('"missed 3" reaches nobody', (e) => e.layer === "api" && e.kind === "broadcast" && e.recipients === 0 && e.args?.[0] === "missed 3"),
        key("a plain CONNECT, 40", sio("client-1", "out", (p) => p.type === "CONNECT" && p.encoded === "0")),
        key("not recovered, another id", log("client-1", (t) => t === "recovered: false, same id: false")),
      ],
      lacks: [key('"missed 3" received', sio("client-1", "in", (p) => p.encoded.includes("missed 3"))), key("a recovery", log("server", (t) => t.endsWith("recovered its session")))],
      closes: true,
    },
  ],
  auth: [
    {
      holds: [
        key('40/admin,{"token":"bad"}', sio("client-1", "out", (p) => p.encoded === '0/admin,{"token":"bad"}')),
        key("CONNECT_ERROR 44/admin,{…}", sio("server", "out", (p) => p.type === "CONNECT_ERROR" && p.encoded === '4/admin,{"message":"not authorized","data":{"content":"Please retry later"}}')),
        key("connect_error on the client", api("client-1", "connect_error", (e) => e.reason === "not authorized")),
        key("socket.active is false", log("client-1", (t) => t.endsWith("active: false"))),
        key("the client closes its connection", wire("client-1", "out", (w) => w.kind === "ws-frame" && w.opcode === 8)),
      ],
      lacks: [
        key("a reconnect attempt", api("client-1", "reconnect_attempt")),
        key("a second connection", (e) => e.layer === "tcp" && e.kind === "open" && e.host === "client-1" && e.conn !== "client-1/tcp1"),
        key("the connection handler", api("server", "connect")),
      ],
      closes: true,
    },
    {
      holds: [
        key("a new TCP connection", tcpOpen("client-1")),
        key('40/admin,{"token":"letmein"}', sio("client-1", "out", (p) => p.encoded === '0/admin,{"token":"letmein"}')),
        key('40/admin,{"sid":…}', sio("server", "out", (p) => p.type === "CONNECT" && p.nsp === "/admin")),
        key("the welcome", log("server", (t) => t.startsWith("welcome "))),
      ],
      lacks: [key("a refusal", sio("server", "out", (p) => p.type === "CONNECT_ERROR"))],
    },
    {
      holds: [
        key("GET with sid=made-up-sid", wire("client-1", "out", (w) => w.kind === "http-request" && w.path.includes("sid=made-up-sid"))),
        key("HTTP 400 with code 1", wire("client-1", "in", (w) => w.kind === "http-response" && w.status === 400 && w.preview === '{"code":1,"message":"Session ID unknown"}')),
      ],
    },
  ],
  compression: [
    {
      holds: [
        key("client 1's offer", wire("client-1", "out", (w) => w.kind === "http-request" && w.headers["sec-websocket-extensions"] === "permessage-deflate; client_max_window_bits")),
        key("the 101 accepting it", wire("client-1", "in", (w) => w.kind === "ws-upgrade" && w.headers["sec-websocket-extensions"] === "permessage-deflate")),
        key("client 2's 101 without it", wire("client-2", "in", (w) => w.kind === "ws-upgrade" && w.headers["sec-websocket-extensions"] === undefined)),
        key("the CONNECT reply compressed", wire("server", "out", (w) => w.kind === "ws-frame" && w.rsv1 === true && w.preview.startsWith("40{"))),
        key("client 1's 40 plain", wire("client-1", "out", (w) => w.kind === "ws-frame" && !w.rsv1 && w.preview === "40")),
      ],
      lacks: [key("a compressed frame on client 2's connection", wire("client-2", "in", (w) => w.kind === "ws-frame" && w.rsv1 === true))],
    },
    {
      holds: [
        key("client 1's compressed 420[…] of about a hundred bytes", wire("client-1", "out", (w) => w.kind === "ws-frame" && w.rsv1 === true && w.preview.startsWith('420["echo"') && w.payloadLength < 200)),
        key("the compressed answer 430[…]", wire("client-1", "in", (w) => w.kind === "ws-frame" && w.rsv1 === true && w.preview.startsWith("430["))),
        key("client 2's plain frames of 5,000-odd bytes", (e) => e.layer === "wire" && e.kind === "ws-frame" && e.host === "client-2" && !e.rsv1 && e.payloadLength > 5000, 2),
      ],
    },
    {
      holds: [key("a frame of a few bytes for the same 5,000 characters", wire("client-1", "out", (w) => w.kind === "ws-frame" && w.rsv1 === true && w.preview.startsWith('421["echo"') && w.payloadLength < 60))],
    },
    {
      holds: [
        key("client 1's frame with RSV1 clear", wire("client-1", "out", (w) => w.kind === "ws-frame" && !w.rsv1 && w.preview.startsWith('422["echo"') && w.payloadLength > 5000)),
        key("the server's answer still compressed", wire("server", "out", (w) => w.kind === "ws-frame" && w.rsv1 === true && w.preview.startsWith("432["))),
      ],
    },
  ],
  // Run with the defaults: two nodes, sticky-sid for the fix, the cluster adapter over the lab's bus.
  "scale-out": [
    {
      holds: [
        key("client 1's handshake GET without a sid", wire("client-1", "out", (w) => w.kind === "http-request" && w.method === "GET" && w.path.includes("transport=polling") && !w.path.includes("sid="))),
        key("node-1 answers it 200 with the open packet", wire("node-1", "out", (w) => w.kind === "http-response" && w.status === 200 && w.preview.startsWith('0{"sid"'))),
        key('node-2 answers 400 {"code":1,"message":"Session ID unknown"}', wire("node-2", "out", (w) => w.kind === "http-response" && w.status === 400 && w.preview === '{"code":1,"message":"Session ID unknown"}')),
        key("the balancer forwards the 400", wire("balancer", "out", (w) => w.kind === "http-response" && w.status === 400)),
        key("client 1 reads the 400", wire("client-1", "in", (w) => w.kind === "http-response" && w.status === 400)),
        key("client 1's connect_error", api("client-1", "connect_error")),
      ],
      lacks: [key("a socket connects", (e) => e.layer === "api" && e.kind === "connect")],
      closes: true,
    },
    {
      holds: [
        key("the balancer turns sticky", (e) => e.layer === "lab" && e.kind === "fault" && e.fault === "balance"),
        key("client 2 connects, on node-1", api("client-2", "connect")),
        key("client 3 connects, on node-2", api("client-3", "connect")),
        key("node-1 and node-2 each connect a socket", (e) => e.layer === "api" && e.kind === "connect" && e.host.startsWith("node-"), 2),
        key('the POST 420["hello","world"] over polling', wire("client-2", "out", (w) => w.kind === "http-request" && w.method === "POST" && w.preview === '420["hello","world"]')),
        key('node-1 answers 430["got it"] in a poll response', wire("node-1", "out", (w) => w.kind === "http-response" && w.status === 200 && w.preview === '430["got it"]')),
        key("client 2's callback runs", api("client-2", "ack-receive")),
      ],
      lacks: [key("an HTTP 400", (e) => e.layer === "wire" && e.kind === "http-response" && e.status === 400), key("a WebSocket", (e) => e.layer === "wire" && e.kind === "ws-upgrade")],
    },
    {
      holds: [
        key('io.emit("news", "from node-1") on node-1', api("node-1", "broadcast", (e) => e.event === "news")),
        key("client 2 (on node-1) receives it", api("client-2", "receive", (e) => e.event === "news")),
      ],
      lacks: [
        key("client 3 (on node-2) receives news", api("client-3", "receive", (e) => e.event === "news")),
        key("node-2 sends news", sio("node-2", "out", (p) => p.type === "EVENT")),
        key("a message between the nodes", (e) => e.layer === "lab" && e.kind === "bus"),
      ],
    },
    {
      holds: [
        key("the nodes get the adapter", (e) => e.layer === "lab" && e.kind === "fault" && e.fault === "adapter"),
        key("INITIAL_HEARTBEAT on the bus", (e) => e.layer === "lab" && e.kind === "bus" && e.message === "INITIAL_HEARTBEAT"),
        key("BROADCAST published by node-1", (e) => e.layer === "lab" && e.kind === "bus" && e.host === "node-1" && e.dir === "out" && e.message === "BROADCAST"),
        key("BROADCAST received by node-2", (e) => e.layer === "lab" && e.kind === "bus" && e.host === "node-2" && e.dir === "in" && e.message === "BROADCAST"),
        key('node-2 writes 42["news","from node-1, forwarded"]', sio("node-2", "out", (p) => p.encoded === '2["news","from node-1, forwarded"]')),
        key("client 3 (on node-2) receives it", api("client-3", "receive", (e) => e.event === "news")),
        key("client 2 (on node-1) receives it", api("client-2", "receive", (e) => e.event === "news")),
      ],
    },
    {
      holds: [
        key("FETCH_SOCKETS from node-1", (e) => e.layer === "lab" && e.kind === "bus" && e.host === "node-1" && e.dir === "out" && e.message === "FETCH_SOCKETS"),
        key("FETCH_SOCKETS received by node-2", (e) => e.layer === "lab" && e.kind === "bus" && e.host === "node-2" && e.dir === "in" && e.message === "FETCH_SOCKETS"),
        key("FETCH_SOCKETS_RESPONSE from node-2 to node-1", (e) => e.layer === "lab" && e.kind === "bus" && e.host === "node-2" && e.dir === "out" && e.message === "FETCH_SOCKETS_RESPONSE" && e.to === "node-1"),
        key("FETCH_SOCKETS_RESPONSE received by node-1", (e) => e.layer === "lab" && e.kind === "bus" && e.host === "node-1" && e.dir === "in" && e.message === "FETCH_SOCKETS_RESPONSE"),
        key("node-1 logs both sockets", log("node-1", (t) => /^2 sockets: [\w-]+, [\w-]+$/.test(t))),
      ],
    },
  ],
};

// ── the runs ────────────────────────────────────────────────────────────────────
const traces = new Map<string, TraceEvent[]>();

beforeAll(async () => {
  // One after another: two cores are shared, and scenarios with timers (heartbeat) need them.
  for (const s of SCENARIOS) {
    const run = await runScenarioToFile(s.id, undefined, { port: 0 });
    expect(run.error, `${s.id} ran`).toBeUndefined();
    traces.set(s.id, run.events);
  }
}, 360_000);

interface Span {
  marker: TraceEvent;
  events: TraceEvent[];
}

/** Each lesson step's events: after its marker, before the next marker (the teardown's after the last). */
function spans(events: readonly TraceEvent[]): { steps: Span[]; teardown: TraceEvent | undefined } {
  const markers = events.filter((e) => e.layer === "lab" && e.kind === "step");
  const teardown = markers.find((e) => e.layer === "lab" && e.kind === "step" && e.teardown);
  const lesson = markers.filter((e) => e !== teardown);
  const steps = lesson.map((marker, i) => {
    const next = lesson[i + 1] ?? teardown;
    return { marker, events: events.filter((e) => e.id > marker.id && (next === undefined || e.id < next.id)) };
  });
  return { steps, teardown };
}

const where = (events: readonly TraceEvent[], is: Pred, steps: Span[]): string => {
  const hits = events.filter(is).map((e) => {
    const k = steps.findLastIndex((s) => s.marker.id < e.id);
    return `#${e.id}${k < 0 ? " (before step 1)" : ` (step ${k + 1})`}`;
  });
  return hits.length ? hits.slice(0, 6).join(", ") : "nowhere in the trace";
};

describe("every step holds what its narration names", () => {
  it("has a spec for each scenario, step for step", () => {
    expect(Object.keys(SPECS).sort()).toEqual(SCENARIOS.map((s) => s.id).sort());
    for (const s of SCENARIOS) expect(SPECS[s.id], s.id).toHaveLength(s.steps.length);
  });

  describe.each(SCENARIOS.map((s) => s.id))("%s", (id) => {
    it("has one marker per step, then the teardown marker", () => {
      const { steps, teardown } = spans(traces.get(id)!);
      expect(steps.map((s) => (s.marker.layer === "lab" && s.marker.kind === "step" ? s.marker.index : -1))).toEqual(SPECS[id]!.map((_, i) => i));
      expect(teardown, "a teardown marker after the last step").toBeDefined();
    });

    it.each(SPECS[id]!.map((spec, i) => [i + 1, spec] as const))("step %i: its key events are inside it", (n, spec) => {
      const events = traces.get(id)!;
      const { steps } = spans(events);
      const step = steps[n - 1]!;
      const missing = spec.holds.filter((k) => step.events.filter(k.is).length < (k.min ?? 1)).map((k) => `${k.what} (at least ${k.min ?? 1}; found at ${where(events, k.is, steps)})`);
      expect(missing, `step ${n} lacks what it narrates`).toEqual([]);
      const extra = (spec.lacks ?? []).filter((k) => step.events.some(k.is)).map((k) => `${k.what} (at ${where(step.events, k.is, steps)})`);
      expect(extra, `step ${n} holds what it says does not happen in it`).toEqual([]);
      if (!spec.closes) {
        const teardown = teardownLike.filter((k) => step.events.some(k.is)).map((k) => `${k.what} (at ${where(step.events, k.is, steps)})`);
        expect(teardown, `step ${n} holds the lab's teardown`).toEqual([]);
      }
    });
  });
});
