// The bytes of a web-mode server message: JSON with every non-ASCII character written as a
// \u escape. Pure ASCII lets the receiver decode UTF-8 and JSON.parse over one-byte strings:
// V8 and Blink keep ASCII text one byte per character, and a single "…" in a batch would
// otherwise make the whole multi-megabyte message two bytes per character at both ends.

import type { ServerMessage } from "../../shared/web-protocol.js";

const NON_ASCII = /[\u0080-\uffff]/;
const NON_ASCII_ALL = /[\u0080-\uffff]/g;
const escapeChar = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

/** JSON.stringify, ASCII only (its length is its byte count). */
function asciiJson(value: unknown): string {
  const text = JSON.stringify(value);
  return NON_ASCII.test(text) ? text.replace(NON_ASCII_ALL, escapeChar) : text;
}

/**
 * A trace batch is stringified one event at a time, so only events with non-ASCII text are
 * escaped, and the pieces are copied once, straight into the message's bytes: a batch is
 * megabytes, and joining it into one string first would copy it twice more (the join, then
 * its UTF-8 encoding), each time into fresh memory.
 */
export function encodeServerMessage(m: ServerMessage): Buffer {
  if (m.type !== "trace") return Buffer.from(asciiJson(m), "latin1");
  const { events, ...batchFields } = m.batch;
  // The batch without its events: "{}", or e.g. {"reset":true,"header":{…}}.
  const rest = asciiJson(batchFields);
  const open = '{"type":"trace","batch":{"events":[';
  const close = `]${rest === "{}" ? "}" : `,${rest.slice(1)}`}}`;
  const parts = new Array<string>(events.length);
  let size = open.length + close.length + Math.max(0, events.length - 1);
  for (let i = 0; i < events.length; i++) size += (parts[i] = asciiJson(events[i])).length;
  const out = Buffer.allocUnsafe(size);
  let at = out.write(open, 0, "latin1");
  for (let i = 0; i < parts.length; i++) {
    if (i > 0) out[at++] = 0x2c; // ","
    at += out.write(parts[i] as string, at, "latin1");
  }
  out.write(close, at, "latin1");
  return out;
}
