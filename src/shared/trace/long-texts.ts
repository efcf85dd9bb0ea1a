// Long texts a trace repeats, written once. A 5,000-character message is in the sender's api
// args, its Socket.IO packet's data and encoded string and its engine packet's data, then in
// the same fields on the receiving side, and often in both ends' TCP bytes: ten copies or more
// of one text. In the file, a later copy is `null` in its place, and the event's `dup` names
// the earlier event and field that hold the text: `"dup":{"data":[12,"encoded"],"args.1":[9,"args.1"]}`.
// The reader puts the text back before anything else sees the event, so events in memory are
// exactly what the lab recorded.
//
// Only the fields that carry payloads are looked at (`TEXT_FIELDS`: a string, or the string
// elements of an array), only texts of LONG_TEXT characters or more, and only copies of an
// event at most DUP_WINDOW ids back: what a reader must keep is bounded, and any prefix of a
// file (a lab that stopped mid-write) still resolves, since a copy always names an earlier line.

import type { TraceEvent } from "./types.js";

/** Texts shorter than this are written as they are. */
export const LONG_TEXT = 1024;
/** A copy names an event at most this many ids before its own. */
export const DUP_WINDOW = 10_000;
/** The fields whose texts (a string, or an array's string elements) may be written once. */
export const TEXT_FIELDS = ["args", "bytes", "data", "encoded"] as const;
/** Distinct long texts, and characters in all, a writer remembers at once (the oldest are forgotten first). */
const MAX_REMEMBERED = 2048;
const MAX_REMEMBERED_CHARS = 16 * 1024 * 1024;

/** Where a long text is: a field (`data`) or an element of an array field (`args.1`), and the event. */
type Place = [id: number, path: string];

/** Calls `visit` for each long text of `fields` (an event), with its path. */
function eachLongText(fields: Record<string, unknown>, visit: (path: string, text: string, field: string, index: number) => void): void {
  for (const field of TEXT_FIELDS) {
    const v = fields[field];
    if (typeof v === "string") {
      if (v.length >= LONG_TEXT) visit(field, v, field, -1);
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const el = v[i];
        if (typeof el === "string" && el.length >= LONG_TEXT) visit(`${field}.${i}`, el, field, i);
      }
    }
  }
}

/**
 * Writes events as trace lines, each long text once (see above). Keeps state from line to
 * line: use one per file, in id order.
 */
export function createLineWriter(): (event: TraceEvent) => string {
  const seen = new Map<string, Place>();
  let chars = 0;
  return (event) => {
    const fields = event as unknown as Record<string, unknown>;
    let out: Record<string, unknown> | undefined;
    let dup: Record<string, Place> | undefined;
    eachLongText(fields, (path, text, field, index) => {
      const earlier = seen.get(text);
      if (earlier && earlier[0] >= event.id - DUP_WINDOW && earlier[0] < event.id) {
        out ??= { ...fields };
        if (index < 0) out[field] = null;
        else {
          // Copied once per field, then changed in place.
          if (out[field] === fields[field]) out[field] = (fields[field] as unknown[]).slice();
          (out[field] as unknown[])[index] = null;
        }
        (dup ??= {})[path] = earlier;
        return;
      }
      if (!seen.delete(text)) chars += text.length;
      seen.set(text, [event.id, path]);
      while (seen.size > MAX_REMEMBERED || chars > MAX_REMEMBERED_CHARS) {
        const oldest = seen.keys().next().value as string;
        seen.delete(oldest);
        chars -= oldest.length;
      }
    });
    if (!out) return JSON.stringify(event);
    out.dup = dup;
    return JSON.stringify(out);
  };
}

/** The text at `path` of an event (a field, or `field.index`), if it is a string. */
function textAt(fields: Record<string, unknown>, path: string): string | undefined {
  const dot = path.indexOf(".");
  const v = dot < 0 ? fields[path] : (fields[path.slice(0, dot)] as unknown[] | undefined);
  if (dot < 0) return typeof v === "string" ? v : undefined;
  const index = Number(path.slice(dot + 1));
  const el = Array.isArray(v) && Number.isInteger(index) ? v[index] : undefined;
  return typeof el === "string" ? el : undefined;
}

const isField = (name: string): boolean => (TEXT_FIELDS as readonly string[]).includes(name);

/**
 * Puts the long texts of the file back into its events, line by line, in order. `resolve`
 * takes a parsed event line and returns null when it is whole (its `dup` gone), or why it
 * cannot be: the file is then refused at that line.
 */
export function createLongTextReader(): (value: Record<string, unknown>) => string | null {
  /** Events that hold long texts, by id, the last DUP_WINDOW ids. */
  const holders = new Map<number, Record<string, unknown>>();
  return (value) => {
    const id = value.id;
    if (typeof id !== "number") return null; // the validator says what is wrong with it
    if ("dup" in value) {
      const dup = value.dup;
      if (typeof dup !== "object" || dup === null || Array.isArray(dup)) return '"dup" must be an object of field → [event id, field]';
      for (const [path, place] of Object.entries(dup as Record<string, unknown>)) {
        if (!Array.isArray(place) || place.length !== 2 || typeof place[0] !== "number" || typeof place[1] !== "string") return `"dup.${path}" must be [event id, field]`;
        const [from, fromPath] = place as Place;
        if (!(from < id && from >= id - DUP_WINDOW)) return `"dup.${path}" names event ${from}: a copy names one of the ${DUP_WINDOW} events before it`;
        const holder = holders.get(from);
        const text = holder ? textAt(holder, fromPath) : undefined;
        if (text === undefined || text.length < LONG_TEXT) return `"dup.${path}" names ${fromPath} of event ${from}, which holds no long text`;
        const dot = path.indexOf(".");
        const field = dot < 0 ? path : path.slice(0, dot);
        if (!isField(field)) return `"dup.${path}": only ${TEXT_FIELDS.join(", ")} can be copies`;
        if (dot < 0) {
          if (value[field] !== null) return `"dup.${path}": the field must be null in the file`;
          value[field] = text;
        } else {
          const arr = value[field];
          const index = Number(path.slice(dot + 1));
          if (!Array.isArray(arr) || !Number.isInteger(index) || index < 0 || index >= arr.length || arr[index] !== null) return `"dup.${path}": that element must be null in the file`;
          arr[index] = text;
        }
      }
      delete value.dup;
    }
    let holds = false;
    eachLongText(value, () => {
      holds = true;
    });
    if (holds) {
      holders.set(id, value);
      // Ids increase: the oldest holders come first.
      for (const old of holders.keys()) {
        if (old >= id - DUP_WINDOW) break;
        holders.delete(old);
      }
    }
    return null;
  };
}
