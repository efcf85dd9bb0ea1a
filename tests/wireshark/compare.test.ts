// The comparator on a hand-made capture and trace of one WebSocket connection: agreement,
// then one disagreement at a time (an extra frame, a RST ending, a refused SYN, …).
import { describe, expect, it } from "vitest";
import type { NewEvent, TraceEvent } from "../../src/shared/trace/types.js";
import { buildCaptureModel, type CapturedPacket, type DecodedUnit, type Endpoint } from "./capture-model.js";
import { parseTsharkJson } from "./capture.js";
import { compareCaptureWithTrace } from "./compare.js";

const C: Endpoint = { ip: "127.0.0.2", port: 40000 };
const S: Endpoint = { ip: "127.0.0.1", port: 3000 };
const REQ = Buffer.from("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:3000\r\nUpgrade: websocket\r\n\r\n");
const RES = Buffer.from("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
/** Server → client: unmasked text frame "40" (Engine.IO message, Socket.IO CONNECT). */
const S_FRAME = Buffer.from([0x81, 0x02, 0x34, 0x30]);
/** Client → server: the same, masked with key 01 02 03 04. */
const C_FRAME = Buffer.from([0x81, 0x82, 1, 2, 3, 4, 0x34 ^ 1, 0x30 ^ 2]);
/** Client → server: a masked close frame without payload. */
const C_CLOSE = Buffer.from([0x88, 0x80, 9, 9, 9, 9]);

const flags = (f: string) => ({ syn: f.includes("S"), ack: f.includes("A"), fin: f.includes("F"), rst: f.includes("R") });
const pkt = (frame: number, fromClient: boolean, f: string, seq: number, payload: Buffer = Buffer.alloc(0), units: DecodedUnit[] = [], stream = 0, c = C): CapturedPacket => ({
  frame,
  stream,
  src: fromClient ? c : S,
  dst: fromClient ? S : c,
  flags: flags(f),
  seq,
  payload,
  units,
});
const wsUnit = (masked: boolean, opcode = 1, payload = Buffer.from("40")): DecodedUnit => ({ kind: "ws-frame", opcode, fin: true, masked, rsv: 0, payloadLength: payload.length, payload });

function handshake(): CapturedPacket[] {
  return [
    pkt(1, true, "S", 0),
    pkt(2, false, "SA", 0),
    pkt(3, true, "A", 1),
    pkt(4, true, "A", 1, REQ, [{ kind: "http-request", method: "GET", uri: "/socket.io/?EIO=4&transport=websocket", chunked: false, body: Buffer.alloc(0) }]),
    pkt(5, false, "A", 1, Buffer.concat([RES, S_FRAME]), [{ kind: "http-response", status: 101, chunked: false, body: Buffer.alloc(0) }, wsUnit(false)]),
    pkt(6, true, "A", 1 + REQ.length, C_FRAME, [wsUnit(true)]),
  ];
}
const cEnd = 1 + REQ.length + C_FRAME.length;
const sEnd = 1 + RES.length + S_FRAME.length;
const finEnding = (): CapturedPacket[] => [pkt(7, true, "FA", cEnd), pkt(8, false, "FA", sEnd), pkt(9, true, "A", cEnd + 1)];

/** The trace both ends would record of that connection (ids in order, parents as the lab sets them). */
function traceEvents(): TraceEvent[] {
  const b64 = (b: Buffer) => b.toString("base64");
  const ev: NewEvent[] = [
    { layer: "lab", kind: "listen", host: "server", ip: "127.0.0.1", port: 3000, service: "socket.io" },
    { layer: "tcp", kind: "open", host: "client-1", conn: "client-1/tcp1", local: C, remote: S, role: "client" },
    { layer: "tcp", kind: "open", host: "server", conn: "server/tcp2", local: S, remote: C, role: "server", peer: "client-1/tcp1" },
    { layer: "wire", kind: "http-request", host: "client-1", conn: "client-1/tcp1", dir: "out", offset: 0, length: REQ.length, headerLength: REQ.length, preview: "GET", method: "GET", path: "/socket.io/?EIO=4&transport=websocket", headers: {}, upgrade: true },
    { layer: "tcp", kind: "data", host: "client-1", conn: "client-1/tcp1", dir: "out", offset: 0, length: REQ.length, bytes: b64(REQ) },
    { layer: "tcp", kind: "data", host: "server", conn: "server/tcp2", dir: "in", offset: 0, length: REQ.length, bytes: b64(REQ) },
    { layer: "wire", kind: "http-request", host: "server", conn: "server/tcp2", dir: "in", offset: 0, length: REQ.length, headerLength: REQ.length, preview: "GET", method: "GET", path: "/socket.io/?EIO=4&transport=websocket", headers: {}, upgrade: true },
    { layer: "wire", kind: "ws-upgrade", host: "server", conn: "server/tcp2", dir: "out", offset: 0, length: RES.length, headerLength: RES.length, preview: "101", status: 101, headers: {} },
    { layer: "socketio", kind: "packet", host: "server", dir: "out", type: "CONNECT", nsp: "/", encoded: "0" }, // 9
    { layer: "engine", kind: "packet", host: "server", dir: "out", type: "message", data: "0", parents: [9] }, // 10
    { layer: "wire", kind: "ws-frame", host: "server", conn: "server/tcp2", dir: "out", offset: RES.length, length: 4, headerLength: 2, preview: "40", opcode: 1, fin: true, masked: false, payloadLength: 2, parents: [10] },
    { layer: "tcp", kind: "data", host: "server", conn: "server/tcp2", dir: "out", offset: 0, length: RES.length + 4, bytes: b64(Buffer.concat([RES, S_FRAME])) },
    { layer: "tcp", kind: "data", host: "client-1", conn: "client-1/tcp1", dir: "in", offset: 0, length: RES.length + 4, bytes: b64(Buffer.concat([RES, S_FRAME])) },
    { layer: "wire", kind: "ws-upgrade", host: "client-1", conn: "client-1/tcp1", dir: "in", offset: 0, length: RES.length, headerLength: RES.length, preview: "101", status: 101, headers: {} },
    { layer: "wire", kind: "ws-frame", host: "client-1", conn: "client-1/tcp1", dir: "in", offset: RES.length, length: 4, headerLength: 2, preview: "40", opcode: 1, fin: true, masked: false, payloadLength: 2 }, // 15
    { layer: "engine", kind: "packet", host: "client-1", conn: "client-1/tcp1", dir: "in", type: "message", data: "0", parents: [15] }, // 16
    { layer: "socketio", kind: "packet", host: "client-1", dir: "in", type: "CONNECT", nsp: "/", encoded: "0", parents: [16] },
    { layer: "socketio", kind: "packet", host: "client-1", dir: "out", type: "CONNECT", nsp: "/", encoded: "0" }, // 18
    { layer: "engine", kind: "packet", host: "client-1", dir: "out", type: "message", data: "0", parents: [18] }, // 19
    { layer: "wire", kind: "ws-frame", host: "client-1", conn: "client-1/tcp1", dir: "out", offset: REQ.length, length: 8, headerLength: 6, preview: "40", opcode: 1, fin: true, masked: true, payloadLength: 2, parents: [19] },
    { layer: "tcp", kind: "data", host: "client-1", conn: "client-1/tcp1", dir: "out", offset: REQ.length, length: 8, bytes: b64(C_FRAME) },
    { layer: "tcp", kind: "data", host: "server", conn: "server/tcp2", dir: "in", offset: REQ.length, length: 8, bytes: b64(C_FRAME) },
    { layer: "wire", kind: "ws-frame", host: "server", conn: "server/tcp2", dir: "in", offset: REQ.length, length: 8, headerLength: 6, preview: "40", opcode: 1, fin: true, masked: true, payloadLength: 2 }, // 23
    { layer: "engine", kind: "packet", host: "server", conn: "server/tcp2", dir: "in", type: "message", data: "0", parents: [23] }, // 24
    { layer: "socketio", kind: "packet", host: "server", dir: "in", type: "CONNECT", nsp: "/", encoded: "0", parents: [24] },
    { layer: "tcp", kind: "close", host: "client-1", conn: "client-1/tcp1", reason: "closed", ended: "fin", closedBy: "local", bytesIn: RES.length + 4, bytesOut: REQ.length + 8, bytesRead: RES.length + 4, bytesWritten: REQ.length + 8, checked: true },
    { layer: "tcp", kind: "close", host: "server", conn: "server/tcp2", reason: "closed", ended: "fin", closedBy: "remote", bytesIn: REQ.length + 8, bytesOut: RES.length + 4, bytesRead: REQ.length + 8, bytesWritten: RES.length + 4, checked: true },
  ];
  return ev.map((e, i) => ({ ...e, id: i + 1, t: i }) as TraceEvent);
}

const compare = (packets: CapturedPacket[], events: TraceEvent[]) => compareCaptureWithTrace(buildCaptureModel(packets), events, { ports: [3000, 3001] });

describe("compareCaptureWithTrace", () => {
  it("finds nothing to say when capture and trace agree, and counts what it compared", () => {
    const f = compare([...handshake(), ...finEnding()], traceEvents());
    expect(f.mismatches).toEqual([]);
    expect(f).toMatchObject({ connections: 1, refused: 0, bytesClientToServer: REQ.length + 8, bytesServerToClient: RES.length + 4, frames: 2, httpMessages: 2, enginePackets: 2, socketioPackets: 2 });
    expect(f.endings).toEqual([{ connection: "127.0.0.2:40000 → 127.0.0.1:3000", conns: "client-1/tcp1 ⇄ server/tcp2", capture: "FIN, client first", trace: "client-1/tcp1: FIN, client first; server/tcp2: FIN, client first" }]);
  });

  it("reports a frame the trace says was written that the capture lacks: bytes and wire unit", () => {
    const events = traceEvents();
    const at = REQ.length + 8;
    const close = events.findIndex((e) => e.layer === "tcp" && e.kind === "close");
    events.splice(
      close,
      0,
      { id: 0, t: 0, layer: "wire", kind: "ws-frame", host: "client-1", conn: "client-1/tcp1", dir: "out", offset: at, length: 6, headerLength: 6, preview: "close", opcode: 8, fin: true, masked: true, payloadLength: 0 },
      { id: 0, t: 0, layer: "tcp", kind: "data", host: "client-1", conn: "client-1/tcp1", dir: "out", offset: at, length: 6, bytes: C_CLOSE.toString("base64") },
    );
    const f = compare([...handshake(), ...finEnding()], events.map((e, i) => ({ ...e, id: i + 1 }) as TraceEvent));
    expect(f.mismatches).toEqual([
      `[bytes] 127.0.0.2:40000 → 127.0.0.1:3000 (client-1/tcp1 ⇄ server/tcp2), client→server: the sender client-1/tcp1 out has ${at + 6} bytes, tshark saw ${at}; first difference at byte ${at}: tshark <end of stream>, trace 88 80 09 09 09 09 (in the trace's ws close frame "close", wire #26, bytes ${at}..${at + 6})`,
      `[wire] 127.0.0.2:40000 → 127.0.0.1:3000 (client-1/tcp1 ⇄ server/tcp2), client→server, sender client-1/tcp1 out: the trace has 1 more than tshark saw (2): ws close frame fin masked, payload 0 bytes at bytes ${at}..${at + 6} (head 6)`,
    ]);
  });

  it("reports a RST ending where the trace says FIN, and who began it", () => {
    const f = compare([...handshake(), pkt(7, false, "RA", sEnd)], traceEvents());
    expect(f.endings[0]!.capture).toBe("RST (from server), server first");
    expect(f.mismatches).toEqual([
      "[ending] 127.0.0.2:40000 → 127.0.0.1:3000 (client-1/tcp1 ⇄ server/tcp2): client-1/tcp1's tcp close #26 says FIN, client first (closedBy local); tshark saw RST (from server), server first",
      "[ending] 127.0.0.2:40000 → 127.0.0.1:3000 (client-1/tcp1 ⇄ server/tcp2): server/tcp2's tcp close #27 says FIN, client first (closedBy remote); tshark saw RST (from server), server first",
    ]);
  });

  it("reports a close without `ended` and `closedBy` as missing", () => {
    const events = traceEvents().map((e) => (e.layer === "tcp" && e.kind === "close" ? ({ ...e, ended: undefined, closedBy: undefined } as TraceEvent) : e));
    const f = compare([...handshake(), ...finEnding()], events);
    expect(f.mismatches).toHaveLength(2);
    expect(f.mismatches[0]).toBe("[ending] 127.0.0.2:40000 → 127.0.0.1:3000 (client-1/tcp1 ⇄ server/tcp2): client-1/tcp1's tcp close #26 lacks `ended` and `closedBy` (reason closed); tshark saw FIN, client first");
  });

  it("reports an engine packet whose data differs, on both ends", () => {
    const events = traceEvents().map((e) => (e.layer === "engine" && e.host === "server" ? ({ ...e, data: "1" } as TraceEvent) : e));
    const f = compare([...handshake(), ...finEnding()], events);
    expect(f.mismatches).toEqual([
      `[engine] 127.0.0.2:40000 → 127.0.0.1:3000 (client-1/tcp1 ⇄ server/tcp2), client→server, receiver server/tcp2 in, #1 of 1 seen / 1 in the trace: tshark saw 40 (in ws text frame at ${REQ.length}, which the trace has as wire #23); the trace says 41 (engine #24) (differ in type or data)`,
      `[engine] 127.0.0.2:40000 → 127.0.0.1:3000 (client-1/tcp1 ⇄ server/tcp2), server→client, sender server/tcp2 out, #1 of 1 seen / 1 in the trace: tshark saw 40 (in ws text frame at ${RES.length}); the trace says 41 (engine #10) (differ in type or data)`,
    ]);
  });

  it("excuses an engine packet a frozen host read but never took, and only after the lab froze it", () => {
    // The server's CONNECT reaches client-1's socket, but its engine never takes it.
    const events = traceEvents();
    const without = events.filter((e) => !(e.layer === "engine" && e.host === "client-1" && e.dir === "in") && !(e.layer === "socketio" && e.host === "client-1" && e.dir === "in"));
    const strict = compare([...handshake(), ...finEnding()], without);
    expect(strict.mismatches.some((m) => m.startsWith("[engine]") && m.includes("receiver client-1/tcp1 in"))).toBe(true);
    const frozen: TraceEvent[] = [{ id: 0, t: -1, layer: "lab", kind: "fault", host: "client-1", fault: "freeze" }, ...without];
    const excused = compare([...handshake(), ...finEnding()], frozen);
    expect(excused.mismatches.filter((m) => m.startsWith("[engine]"))).toEqual([]);
  });

  it("reports bytes the trace calls unsent that the capture shows leaving, and unread bytes not counted", () => {
    const events = traceEvents();
    events.push({ id: 99, t: 99, layer: "tcp", kind: "unsent", host: "client-1", conn: "client-1/tcp1", dir: "out", offset: REQ.length, length: 8, bytes: C_FRAME.toString("base64"), reason: "EPIPE" });
    const withoutRead = events.filter((e) => !(e.layer === "tcp" && e.kind === "data" && e.host === "server" && e.offset === REQ.length));
    const f = compare([...handshake(), ...finEnding()], withoutRead);
    expect(f.mismatches).toContain(`[bytes] 127.0.0.2:40000 → 127.0.0.1:3000 (client-1/tcp1 ⇄ server/tcp2), client→server: the trace's tcp unsent #99 says bytes ${REQ.length}..${REQ.length + 8} never left client-1/tcp1 (EPIPE), but tshark saw ${REQ.length + 8} bytes leave`);
    expect(f.mismatches).toContain(`[bytes] 127.0.0.2:40000 → 127.0.0.1:3000 (client-1/tcp1 ⇄ server/tcp2), client→server: tshark saw ${REQ.length + 8} bytes arrive, the receiver server/tcp2 in read ${REQ.length}; the 8 bytes from ${REQ.length} (81 82 01 02 03 04 35 32) are not counted as unread by its tcp close`);
  });

  it("matches a SYN answered by RST with a tcp refused event, and reports either without the other", () => {
    const refusedC: Endpoint = { ip: "127.0.0.3", port: 40001 };
    const attempt = [pkt(20, true, "S", 0, undefined, [], 1, refusedC), pkt(21, false, "RA", 1, undefined, [], 1, refusedC)];
    const refused: TraceEvent = { id: 100, t: 100, layer: "tcp", kind: "refused", host: "client-2", remote: S, code: "ECONNREFUSED" };
    expect(compare([...handshake(), ...finEnding(), ...attempt], [...traceEvents(), refused]).mismatches).toEqual([]);
    expect(compare([...handshake(), ...finEnding(), ...attempt], traceEvents()).mismatches).toEqual([
      "[refused] 127.0.0.3:40001 → 127.0.0.1:3000: tshark saw the SYN answered by RST (stream 1, RST in frame 21); the trace has no tcp refused to 127.0.0.1:3000 from 127.0.0.3",
    ]);
    expect(compare([...handshake(), ...finEnding()], [...traceEvents(), refused]).mismatches).toEqual([
      "[refused] the trace's tcp refused #100 (client-2 to 127.0.0.1:3000, ECONNREFUSED) has no SYN answered by RST in the capture",
    ]);
  });

  it("reports a connection only the capture has, and one only the trace has", () => {
    const other: Endpoint = { ip: "127.0.0.4", port: 40002 };
    const f = compare([...handshake(), ...finEnding(), pkt(30, true, "S", 0, undefined, [], 2, other), pkt(31, false, "SA", 0, undefined, [], 2, other)], traceEvents());
    expect(f.mismatches).toEqual(["[connection] 127.0.0.4:40002 → 127.0.0.1:3000 (tshark stream 2, 0/0 bytes): in the capture, not in the trace (no tcp open of either end)"]);
    const g = compare([pkt(1, true, "S", 0), pkt(2, false, "SA", 0)], traceEvents().filter((e) => e.layer !== "wire" && e.layer !== "engine" && e.layer !== "socketio" && !(e.layer === "tcp" && e.kind === "data")));
    expect(g.mismatches).toEqual([
      "[ending] 127.0.0.2:40000 → 127.0.0.1:3000 (client-1/tcp1 ⇄ server/tcp2): client-1/tcp1's close says fin but tshark saw still open when the capture stopped",
      "[ending] 127.0.0.2:40000 → 127.0.0.1:3000 (client-1/tcp1 ⇄ server/tcp2): server/tcp2's close says fin but tshark saw still open when the capture stopped",
    ]);
    const h = compare([], traceEvents().filter((e) => e.layer === "lab" || (e.layer === "tcp" && e.kind === "open")));
    expect(h.mismatches).toEqual([
      "[connection] 127.0.0.2:40000 → 127.0.0.1:3000: the trace's client-1/tcp1 (client end, tcp open #2) has no connection in the capture",
      "[connection] 127.0.0.2:40000 → 127.0.0.1:3000: the trace's server/tcp2 (server end, tcp open #3) has no connection in the capture",
    ]);
  });

  it("reports a listening port outside the capture filter", () => {
    const events = traceEvents().map((e) => (e.layer === "lab" && e.kind === "listen" ? ({ ...e, port: 4000 } as TraceEvent) : e));
    expect(compare([...handshake(), ...finEnding()], events).mismatches[0]).toBe("[connection] the trace's socket.io listens on port 4000, outside the capture filter (ports 3000, 3001): its traffic could not be checked");
  });
});

describe("parseTsharkJson", () => {
  it("reads a frame of tshark -T json -x --no-duplicate-keys: addresses, flags, seq, payload, and two WebSocket frames", () => {
    const frame = {
      _source: {
        layers: {
          frame: { "frame.number": "25" },
          ip: { "ip.src": "127.0.0.1", "ip.dst": "127.0.0.2" },
          tcp: { "tcp.srcport": "3000", "tcp.dstport": "40000", "tcp.stream": "1", "tcp.seq": "130", "tcp.flags": "0x0018", "tcp.payload_raw": ["810233308101 36", 66, 7, 0, 1] },
          websocket: [
            { "websocket.fin": "1", "websocket.rsv": "0x00", "websocket.opcode": "1", "websocket.mask": "0", "websocket.payload_length": "2", "websocket.payload_raw": ["3330", 0, 2, 0, 0] },
            { "websocket.fin": "1", "websocket.rsv": "0x00", "websocket.opcode": "1", "websocket.mask": "0", "websocket.payload_length": "1", "websocket.payload": { "websocket.payload.text_raw": ["36", 0, 1, 0, 26] }, "websocket.payload_raw": ["36", 0, 1, 0, 0] },
          ],
        },
      },
    };
    const [p] = parseTsharkJson([JSON.parse(JSON.stringify(frame).replace("8101 36", "810136"))]);
    expect(p).toMatchObject({ frame: 25, stream: 1, src: { ip: "127.0.0.1", port: 3000 }, dst: { ip: "127.0.0.2", port: 40000 }, seq: 130, flags: { syn: false, ack: true, fin: false, rst: false } });
    expect(p!.payload).toEqual(Buffer.from([0x81, 2, 0x33, 0x30, 0x81, 1, 0x36]));
    expect(p!.units).toEqual([wsUnit(false, 1, Buffer.from("30")), wsUnit(false, 1, Buffer.from("6"))]);
  });

  it("reads a permessage-deflate frame (RSV1, pmc 1): the real bytes as payload, tshark's inflation as inflated", () => {
    // From a capture of the compression lesson: the server's CONNECT reply, compressed with
    // the open packet before it as context (so only tshark's per-direction inflater reads it).
    const deflated = "3231805966941e1e9f9169146299161ce2edee5ce5e8e8e8a3540b00";
    const text = Buffer.from('40{"sid":"2gW_hi2T9fSTKGCzAAAL"}');
    const ws = {
      "websocket.fin": "1",
      "websocket.rsv": "0x04",
      "websocket.pmc": "1",
      "websocket.opcode": "1",
      "websocket.mask": "0",
      "websocket.payload_length": "28",
      "websocket.payload_raw": [deflated, 68, 28, 0, 0],
      "websocket.payload": { "websocket.payload.text_raw": [text.toString("hex"), 0, 32, 0, 26], "websocket.payload.text": text.toString() },
    };
    const frame = { _source: { layers: { ip: { "ip.src": "127.0.0.1", "ip.dst": "127.0.0.2" }, tcp: { "tcp.srcport": "3000", "tcp.dstport": "40000", "tcp.seq": "1", "tcp.flags": "0x0018" }, websocket: ws } } };
    const [p] = parseTsharkJson([frame]);
    expect(p!.units).toEqual([{ kind: "ws-frame", opcode: 1, fin: true, masked: false, rsv: 4, payloadLength: 28, payload: Buffer.from(deflated, "hex"), inflated: text }]);
    // Without pmc (an uncompressed frame) the text field is the payload itself, not an inflation.
    const [plain] = parseTsharkJson([JSON.parse(JSON.stringify(frame).replace('"websocket.pmc":"1"', '"websocket.pmc":"0"'))]);
    expect(plain!.units[0]).not.toHaveProperty("inflated");
  });
});
