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

/** A place in an event: one of TEXT_FIELDS, or a whole-number index into it (`args.1`); null for anything else. */
function parsePath(path: string): { field: string; index: number } | null {
  const dot = path.indexOf(".");
  const field = dot < 0 ? path : path.slice(0, dot);
  if (!(TEXT_FIELDS as readonly string[]).includes(field)) return null;
  if (dot < 0) return { field, index: -1 };
  const digits = path.slice(dot + 1);
  return /^(0|[1-9]\d{0,6})$/.test(digits) ? { field, index: Number(digits) } : null;
}

/** The text at `place` of an event, if it is a string. */
function textAt(fields: Record<string, unknown>, place: { field: string; index: number }): string | undefined {
  const v = fields[place.field];
  const el = place.index < 0 ? v : Array.isArray(v) ? v[place.index] : undefined;
  return typeof el === "string" ? el : undefined;
}

/** A path as an error message shows it (a hostile file's keys can be long). */
const shown = (path: string): string => (path.length > 40 ? `${path.slice(0, 40)}…` : path);

/** Texts put back may be this many times the characters read, plus MAX_RESTORED_EXTRA, before a file is refused. */
const MAX_RESTORED_RATIO = 32;
const MAX_RESTORED_EXTRA = 64 * 1024 * 1024;

/**
 * Puts the long texts of the file back into its events, line by line, in order. `resolve`
 * takes a parsed event line (and the length of its text) and returns null when it is whole
 * (its `dup` gone), or why it cannot be: the file is then refused at that line.
 *
 * A copy must name a text written in full (the writer never names a copy), and what is put back
 * is bounded by what was read: a crafted file cannot make a small file restore gigabytes.
 */
export function createLongTextReader(): (value: Record<string, unknown>, lineLength: number) => string | null {
  /** Events that hold long texts, by id, the last DUP_WINDOW ids, with the places that were copies. */
  const holders = new Map<number, { event: Record<string, unknown>; copies: Set<string> | undefined }>();
  let read = 0;
  let restored = 0;
  return (value, lineLength) => {
    read += lineLength;
    const id = value.id;
    if (typeof id !== "number") return null; // the validator says what is wrong with it
    let copies: Set<string> | undefined;
    if ("dup" in value) {
      const dup = value.dup;
      if (typeof dup !== "object" || dup === null || Array.isArray(dup)) return '"dup" must be an object of field → [event id, field]';
      for (const [path, place] of Object.entries(dup as Record<string, unknown>)) {
        if (!Array.isArray(place) || place.length !== 2 || typeof place[0] !== "number" || typeof place[1] !== "string") return `"dup.${shown(path)}" must be [event id, field]`;
        const [from, fromPath] = place as Place;
        const here = parsePath(path);
        if (!here) return `"dup.${shown(path)}": only ${TEXT_FIELDS.join(", ")} (or an element of one) can be copies`;
        if (!(from < id && from >= id - DUP_WINDOW)) return `"dup.${shown(path)}" names event ${from}: a copy names one of the ${DUP_WINDOW} events before it`;
        const there = parsePath(fromPath);
        const holder = there ? holders.get(from) : undefined;
        const text = holder && there ? textAt(holder.event, there) : undefined;
        if (text === undefined || text.length < LONG_TEXT) return `"dup.${shown(path)}" names ${shown(fromPath)} of event ${from}, which holds no long text`;
        if (holder?.copies?.has(fromPath)) return `"dup.${shown(path)}" names ${shown(fromPath)} of event ${from}, itself a copy: a copy names the text where it is written in full`;
        restored += text.length;
        if (restored > MAX_RESTORED_EXTRA + MAX_RESTORED_RATIO * read) return `the copies of long texts ("dup") up to here restore ${restored.toLocaleString("en")} characters from a file of ${read.toLocaleString("en")}: more than any trace holds`;
        const arr = value[here.field];
        if (here.index < 0) {
          if (arr !== null) return `"dup.${shown(path)}": the field must be null in the file`;
          value[here.field] = text;
        } else {
          if (!Array.isArray(arr) || here.index >= arr.length || arr[here.index] !== null) return `"dup.${shown(path)}": that element must be null in the file`;
          arr[here.index] = text;
        }
        (copies ??= new Set()).add(path);
      }
      delete value.dup;
    }
    let holds = false;
    eachLongText(value, () => {
      holds = true;
    });
    if (holds) {
      holders.set(id, { event: value, copies });
      // Ids increase: the oldest holders come first.
      for (const old of holders.keys()) {
        if (old >= id - DUP_WINDOW) break;
        holders.delete(old);
      }
    }
    return null;
  };
}
