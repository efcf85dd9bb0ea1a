// The text of a web-mode server message: JSON with every non-ASCII character written as a
// \u escape. Pure ASCII lets the receiver decode UTF-8 and JSON.parse over one-byte strings:
// V8 and Blink keep ASCII text one byte per character, and a single "…" in a batch would
// otherwise make the whole multi-megabyte message two bytes per character at both ends.

import type { ServerMessage } from "../../shared/web-protocol.js";

const NON_ASCII = /[\u0080-\uffff]/;
const NON_ASCII_ALL = /[\u0080-\uffff]/g;
const escapeChar = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

function asciiJson(value: unknown): string {
  const text = JSON.stringify(value);
  if (!NON_ASCII.test(text)) return text;
  // The escaped text is ASCII but still a two-byte string (pieces of `text` are), and joining
  // it with others would widen the whole message again: copy it into a one-byte string.
  return Buffer.from(text.replace(NON_ASCII_ALL, escapeChar), "latin1").toString("latin1");
}

/**
 * A trace batch is written one event at a time, so only events with non-ASCII text are
 * escaped. The frame comes out of one join as one flat string: a concatenation around the
 * join would be copied (flattened) once more when the socket measures and writes it.
 */
export function encodeServerMessage(m: ServerMessage): string {
  if (m.type !== "trace") return asciiJson(m);
  const { events, ...batchFields } = m.batch;
  // The batch without its events: "{}", or e.g. {"reset":true,"header":{…}}.
  const rest = asciiJson(batchFields);
  const open = '{"type":"trace","batch":{"events":[';
  const close = `]${rest === "{}" ? "}" : `,${rest.slice(1)}`}}`;
  if (events.length === 0) return open + close;
  const parts = new Array<string>(events.length);
  for (let i = 0; i < events.length; i++) parts[i] = asciiJson(events[i]);
  parts[0] = open + parts[0];
  parts[parts.length - 1] += close;
  return parts.join(",");
}
