// Open the envelope: one message, every layer on every host it reached, each told in one plain
// sentence with every field decoded (the WebSocket head bit by bit and its payload unmasked,
// HTTP messages with their headers and body, the Engine.IO and Socket.IO type digits); one
// receiving stack per recipient of a broadcast, and the sockets a broadcast left out, with why.
// Pure: reads the trace, never the DOM.

import { ENGINE_PACKET_TYPES, SOCKETIO_PACKET_TYPES, type Layer, type TraceEvent } from "../../../shared/trace/types";
import type { TraceState } from "../store/initial-state";
import { eventById, type TraceBuffer } from "../store/trace-buffer";
import { engineString, LAYER_LABEL, wholeCall as apiCode } from "./describe-event";
import { descendants, messageRoot, STACK_LEVELS, type StackLevel } from "./layers";
import { hex, streamBytes } from "./bytes";
import { decodeWsHead, opcodeName, unmask } from "./ws-header";
import { endpointText, linkForConn, selectAddressing } from "./addressing";
import { selectNetwork } from "./network";
import { memo } from "./memo";
import { leftOutOf, type LeftOut } from "./broadcast-reach";

/** The label a flying packet carries: its layer, or for the wire what kind of unit it is. */
export const SHORT_LABEL: Record<Layer, string> = { lab: "Lab", tcp: "TCP", wire: "Wire", engine: "Engine.IO", socketio: "Socket.IO", api: "API" };

export function packetLabel(e: TraceEvent): string {
  if (e.layer !== "wire") return SHORT_LABEL[e.layer];
  if (e.kind === "ws-frame") return "WebSocket";
  if (e.kind === "resp") return "RESP";
  return "HTTP";
}

export interface EnvelopeLayer {
  level: StackLevel;
  /** One plain sentence: what this layer did with the message. */
  sentence: string;
  /** Every field, decoded, whole. */
  fields: [string, string][];
  ids: number[];
}

export interface EnvelopeStack {
  host: string;
  role: "sends" | "receives";
  layers: EnvelopeLayer[];
}


export interface Envelope {
  /** The event that was clicked. */
  id: number;
  rootId: number;
  title: string;
  sender: EnvelopeStack;
  receivers: EnvelopeStack[];
  leftOut: LeftOut[];
}

const LEVEL_OF: Record<Layer, StackLevel | null> = { api: "API", socketio: "Socket.IO", engine: "Engine.IO", wire: "Wire", tcp: "TCP", lab: null };
const json = (v: unknown): string => JSON.stringify(v);
const printableLines = (bytes: Uint8Array): string => {
  let s = "";
  for (const b of bytes) s += b === 0x0a ? "\n" : b === 0x0d ? "" : b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".";
  return s;
};
/** "a" or "an" before a word, as it is read aloud (an EVENT, an ACK, a CONNECT, an open, a message). */
const article = (word: string): string => (/^[aeio]/i.test(word) ? "an" : "a");
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function apiLayer(e: Extract<TraceEvent, { layer: "api" }>): { sentence: string; fields: [string, string][] } {
  const fields: [string, string][] = [["call", apiCode(e)], ["kind", e.kind]];
  if (e.nsp !== undefined) fields.push(["namespace", e.nsp]);
  if (e.socketId !== undefined) fields.push(["socket id", e.socketId]);
  if (e.event !== undefined) fields.push(["event name", e.event]);
  if (e.args !== undefined) fields.push(["arguments", e.args.map(json).join(", ") || "(none)"]);
  if (e.ack !== undefined) fields.push(["acknowledgement asked", e.ack ? "yes (a callback was passed)" : "no"]);
  if (e.rooms !== undefined) fields.push(["to rooms", e.rooms.join(", ")]);
  if (e.room !== undefined) fields.push(["room", e.room]);
  if (e.except !== undefined) fields.push(["except", e.except.join(", ")]);
  if (e.recipients !== undefined) fields.push(["written to", plural(e.recipients, "socket")]);
  if (e.reason !== undefined) fields.push(["reason", e.reason]);
  if (e.attempt !== undefined) fields.push(["attempt", String(e.attempt)]);
  const who = e.host;
  const sentence =
    e.kind === "emit"
      ? `${who}'s code calls ${apiCode(e)}: event "${e.event ?? ""}" with ${plural(e.args?.length ?? 0, "argument")}${e.ack ? ", asking for an acknowledgement" : ""}.`
      : e.kind === "broadcast"
        ? `${who}'s code broadcasts "${e.event ?? ""}"${e.rooms?.length ? ` to the room${e.rooms.length > 1 ? "s" : ""} ${e.rooms.map((r) => `"${r}"`).join(", ")}` : " to every socket of the namespace"}${e.recipients !== undefined ? `; it is written to ${plural(e.recipients, "socket")}` : ""}.`
        : e.kind === "receive"
          ? `${who}'s handler for "${e.event ?? ""}" runs with ${e.args?.map(json).join(", ") || "no arguments"}.`
          : e.kind === "ack-send"
            ? `${who}'s handler calls the acknowledgement callback with ${e.args?.map(json).join(", ") || "nothing"}.`
            : e.kind === "ack-receive"
              ? `${who}'s callback runs with the answer ${e.args?.map(json).join(", ") || "(empty)"}.`
              : `${who}: ${apiCode(e)}.`;
  return { sentence, fields };
}

function socketIoLayer(e: Extract<TraceEvent, { layer: "socketio" }>, dir: string): { sentence: string; fields: [string, string][] } {
  const digit = SOCKETIO_PACKET_TYPES.indexOf(e.type);
  const fields: [string, string][] = [
    ["type", `${digit} = ${e.type}`],
    ["namespace", e.nsp],
    ["ack id", e.ackId !== undefined ? String(e.ackId) : "none (no answer asked)"],
    ["attachments", e.attachments !== undefined ? `${e.attachments} binary attachment${e.attachments === 1 ? "" : "s"} (sent as packets of their own)` : "none"],
    ["encoded", e.encoded],
  ];
  if (e.data !== undefined) fields.push(["data", json(e.data)]);
  const verb = dir === "in" ? "decodes" : "encodes it as";
  return {
    sentence: `Socket.IO ${verb} ${article(e.type)} ${e.type} packet (type ${digit}) for namespace "${e.nsp}"${e.ackId !== undefined ? ` with ack id ${e.ackId}` : ""}: ${e.encoded}`,
    fields,
  };
}

function engineLayer(events: Extract<TraceEvent, { layer: "engine" }>[], dir: string): { sentence: string; fields: [string, string][] } {
  const fields: [string, string][] = [];
  events.forEach((e, i) => {
    const n = events.length > 1 ? ` ${i + 1}` : "";
    fields.push([`packet${n}`, engineString(e)]);
    fields.push([`type${n}`, `${ENGINE_PACKET_TYPES.indexOf(e.type)} = ${e.type}`]);
    if (e.data !== undefined) fields.push([`data${n}`, e.binary ? `${e.data} (base64 of binary data)` : e.data]);
    if (e.transport) fields.push([`transport${n}`, e.transport === "websocket" ? "WebSocket" : "HTTP long-polling"]);
    if (e.sid) fields.push([`session id${n}`, e.sid]);
  });
  const first = events[0];
  const transport = first?.transport === "websocket" ? "a WebSocket" : first?.transport === "polling" ? "HTTP long-polling" : "its transport";
  const strings = events.map(engineString).join(" ");
  return {
    sentence:
      events.length > 1
        ? `Engine.IO ${dir === "in" ? "reads" : "puts"} ${events.length} packets ${dir === "in" ? "from" : "on"} ${transport}: ${strings}`
        : `Engine.IO ${dir === "in" ? "reads" : "wraps it in"} ${article(first?.type ?? "")} ${first?.type ?? ""} packet (type ${first ? ENGINE_PACKET_TYPES.indexOf(first.type) : "?"}) ${dir === "in" ? "from" : "for"} ${transport}: ${strings}`,
    fields,
  };
}

function wireLayer(buf: TraceBuffer, events: Extract<TraceEvent, { layer: "wire" }>[], many: boolean, hostLabel: (conn: string | undefined) => string): { sentence: string; fields: [string, string][] } {
  const fields: [string, string][] = [];
  const sentences: string[] = [];
  for (const e of events) {
    const on = many ? ` (${hostLabel(e.conn)})` : "";
    const bytes = e.conn && e.dir ? streamBytes(buf, e.conn, e.dir, e.offset, e.length) : new Uint8Array();
    if (e.kind === "ws-frame") {
      const head = decodeWsHead(bytes);
      if (!head) {
        fields.push([`frame${on}`, `${e.payloadLength} B payload (bytes not captured)`]);
        continue;
      }
      const payload = bytes.subarray(head.headLength);
      const plain = unmask(payload, head.key);
      fields.push(
        [`head bytes${on}`, hex(bytes.subarray(0, head.headLength))],
        ["FIN", `${head.fin ? 1 : 0} (${head.fin ? "last frame of the message" : "more frames follow"})`],
        ["RSV1 RSV2 RSV3", `${head.rsv.split("").join(" ")}${head.rsv[0] === "1" ? " (RSV1: payload compressed with permessage-deflate)" : ""}`],
        ["opcode", `${head.opcode} (${opcodeName(head.opcode)})`],
        ["MASK", `${head.masked ? 1 : 0} (${head.masked ? "masked: a client's frame" : "not masked: a server's frame"})`],
        ["payload length", `${head.length} B`],
      );
      if (head.key) fields.push(["masking key", hex(head.key)], ["payload as sent (masked)", hex(payload)]);
      fields.push([head.key ? "payload unmasked" : "payload", e.opcode === 2 || e.rsv1 ? hex(plain) : printableLines(plain)]);
      if (e.rsv1) fields.push(["payload inflated", e.preview]);
      sentences.push(`a WebSocket ${opcodeName(head.opcode)} frame of ${head.headLength + head.length} B${on} (${head.headLength} B head, ${head.length} B payload${head.masked ? ", masked" : ""})`);
    } else if (e.kind === "resp") {
      fields.push([`RESP ${e.type}${on}`, e.preview]);
      if (e.command) fields.push(["command", e.command]);
      sentences.push(`a Redis ${e.command ?? e.type} (RESP)${on}`);
    } else {
      const head = bytes.subarray(0, Math.min(e.headerLength, bytes.length));
      const body = bytes.subarray(Math.min(e.headerLength, bytes.length));
      const lines = printableLines(head).split("\n").filter((l) => l !== "");
      fields.push([`${e.kind === "http-request" ? "request line" : "status line"}${on}`, lines[0] ?? ""]);
      for (const [k, v] of Object.entries(e.headers)) fields.push([`header ${k}`, v]);
      fields.push(["body", body.length > 0 ? printableLines(body) : "(empty)"]);
      sentences.push(
        e.kind === "http-request"
          ? `an HTTP ${e.method} request${on}${body.length > 0 ? ` with a ${body.length} B body` : ""}${e.upgrade ? " asking to upgrade to WebSocket" : ""}`
          : `an HTTP ${e.status} response${on}${body.length > 0 ? ` with a ${body.length} B body` : ""}`,
      );
    }
  }
  return { sentence: `On the wire it is ${sentences.join(", then ") || "a unit whose bytes were not captured"}.`, fields };
}

function tcpLayer(s: TraceState, events: Extract<TraceEvent, { layer: "tcp" }>[], many: boolean, hostLabel: (conn: string | undefined) => string): { sentence: string; fields: [string, string][] } {
  const mss = selectNetwork(s).mss;
  const data = events.filter((e): e is Extract<TraceEvent, { layer: "tcp"; kind: "data" }> => e.kind === "data");
  const total = data.reduce((n, e) => n + e.length, 0);
  const fields: [string, string][] = data.map((e) => [`${e.dir === "in" ? "read" : "write"}${many ? ` (${hostLabel(e.conn)})` : ""}`, `${e.length} B at stream offset ${e.offset}`]);
  fields.push(["bytes", String(total)], ["segments (model, MSS " + mss + ")", String(data.reduce((n, e) => n + Math.max(1, Math.ceil(e.length / mss)), 0))]);
  const dir = data[0]?.dir === "in" ? "reads" : "writes";
  return { sentence: `TCP ${dir} ${plural(total, "byte")}${many ? ` on ${plural(new Set(data.map((e) => e.conn)).size, "connection")}` : ""}; the model cuts them into segments of at most ${mss} B, each numbered by its sequence number.`, fields };
}

function ipLayer(s: TraceState, events: Extract<TraceEvent, { layer: "tcp" }>[]): { sentence: string; fields: [string, string][] } {
  const a = selectAddressing(s);
  const fields: [string, string][] = [];
  const seen = new Set<string>();
  for (const e of events) {
    const link = linkForConn(a, e.conn);
    if (!link || seen.has(link.key)) continue;
    seen.add(link.key);
    const out = e.dir === "out";
    const clientSide = link.conns[0] === e.conn;
    const from = out === clientSide ? link.client : link.server;
    const to = out === clientSide ? link.server : link.client;
    fields.push([`from${seen.size > 1 ? ` ${seen.size}` : ""}`, endpointText(from)], [`to${seen.size > 1 ? ` ${seen.size}` : ""}`, endpointText(to)]);
  }
  const [from, to] = [fields[0]?.[1], fields[1]?.[1]];
  return { sentence: from && to ? `IP carries the segments from ${from} to ${to}${seen.size > 1 ? ` (and ${seen.size - 1} more connection${seen.size > 2 ? "s" : ""})` : ""}: the 4-tuple names the connection.` : "IP: no connection known.", fields };
}

function stack(s: TraceState, host: string, role: EnvelopeStack["role"], chain: TraceEvent[]): EnvelopeStack {
  const mine = chain.filter((e) => e.host === host && e.layer !== "lab");
  const conns = new Set(mine.map((e) => e.conn).filter((c): c is string => c !== undefined));
  const a = selectAddressing(s);
  const hostLabel = (conn: string | undefined): string => {
    const l = linkForConn(a, conn);
    return l ? `to ${l.clientHost === host ? l.serverHost : l.clientHost}` : (conn ?? "");
  };
  const many = conns.size > 1;
  const layers: EnvelopeLayer[] = [];
  for (const level of STACK_LEVELS) {
    const events = level === "IP" ? mine.filter((e) => e.layer === "tcp" && e.kind === "data") : mine.filter((e) => LEVEL_OF[e.layer] === level);
    if (events.length === 0) continue;
    const first = events[0] as TraceEvent;
    const dir = first.dir ?? (role === "sends" ? "out" : "in");
    let told: { sentence: string; fields: [string, string][] };
    if (level === "API") {
      const apis = events.filter((e): e is Extract<TraceEvent, { layer: "api" }> => e.layer === "api");
      const parts = apis.map(apiLayer);
      told = { sentence: parts.map((p) => p.sentence).join(" "), fields: parts.flatMap((p) => p.fields) };
    } else if (level === "Socket.IO") {
      const ps = events.filter((e): e is Extract<TraceEvent, { layer: "socketio" }> => e.layer === "socketio");
      const first = ps[0] as Extract<TraceEvent, { layer: "socketio" }>;
      told = socketIoLayer(first, dir);
      // A broadcast encodes once per recipient connection, or once for all: say how many.
      if (ps.length > 1) told.sentence += ` (${ps.length} times, once per connection)`;
    } else if (level === "Engine.IO") {
      told = engineLayer(events.filter((e): e is Extract<TraceEvent, { layer: "engine" }> => e.layer === "engine"), dir);
    } else if (level === "Wire") {
      told = wireLayer(s.trace, events.filter((e): e is Extract<TraceEvent, { layer: "wire" }> => e.layer === "wire"), many, hostLabel);
    } else {
      const tcp = events.filter((e): e is Extract<TraceEvent, { layer: "tcp" }> => e.layer === "tcp");
      told = level === "TCP" ? tcpLayer(s, tcp, many, hostLabel) : ipLayer(s, tcp);
    }
    layers.push({ level, ...told, ids: events.map((e) => e.id) });
  }
  return { host, role, layers };
}

/** The envelope of event `id`: the message it belongs to, on every host. */
export function envelopeOf(s: TraceState, id: number): Envelope | null {
  const e = eventById(s.trace, id);
  if (!e || e.layer === "lab") return null;
  const root = messageRoot(s.trace, e);
  const chain = descendants(s.trace, root);
  const hosts: string[] = [];
  for (const c of chain) if (c.host !== root.host && c.layer !== "lab" && !hosts.includes(c.host)) hosts.push(c.host);
  const receivers = hosts.map((h) => stack(s, h, "receives", chain));
  const leftOut = root.layer === "api" && root.kind === "broadcast" ? leftOutOf(s.trace, root, new Set(hosts)) : [];
  const what = root.layer === "api" ? apiCode(root) : root.layer === "socketio" ? root.encoded : root.layer === "engine" ? engineString(root) : `${LAYER_LABEL[root.layer]} ${root.kind}`;
  return { id, rootId: root.id, title: what, sender: stack(s, root.host, "sends", chain), receivers, leftOut };
}

export const selectEnvelope = memo(
  (s: TraceState) => [s.trace, s.length, s.envelope, selectNetwork(s).mss],
  (s: TraceState): Envelope | null => (s.envelope === null ? null : envelopeOf(s, s.envelope)),
);
