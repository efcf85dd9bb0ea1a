// The trace's `wire` events: one per HTTP message, WebSocket handshake answer, WebSocket frame
// or RESP value parsed from a connection's bytes (the parsers are the other files here), and
// the lab error that says a unit was malformed.

import { assertNever, type NewEvent, type WireEvent } from "../../../../shared/trace/types.js";
import type { StreamDir, WireUnitParsed } from "./types.js";

/**
 * One object per unit, fields added in the trace's key order (common fields, then `kind`
 * and its own): this runs for every frame and HTTP message, so no spreads of partial objects.
 */
export function wireEvent(host: string, conn: string, unit: WireUnitParsed, sid: string | undefined, parents: number[]): WireEvent {
  const ev = { id: 0, t: 0, layer: "wire", host, conn, dir: unit.dir, offset: unit.offset, length: unit.length, headerLength: unit.headerLength, preview: unit.preview } as Record<string, unknown>;
  if (sid) ev.sid = sid;
  if (parents.length) ev.parents = parents;
  ev.kind = unit.kind;
  switch (unit.kind) {
    case "http-request":
      ev.method = unit.method ?? "";
      ev.path = unit.path ?? "";
      ev.headers = unit.headers ?? {};
      if (unit.upgrade) ev.upgrade = true;
      break;
    case "http-response":
      ev.status = unit.status ?? 0;
      ev.headers = unit.headers ?? {};
      break;
    case "ws-upgrade":
      ev.status = unit.status ?? 101;
      ev.headers = unit.headers ?? {};
      break;
    case "ws-frame":
      ev.opcode = unit.opcode ?? 0;
      ev.fin = unit.fin ?? true;
      ev.masked = unit.masked ?? false;
      if (unit.rsv1) ev.rsv1 = true;
      ev.payloadLength = unit.payloadLength ?? 0;
      break;
    case "resp":
      ev.type = unit.respType ?? "";
      if (unit.command !== undefined) ev.command = unit.command;
      if (unit.items !== undefined) ev.items = unit.items;
      break;
    default:
      assertNever(unit.kind, "wire unit kind");
  }
  return ev as unknown as WireEvent;
}

/** The lab error for a unit its parser found malformed (`id`: the unit's event). */
export function malformedUnit(host: string, conn: string, dir: StreamDir, unit: WireEvent, error: string, id: number): NewEvent {
  return { layer: "lab", kind: "error", host, conn, dir, message: `malformed ${unit.kind} on ${conn}: ${error}`, raw: unit.preview, parents: [id] };
}
