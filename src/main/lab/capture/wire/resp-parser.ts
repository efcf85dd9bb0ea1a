// RESP (REdis Serialization Protocol, versions 2 and 3) over one TCP connection to Redis:
// each complete value in either direction becomes one `resp` wire unit, a command the client
// wrote (an array of bulk strings) or a reply or pushed message the server sent. Sans-I/O:
// fed bytes, returns units. Knows nothing of Socket.IO or of what the adapters put in bodies.

import { ByteQueue } from "./byte-queue";
import { clip, PREVIEW_MAX } from "./preview";
import { MAX_PAYLOAD_BYTES, type StreamDir, type WireParser, type WireUnitParsed } from "./types";

/** RESP type bytes, by name (RESP3 adds everything after `array`). */
const TYPES: Readonly<Record<string, string>> = {
  "+": "simple",
  "-": "error",
  ":": "integer",
  $: "bulk",
  "*": "array",
  _: "null",
  ",": "double",
  "#": "boolean",
  "(": "big-number",
  "!": "bulk-error",
  "=": "verbatim",
  "%": "map",
  "~": "set",
  ">": "push",
  "|": "attribute",
};
const AGGREGATES = new Set(["array", "map", "set", "push", "attribute"]);
/** Most elements one aggregate may announce (a peer announcing billions must not cost memory). */
const MAX_ITEMS = 1 << 20;

/** One decoded value: strings are kept as bytes (bodies are often binary, msgpack say). */
type Value =
  | { t: "text"; type: string; text: string }
  | { t: "bytes"; type: string; bytes: Buffer }
  | { t: "null"; type: string }
  | { t: "list"; type: string; items: Value[] };

class Incomplete extends Error {}
class Malformed extends Error {}

/** Reads one value at `pos` of `buf`; throws Incomplete when the bytes end before it does. */
function readValue(buf: Buffer, pos: number): { value: Value; end: number } {
  if (pos >= buf.length) throw new Incomplete();
  const lineEnd = buf.indexOf("\r\n", pos, "latin1");
  if (lineEnd < 0) {
    if (buf.length - pos > 64 * 1024) throw new Malformed("a RESP line longer than 64 KiB");
    throw new Incomplete();
  }
  const marker = String.fromCharCode(buf[pos]!);
  const type = TYPES[marker];
  if (!type) throw new Malformed(`unknown RESP type byte 0x${buf[pos]!.toString(16).padStart(2, "0")}`);
  const line = buf.toString("utf8", pos + 1, lineEnd);
  const next = lineEnd + 2;
  if (type === "null") return { value: { t: "null", type }, end: next };
  if (type === "bulk" || type === "bulk-error" || type === "verbatim") {
    const n = Number(line);
    if (!Number.isInteger(n) || n < -1 || n > MAX_PAYLOAD_BYTES) throw new Malformed(`bad ${type} length ${JSON.stringify(line.slice(0, 20))}`);
    if (n === -1) return { value: { t: "null", type: "null" }, end: next };
    if (buf.length < next + n + 2) throw new Incomplete();
    if (buf[next + n] !== 0x0d || buf[next + n + 1] !== 0x0a) throw new Malformed(`${type} of ${n} bytes not followed by CRLF`);
    return { value: { t: "bytes", type, bytes: buf.subarray(next, next + n) }, end: next + n + 2 };
  }
  if (AGGREGATES.has(type)) {
    const n = Number(line);
    if (!Number.isInteger(n) || n < -1 || n > MAX_ITEMS) throw new Malformed(`bad ${type} length ${JSON.stringify(line.slice(0, 20))}`);
    if (n === -1) return { value: { t: "null", type: "null" }, end: next };
    const count = type === "map" || type === "attribute" ? 2 * n : n;
    const items: Value[] = [];
    let at = next;
    for (let i = 0; i < count; i++) {
      const r = readValue(buf, at);
      items.push(r.value);
      at = r.end;
    }
    return { value: { t: "list", type, items }, end: at };
  }
  return { value: { t: "text", type, text: line }, end: next };
}

const isPrintable = (b: Buffer): boolean => {
  for (const byte of b) if (byte < 0x20 || byte > 0x7e) return false;
  return true;
};

/** A value as redis-cli would show it, shortened: binary bodies as `<N bytes>`. */
function show(v: Value): string {
  switch (v.t) {
    case "null":
      return "(nil)";
    case "text":
      return v.type === "error" ? `(error) ${v.text}` : v.type === "integer" ? `(integer) ${v.text}` : v.text;
    case "bytes":
      if (!isPrintable(v.bytes)) return `<${v.bytes.length} bytes>`;
      return v.bytes.length > 0 && !v.bytes.includes(0x20) && !v.bytes.includes(0x22) ? v.bytes.toString("latin1") : JSON.stringify(v.bytes.toString("latin1"));
    case "list": {
      let out = "";
      for (const item of v.items) {
        if (out.length > PREVIEW_MAX) break;
        out += (out ? " " : "") + show(item);
      }
      return v.items.length === 0 ? "(empty)" : out;
    }
  }
}

/** The first element of an array of strings: a command's name, or a pushed message's kind. */
function head(v: Value): string | undefined {
  if (v.t !== "list") return undefined;
  const first = v.items[0];
  if (!first) return undefined;
  if (first.t === "bytes" && isPrintable(first.bytes)) return first.bytes.toString("latin1");
  if (first.t === "text") return first.text;
  return undefined;
}

/**
 * A parser for one connection to Redis; `role` is this end's (`client`: commands go out,
 * replies come in). After malformed bytes a direction is not parsed further: the rest is one
 * unit with `error: "unparsed"` at the end.
 */
export function createRespParser(role: "client" | "server"): WireParser {
  const queues: Record<StreamDir, ByteQueue> = { out: new ByteQueue(), in: new ByteQueue() };
  const broken: Record<StreamDir, boolean> = { out: false, in: false };
  const commandDir: StreamDir = role === "client" ? "out" : "in";

  const unit = (dir: StreamDir, length: number, fields: Partial<WireUnitParsed>): WireUnitParsed => {
    const offset = queues[dir].consume(length);
    return { kind: "resp", dir, offset, length, headerLength: 0, preview: "", packets: [], ...fields };
  };

  return {
    sid: undefined,
    feed(dir, chunk) {
      const q = queues[dir];
      q.push(chunk);
      const units: WireUnitParsed[] = [];
      while (!broken[dir] && q.length > 0) {
        const buf = q.view();
        let r: { value: Value; end: number };
        try {
          r = readValue(buf, 0);
        } catch (err) {
          if (err instanceof Incomplete) break;
          broken[dir] = true;
          units.push(unit(dir, q.length, { respType: "unparsed", preview: clip(`<${q.length} bytes>`), error: (err as Error).message }));
          return units;
        }
        const v = r.value;
        const name = head(v);
        const command = name === undefined ? undefined : dir === commandDir ? name.toUpperCase() : name;
        const firstLine = buf.indexOf("\r\n", 0, "latin1") + 2;
        units.push(
          unit(dir, r.end, {
            respType: v.type,
            headerLength: v.t === "list" || v.t === "bytes" ? firstLine : 0,
            preview: clip(show(v)),
            ...(command !== undefined ? { command } : {}),
            ...(v.t === "list" ? { items: v.type === "map" || v.type === "attribute" ? v.items.length / 2 : v.items.length } : {}),
          }),
        );
      }
      if (broken[dir] && q.length > 0) units.push(unit(dir, q.length, { respType: "unparsed", preview: clip(`<${q.length} bytes>`), error: "unparsed" }));
      return units;
    },
    end() {
      const units: WireUnitParsed[] = [];
      for (const dir of ["out", "in"] as const) {
        const q = queues[dir];
        if (q.length > 0) units.push(unit(dir, q.length, { respType: "incomplete", preview: clip(`<${q.length} bytes>`), error: "incomplete" }));
      }
      return units;
    },
  };
}
