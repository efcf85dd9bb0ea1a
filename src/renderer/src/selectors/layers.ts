// Layers: the focused message as an encapsulation stack on the sending host and on the
// receiving host, found by following `parents` up to its origin and children down from it.

import type { Layer, TraceEvent } from "../../../shared/trace/types";
import type { TraceState } from "../store/initial-state";
import { eventById, type TraceBuffer } from "../store/trace-buffer";
import { selectAddressing, linkForConn } from "./addressing";
import { engineString, wholeCall } from "./describe-event";
import { selectFocusEvent } from "./current-event";
import { hex, printable, streamBytes } from "./bytes";
import { decodeWsHead, describeWsHead, unmask } from "./ws-header";
import { memo } from "./memo";
import { selectNetwork } from "./network";
import { leftOutOf } from "./broadcast-reach";

export const STACK_LEVELS = ["API", "Socket.IO", "Engine.IO", "Wire", "TCP", "IP"] as const;
export type StackLevel = (typeof STACK_LEVELS)[number];

const LEVEL_OF: Record<Layer, StackLevel | null> = { api: "API", socketio: "Socket.IO", engine: "Engine.IO", wire: "Wire", tcp: "TCP", lab: null };
const RANK: Record<Layer, number> = { api: 5, socketio: 4, engine: 3, wire: 2, tcp: 1, lab: 0 };

export interface StackRow {
  level: StackLevel;
  /** The exact string or bytes of this layer, e.g. `20["hello","world"]`. */
  text: string;
  detail: string;
  ids: number[];
  /** Index of the row's first event; the row is reached once the playhead passes it. */
  firstIndex: number;
  reached: boolean;
  current: boolean;
}

export interface StackSide {
  host: string;
  role: "sender" | "receiver";
  rows: StackRow[];
}

export interface LayerStacks {
  rootId: number;
  sender: StackSide;
  /** The first recipient's stack (the one drawn beside the sender unless another is picked). */
  receiver: StackSide | null;
  /** One receiving stack per host the message reached: a broadcast reaches several. */
  receivers: StackSide[];
  /** For a broadcast: the connected sockets it left out, and why (see envelope.ts). */
  leftOut: { host: string; socketId: string; reason: string }[];
}

const LIMIT = 400;

function ancestors(buf: TraceBuffer, e: TraceEvent): TraceEvent[] {
  const seen = new Set<number>([e.id]);
  const out: TraceEvent[] = [];
  // An API event's API parents are correlations (ack ↔ emit), not encapsulation.
  const queue = (e.parents ?? []).filter((id) => !(e.layer === "api" && eventById(buf, id)?.layer === "api"));
  while (queue.length > 0 && out.length < LIMIT) {
    const id = queue.shift() as number;
    if (seen.has(id)) continue;
    seen.add(id);
    const p = eventById(buf, id);
    if (!p) continue;
    out.push(p);
    // An API call is where a message starts: what caused it is another message.
    if (p.layer !== "api") queue.push(...(p.parents ?? []));
  }
  return out;
}

/** The message that starts at `root`: every event it became, on every host it reached. */
export function descendants(buf: TraceBuffer, root: TraceEvent): TraceEvent[] {
  const seen = new Set<number>([root.id]);
  const out: TraceEvent[] = [root];
  const queue = (buf.childrenById.get(root.id) ?? []).filter((k) => !(root.layer === "api" && eventById(buf, k)?.layer === "api"));
  while (queue.length > 0 && out.length < LIMIT) {
    const id = queue.shift() as number;
    if (seen.has(id)) continue;
    seen.add(id);
    const c = eventById(buf, id);
    if (!c) continue;
    out.push(c);
    // An API event on the far side ends the message (its handler's reply is a new one),
    // and so does anything a received packet leads its host to send.
    if (c.layer === "api") continue;
    for (const k of buf.childrenById.get(id) ?? []) {
      const child = eventById(buf, k);
      if (c.dir === "in" && child && (child.dir === "out" || (child.layer !== "api" && child.host === c.host && child.dir !== "in"))) continue;
      queue.push(k);
    }
  }
  return out;
}

/** The origin of the message an event belongs to: the highest-layer sending ancestor. */
export function messageRoot(buf: TraceBuffer, e: TraceEvent): TraceEvent {
  let best = e;
  for (const a of ancestors(buf, e)) {
    if (RANK[a.layer] > RANK[best.layer] || (RANK[a.layer] === RANK[best.layer] && a.id < best.id)) best = a;
  }
  return best;
}

function rowText(s: TraceState, level: StackLevel, events: TraceEvent[]): { text: string; detail: string } {
  const first = events[0];
  if (!first) return { text: "", detail: "" };
  switch (level) {
    case "API":
      return { text: events.map((e) => (e.layer === "api" ? wholeCall(e) : "")).join("  "), detail: first.layer === "api" ? `${first.kind} on ${first.nsp ?? "/"}` : "" };
    case "Socket.IO":
      return first.layer === "socketio"
        ? { text: first.encoded, detail: `${first.type} nsp=${first.nsp}${first.ackId !== undefined ? ` ackId=${first.ackId}` : ""}` }
        : { text: "", detail: "" };
    case "Engine.IO":
      return {
        text: events.map((e) => (e.layer === "engine" ? engineString(e) : "")).join(" "),
        detail: first.layer === "engine" ? `${first.type}${first.transport ? ` over ${first.transport}` : ""}` : "",
      };
    case "Wire": {
      if (first.layer !== "wire") return { text: "", detail: "" };
      const bytes = first.conn && first.dir ? streamBytes(s.trace, first.conn, first.dir, first.offset, first.length) : new Uint8Array();
      const body = bytes.subarray(Math.min(first.headerLength, bytes.length));
      const bodyText = body.length > 0 ? `  body: ${printable(body)}` : "";
      if (first.kind === "ws-frame") {
        // The head decoded field by field, then the payload as the receiver reads it (unmasked).
        const head = decodeWsHead(bytes);
        if (!head) return { text: hex(bytes.subarray(0, first.headerLength)), detail: `WebSocket frame, ${first.payloadLength} B payload` };
        const payload = unmask(body, head.key);
        const shown = first.opcode === 2 ? hex(payload) : first.rsv1 ? `${hex(payload)} (deflated; inflates to ${first.preview})` : printable(payload);
        return { text: `${hex(bytes.subarray(0, head.headLength))}  →  ${shown}`, detail: `WebSocket frame: ${describeWsHead(head)}` };
      }
      if (first.kind === "http-request") return { text: `${first.method} ${first.path} HTTP/1.1${bodyText}`, detail: `HTTP request, ${first.headerLength} header bytes, ${body.length} body bytes` };
      if (first.kind === "resp") return { text: first.preview, detail: `RESP ${first.type}${first.items !== undefined ? ` of ${first.items}` : ""} (Redis)` };
      return { text: `HTTP/1.1 ${first.status}${bodyText}`, detail: `HTTP response, ${first.headerLength} header bytes, ${body.length} body bytes` };
    }
    case "TCP": {
      const mss = selectNetwork(s).mss;
      const total = events.reduce((n, e) => n + (e.layer === "tcp" && e.kind === "data" ? e.length : 0), 0);
      const chunks = events.map((e) => (e.layer === "tcp" && e.kind === "data" ? `@${e.offset} +${e.length}` : "")).join(", ");
      return { text: `${first.dir === "in" ? "read" : "write"} ${chunks}`, detail: `${total} B → ${Math.max(1, Math.ceil(total / mss))} segment(s), MSS ${mss} (model)` };
    }
    case "IP": {
      const link = linkForConn(selectAddressing(s), first.conn);
      return { text: link ? link.tuple : (first.conn ?? ""), detail: "IP 4-tuple (client ↔ server)" };
    }
    default:
      return { text: "", detail: "" };
  }
}

/** A row shows this many characters of its text at most: a long payload is the Inspector's to show whole, and every layer stays in view. */
export const ROW_TEXT_MAX = 160;

function capped(text: string): string {
  if (text.length <= ROW_TEXT_MAX) return text;
  return `${text.slice(0, ROW_TEXT_MAX)}… (+${(text.length - ROW_TEXT_MAX).toLocaleString("en")} characters; the Inspector shows them all)`;
}

function side(s: TraceState, host: string, role: StackSide["role"], chain: TraceEvent[], cursorId: number | undefined): StackSide {
  const mine = chain.filter((e) => e.host === host);
  const rows: StackRow[] = [];
  for (const level of STACK_LEVELS) {
    const events = level === "IP" ? mine.filter((e) => e.layer === "tcp").slice(0, 1) : mine.filter((e) => LEVEL_OF[e.layer] === level);
    const ids = events.map((e) => e.id);
    const firstIndex = events.length > 0 ? Math.min(...ids.map((id) => s.trace.indexById.get(id) ?? Infinity)) : Infinity;
    const { text, detail } = rowText(s, level, events);
    rows.push({
      level,
      text: capped(text),
      detail,
      ids,
      firstIndex,
      reached: firstIndex <= s.cursor,
      current: cursorId !== undefined && ids.includes(cursorId) && level !== "IP",
    });
  }
  return { host, role, rows };
}

function anchorEvent(s: TraceState): TraceEvent | undefined {
  const focus = selectFocusEvent(s);
  if (focus && focus.layer !== "lab") return focus;
  for (let i = Math.min(s.cursor, s.length - 1); i >= 0 && i > s.cursor - 5000; i--) {
    const e = s.trace.events[i];
    if (e && e.layer !== "lab" && (e.layer !== "tcp" || e.kind === "data")) return e;
  }
  return undefined;
}

export const selectLayerStacks = memo(
  (s: TraceState) => [s.trace, s.length, s.cursor, s.selection, selectNetwork(s).mss],
  (s: TraceState): LayerStacks | null => {
    const anchor = anchorEvent(s);
    if (!anchor) return null;
    const root = messageRoot(s.trace, anchor);
    const chain = descendants(s.trace, root);
    const cursorId = s.trace.events[s.cursor]?.id;
    const hosts: string[] = [];
    for (const e of chain) if (e.host !== root.host && e.layer !== "lab" && !hosts.includes(e.host)) hosts.push(e.host);
    const receivers = hosts.map((h) => side(s, h, "receiver", chain, cursorId));
    return {
      rootId: root.id,
      sender: side(s, root.host, "sender", chain, cursorId),
      receiver: receivers[0] ?? null,
      receivers,
      leftOut: root.layer === "api" && root.kind === "broadcast" ? leftOutOf(s.trace, root, new Set(hosts)) : [],
    };
  },
);
