// Records in binary, on their way to the capture worker. A probe's record is written into a
// plain byte buffer the moment it is queued (a copy of its bytes and fields, nothing else); every
// few milliseconds the bytes written are handed over as one ArrayBuffer (transferred, not
// cloned), and the worker reads the same records back, field for field. This replaces a
// structured clone of a batch of objects, which cost Socket.IO's thread more than the probes.
// The records the probes make most are not even made there: the queue writes their fields
// (`tcpBytes`, `enginePacket` and the rest), and the reader makes the record.
//
// The format is a small tagged one: each value starts with a tag byte. An object's keys are
// sent once per shape (its keys in order, as the probes' object literals make them), then the
// shape is named by number and only the values follow. Short strings in a field (kinds, hosts,
// namespaces, socket ids) are sent once and then named by number too, the reader keeping the
// same tables; a field whose strings keep being new (a packet's data) and an array's items are
// sent as they are. Text is sent as Latin-1 bytes when every code unit fits, else
// as its UTF-16 code units (exact, lone surrogates included). Buffers, Uint8Arrays and
// ArrayBuffers keep their type. Dates, Maps, Sets, errors and other typed arrays go through
// v8.serialize. A value none of these can carry (a function, a symbol) makes `write` throw
// `NotEncodable`, having written nothing.

import { deserialize, serialize } from "node:v8";

const T_UNDEFINED = 0;
const T_NULL = 1;
const T_FALSE = 2;
const T_TRUE = 3;
const T_INT = 4;
const T_FLOAT = 5;
const T_LATIN1 = 6;
const T_UTF16 = 7;
/** A string named by its number in the table. */
const T_NAMED = 8;
/** A string given a number in the table as it is sent (Latin-1). */
const T_NAMING = 9;
const T_BUFFER = 10;
const T_UINT8 = 11;
const T_ARRAYBUFFER = 12;
const T_ARRAY = 13;
/** An object with its keys: how many, each key and value, then 1 if this numbered its shape (0: an object inside had, first). */
const T_OBJECT = 14;
const T_V8 = 15;
/** An object of a shape sent before: its number, then its values in the shape's key order. */
const T_SHAPED = 16;
/**
 * A record of one of the `LAYOUTS`: its number, then its fields' values in order (its `kind`
 * left out). As a record's first byte, in place of its capture's name (the layout says it).
 */
const T_LAID_OUT = 17;
/** A field a laid-out record does not have (an optional one left out, not one set to undefined). */
const T_ABSENT = 18;
/** The last string sent as it is, again (a packet's string, then the engine packet that carries it). */
const T_SAME_TEXT = 19;
/**
 * The records a probe hands over without making them (`RecordWriter.tcpBytes` and the rest),
 * as a record's first byte: each its own fixed order of fields, read back into the object the
 * probe would have made on Socket.IO's thread.
 */
const T_TCP_READ = 20;
const T_TCP_WRITE = 21;
const T_TCP_SETTLED = 22;
const T_ENGINE_PACKET = 23;
const T_SIO_ENCODE = 24;
const T_SIO_ADD = 25;

/**
 * The records the probes make most (per acked emit over WebSocket: four engine packets, four
 * TCP writes, two settles, two encodes, two decoder inputs, the api records), by capture name
 * and kind, with every field their types allow, in the order the probes write them. Such a
 * record is written field by field, without looking up its keys. A field not listed here would
 * be lost: the record types (socket-probe.ts, engine-probe.ts, traced-parser.ts,
 * api-capture.ts) and this list change together, and a test sends a lab's real records through.
 */
const LAYOUTS: readonly { name: string; kind: string; fields: readonly string[] }[] = [
  { name: "tcp", kind: "read", fields: ["kind", "t", "bytes"] },
  { name: "tcp", kind: "write", fields: ["kind", "t", "write", "bytes"] },
  { name: "tcp", kind: "settled", fields: ["kind", "t", "write", "first", "error"] },
  { name: "engine", kind: "packet", fields: ["kind", "t", "host", "dir", "sid", "transport", "type", "data"] },
  { name: "socketio", kind: "encode", fields: ["kind", "t", "host", "side", "session", "out"] },
  { name: "socketio", kind: "add", fields: ["kind", "t", "host", "decoder", "input"] },
  { name: "api", kind: "call", fields: ["kind", "host", "nsp", "socketId", "sid", "event", "callee", "attempt", "side"] },
  { name: "api", kind: "receive", fields: ["kind", "ref", "host", "nsp", "socketId", "sid", "event", "args", "withCallback", "side"] },
  { name: "api", kind: "ack-send", fields: ["kind", "host", "nsp", "socketId", "reply", "receive"] },
  { name: "api", kind: "ack-receive", fields: ["kind", "ref", "host", "nsp", "token", "reply", "timedOut"] },
  { name: "api", kind: "bind", fields: ["kind", "host", "token"] },
  { name: "api", kind: "unbind", fields: ["kind", "host", "token"] },
  { name: "api", kind: "log", fields: ["kind", "host", "text", "ref"] },
];

/** A layout as the writer uses it. */
interface Layout {
  id: number;
  name: string;
  /** Its fields after `kind` (the layout's number says the kind). */
  fields: readonly string[];
  /** One per field: the field's string cache (see `RecordWriter.field`). */
  slots: ShapeNode[];
  /** It carries the record's `t`, so the record's time need not be sent again. */
  hasTime: boolean;
}

/** The layouts by kind (no two layouts share one), for the writer's one look-up. */
function layoutsByKind(): Map<string, Layout> {
  const out = new Map<string, Layout>();
  LAYOUTS.forEach((layout, id) => {
    if (layout.fields[0] !== "kind" || out.has(layout.kind)) throw new Error(`record layout ${layout.name}/${layout.kind}: kind must come first and be unique`);
    const fields = layout.fields.slice(1);
    out.set(layout.kind, { id, name: layout.name, fields, slots: fields.map(() => new ShapeNode()), hasTime: fields.includes("t") });
  });
  return out;
}

/** Strings up to this length are named once and then referred to by number. */
const MAX_NAMED_LENGTH = 40;
/** How many strings the table names at most (then strings are sent as they are). */
const MAX_NAMES = 16_384;
/** A field that named more strings than this holds payloads: its strings are no longer named. */
const MAX_NAMES_PER_FIELD = 64;
/** Nesting past this is refused (NotEncodable; the record then goes as its plain copy, which sanitize.ts cuts at 32 levels). */
const MAX_DEPTH = 64;
const MIN_CAPACITY = 64 * 1024;

export class NotEncodable extends Error {}

/**
 * Object shapes the writer has sent, as a tree of keys in order (as V8's hidden classes are
 * made): one step per key, the last key's node numbered once the whole shape was sent.
 */
class ShapeNode {
  /** The one key seen after this one, and where it leads (most shapes branch nowhere). */
  key: string | undefined;
  next: ShapeNode | undefined;
  more: Map<string, ShapeNode> | undefined;
  /** This shape's number, once sent; -1 while the reader does not know it. */
  id = -1;
  /** The number of the string last written in this field (-1: none): the next is likely the same. */
  lastName = -1;
  /** How many strings this field named; past a few it holds payloads, sent as they are (`payload`). */
  distinct = 0;
  payload = false;

  step(key: string): ShapeNode | undefined {
    return this.key === key ? this.next : this.more?.get(key);
  }

  grow(key: string): ShapeNode {
    const known = this.step(key);
    if (known) return known;
    const node = new ShapeNode();
    if (this.key === undefined) {
      this.key = key;
      this.next = node;
    } else (this.more ??= new Map()).set(key, node);
    return node;
  }
}

const objectProto = Object.prototype;
const notLatin1 = /[^\u0000-\u00ff]/;

/** Writes records; `take()` hands over what was written since the last take. */
export class RecordWriter {
  /** The bytes as a plain Uint8Array (the fastest to write byte by byte), and views of them as a Buffer (text) and a DataView (numbers). */
  private bytes = new Uint8Array(MIN_CAPACITY);
  private buffer = Buffer.from(this.bytes.buffer);
  private view = new DataView(this.bytes.buffer);
  private at = 0;
  private readonly names = new Map<string, number>();
  /** Each named string by its number (numbers are given in order, so a record that fails forgets those from where it began). */
  private readonly nameOf: string[] = [];
  private readonly shapes = new ShapeNode();
  /** Each numbered shape by its number, likewise. */
  private readonly shapeOf: ShapeNode[] = [];
  /** Records written since the last take. */
  count = 0;
  /** The capture's name and whom the record is for, as fields of every record (see `field`). */
  private readonly nameField = new ShapeNode();
  private readonly toField = new ShapeNode();
  /** The fields of the records handed over unmade (`tcpBytes` and the rest). */
  private readonly errorField = new ShapeNode();
  private readonly hostField = new ShapeNode();
  private readonly sidField = new ShapeNode();
  private readonly transportField = new ShapeNode();
  private readonly typeField = new ShapeNode();
  private readonly layouts = layoutsByKind();
  /** The last string sent as it is (T_LATIN1, T_UTF16): the reader keeps it too. */
  private lastText: string | undefined;

  /** Writes one record: the name of the capture that applies it, whom it is for, when it happened, then the record. */
  write(name: string, to: string | undefined, time: number, record: unknown): void {
    this.begin();
    try {
      const kind = typeof record === "object" && record !== null ? (record as { kind?: unknown }).kind : undefined;
      let layout = typeof kind === "string" ? this.layouts.get(kind) : undefined;
      if (layout && (layout.name !== name || Object.getPrototypeOf(record) !== objectProto)) layout = undefined;
      if (layout) {
        this.reserve(2);
        this.bytes[this.at++] = T_LAID_OUT;
        this.bytes[this.at++] = layout.id;
      } else this.field(this.nameField, name);
      if (to === undefined) this.tag(T_UNDEFINED);
      else this.field(this.toField, to);
      if (layout) this.laidOut(layout, record as Record<string, unknown>);
      else this.value(record, 0);
      // When it happened: most records say it themselves (their `t`).
      if (layout?.hasTime && (record as { t?: unknown }).t === time) this.tag(T_UNDEFINED);
      else {
        this.reserve(9);
        this.bytes[this.at++] = T_FLOAT;
        this.view.setFloat64(this.at, time);
        this.at += 8;
      }
    } catch (err) {
      this.undo();
      throw err;
    }
    this.count++;
  }

  /** A TCP record of bytes read (`write` 0) or written (`write`: its number), for connection `to`, at time `t`. */
  tcpBytes(to: string, write: number, t: number, bytes: Uint8Array): void {
    this.tag(write === 0 ? T_TCP_READ : T_TCP_WRITE);
    this.field(this.toField, to);
    this.reserve(18 + bytes.byteLength);
    this.view.setFloat64(this.at, t);
    this.at += 8;
    if (write !== 0) this.uint(write);
    this.uint(bytes.byteLength);
    this.bytes.set(bytes, this.at);
    this.at += bytes.byteLength;
    this.count++;
  }

  /** A TCP `settled` record: write `write` (and those from `first`) left, or never did (`error`). */
  tcpSettled(to: string, t: number, write: number, first: number | undefined, error: string | undefined): void {
    this.tag(T_TCP_SETTLED);
    this.field(this.toField, to);
    this.reserve(19);
    this.view.setFloat64(this.at, t);
    this.at += 8;
    this.bytes[this.at++] = (first !== undefined ? 1 : 0) | (error !== undefined ? 2 : 0);
    this.uint(write);
    if (first !== undefined) this.uint(first);
    if (error !== undefined) this.field(this.errorField, error);
    this.count++;
  }

  /** An Engine.IO `packet` record: created (`out`) or received by the session `sid` of `host`. False (nothing written) if its data cannot go so. */
  enginePacket(t: number, host: string, out: boolean, sid: string | undefined, transport: string | undefined, type: string, data: unknown): boolean {
    this.begin();
    try {
      this.head(T_ENGINE_PACKET, t, 1);
      this.bytes[this.at++] = out ? 1 : 0;
      this.field(this.hostField, host);
      this.maybeField(this.sidField, sid);
      this.maybeField(this.transportField, transport);
      this.field(this.typeField, type);
      if (out) this.payload(data);
      else this.received(data);
    } catch (err) {
      return this.refused(err);
    }
    this.count++;
    return true;
  }

  /** A Socket.IO `encode` record: what `host`'s encoder made of a packet (strings, and copies of its attachments). False as `enginePacket`. */
  socketioEncode(t: number, host: string, side: "server" | "client", session: string | undefined, out: readonly unknown[]): boolean {
    this.begin();
    try {
      this.head(T_SIO_ENCODE, t, 6);
      this.bytes[this.at++] = side === "server" ? 1 : 0;
      this.uint(out.length);
      this.field(this.hostField, host);
      this.maybeField(this.sidField, session);
      // A packet with attachments: its string, then a copy of each attachment (see `received`).
      if (out.length === 1) this.payload(out[0]);
      else for (let i = 0; i < out.length; i++) this.received(out[i]);
    } catch (err) {
      return this.refused(err);
    }
    this.count++;
    return true;
  }

  /** A Socket.IO `add` record: decoder `decoder` of `host` was fed `input`. False as `enginePacket`. */
  socketioAdd(t: number, host: string, decoder: number, input: unknown): boolean {
    this.begin();
    try {
      this.head(T_SIO_ADD, t, 5);
      this.uint(decoder);
      this.field(this.hostField, host);
      this.received(input);
    } catch (err) {
      return this.refused(err);
    }
    this.count++;
    return true;
  }

  /** A record handed over unmade that its data made fail: nothing of it stays; false if the data cannot go so (the queue then sends the record made), else the error. */
  private refused(err: unknown): false {
    this.undo();
    if (err instanceof NotEncodable) return false;
    throw err;
  }

  /** The first byte of a record handed over unmade, then its time; room for `more` bytes after. */
  private head(tag: number, t: number, more: number): void {
    this.reserve(9 + more);
    this.bytes[this.at++] = tag;
    this.view.setFloat64(this.at, t);
    this.at += 8;
  }

  /** Data as the probe had it: a string as it is (or as the last one again), anything else by its type. */
  private payload(v: unknown): void {
    if (typeof v === "string") this.text(v);
    else this.value(v, 1);
  }

  /**
   * Data the application still holds, as the record made on Socket.IO's thread keeps it (a copy,
   * record-queue.ts `copyOfReceived`): a view of bytes of any type as a Buffer, the rest by its type.
   */
  private received(v: unknown): void {
    if (ArrayBuffer.isView(v) && !Buffer.isBuffer(v)) this.binary(T_BUFFER, new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    else this.payload(v);
  }

  /** A string in its field, or undefined. */
  private maybeField(node: ShapeNode, s: string | undefined): void {
    if (s === undefined) this.tag(T_UNDEFINED);
    else this.field(node, s);
  }

  /** The fields of a record of a known layout (its number written first), each value in turn, strings in their field (see `field`). */
  private laidOut(layout: Layout, record: Record<string, unknown>): void {
    const { fields, slots } = layout;
    for (let i = 0; i < fields.length; i++) {
      const v = record[fields[i]!];
      if (typeof v === "string") this.field(slots[i]!, v);
      else if (v === undefined && !(fields[i]! in record)) this.tag(T_ABSENT);
      else this.value(v, 1);
    }
  }

  /** Where the record being written began: the bytes, names, shapes and last text it may give, forgotten if it is refused (`undo`). */
  private began = { at: 0, names: 0, shapes: 0, lastText: undefined as string | undefined };

  private begin(): void {
    const b = this.began;
    b.at = this.at;
    b.names = this.nameOf.length;
    b.shapes = this.shapeOf.length;
    b.lastText = this.lastText;
  }

  /** Nothing of a refused record stays: the bytes, and the names, shapes and text it gave (the reader never saw them). */
  private undo(): void {
    const { at, names, shapes, lastText } = this.began;
    this.at = at;
    this.lastText = lastText;
    if (this.nameOf.length > names) {
      for (let i = names; i < this.nameOf.length; i++) this.names.delete(this.nameOf[i]!);
      this.nameOf.length = names;
    }
    if (this.shapeOf.length > shapes) {
      for (let i = shapes; i < this.shapeOf.length; i++) this.shapeOf[i]!.id = -1;
      this.shapeOf.length = shapes;
    }
  }

  /** How many bytes were written since the last take. */
  get size(): number {
    return this.at;
  }

  /** The bytes written since the last take, as an ArrayBuffer of their own (to transfer); undefined if none. */
  take(): ArrayBuffer | undefined {
    if (this.at === 0) return undefined;
    const out = new ArrayBuffer(this.at);
    new Uint8Array(out).set(this.bytes.subarray(0, this.at));
    this.at = 0;
    this.count = 0;
    return out;
  }

  private reserve(n: number): void {
    if (this.at + n <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < this.at + n) capacity *= 2;
    const bigger = new Uint8Array(capacity);
    bigger.set(this.bytes.subarray(0, this.at));
    this.bytes = bigger;
    this.buffer = Buffer.from(bigger.buffer);
    this.view = new DataView(bigger.buffer);
  }

  private tag(t: number): void {
    this.reserve(1);
    this.bytes[this.at++] = t;
  }

  /** A count or a number in a table: 7 bits a byte, low first (room for 5 reserved). */
  private uint(n: number): void {
    const bytes = this.bytes;
    let at = this.at;
    while (n >= 0x80) {
      bytes[at++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    bytes[at++] = n;
    this.at = at;
  }

  /**
   * A string in field `node` of a shape: the string named last in that field is checked first
   * (the same host, namespace or socket id, record after record), saving a look-up in the table.
   */
  private field(node: ShapeNode, s: string): void {
    if (node.payload) return this.text(s);
    const last = node.lastName;
    if (last >= 0 && this.nameOf[last] === s) return this.named(last);
    const names = this.nameOf.length;
    node.lastName = this.string(s);
    // A field whose strings keep being new (a packet's data, a log's text) holds payloads, not names.
    if (this.nameOf.length > names && ++node.distinct > MAX_NAMES_PER_FIELD) node.payload = true;
  }

  private named(n: number): void {
    this.reserve(6);
    this.bytes[this.at++] = T_NAMED;
    this.uint(n);
  }

  /** Writes a string as it is, never named (a payload: an array's items, a field of payloads). */
  private text(s: string): void {
    if (s === this.lastText) return this.tag(T_SAME_TEXT);
    this.unnamed(s);
  }

  /** Writes a string; returns its number in the table, -1 if it was sent as it is. */
  private string(s: string): number {
    if (s.length <= MAX_NAMED_LENGTH) {
      const n = this.names.get(s);
      if (n !== undefined) {
        this.named(n);
        return n;
      }
      if (this.nameOf.length < MAX_NAMES && !notLatin1.test(s)) {
        const id = this.nameOf.length;
        this.names.set(s, id);
        this.nameOf.push(s);
        this.reserve(6 + s.length);
        this.bytes[this.at++] = T_NAMING;
        this.latin1(s);
        return id;
      }
    }
    this.unnamed(s);
    return -1;
  }

  /** A string sent as it is (it becomes the last text, for T_SAME_TEXT): Latin-1 where every code unit fits, else UTF-16. */
  private unnamed(s: string): void {
    this.lastText = s;
    const n = s.length;
    if (n < 64) {
      // Short: copied at once, falling back to UTF-16 at the first code unit past Latin-1.
      this.reserve(2 + n);
      const bytes = this.bytes;
      const start = this.at;
      bytes[start] = T_LATIN1;
      bytes[start + 1] = n;
      let at = start + 2;
      for (let i = 0; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c > 0xff) {
          this.at = start;
          return this.utf16(s);
        }
        bytes[at++] = c;
      }
      this.at = at;
      return;
    }
    if (notLatin1.test(s)) return this.utf16(s);
    this.reserve(6 + n);
    this.bytes[this.at++] = T_LATIN1;
    this.latin1(s);
  }

  private utf16(s: string): void {
    this.reserve(6 + s.length * 2);
    this.bytes[this.at++] = T_UTF16;
    this.uint(s.length * 2);
    this.at += this.buffer.write(s, this.at, "utf16le");
  }

  /** Length, then the Latin-1 bytes of a string known to fit (room reserved). */
  private latin1(s: string): void {
    const n = s.length;
    this.uint(n);
    if (n < 32) {
      const bytes = this.bytes;
      let at = this.at;
      for (let i = 0; i < n; i++) bytes[at++] = s.charCodeAt(i);
      this.at = at;
    } else this.at += this.buffer.write(s, this.at, "latin1");
  }

  private binary(t: number, data: Uint8Array): void {
    this.reserve(6 + data.byteLength);
    this.bytes[this.at++] = t;
    this.uint(data.byteLength);
    this.bytes.set(data, this.at);
    this.at += data.byteLength;
  }

  private value(v: unknown, depth: number): void {
    switch (typeof v) {
      case "string":
        this.text(v);
        return;
      case "number":
        if ((v | 0) === v && (v !== 0 || 1 / v > 0)) {
          this.reserve(5);
          this.bytes[this.at++] = T_INT;
          this.view.setInt32(this.at, v);
          this.at += 4;
        } else {
          this.reserve(9);
          this.bytes[this.at++] = T_FLOAT;
          this.view.setFloat64(this.at, v);
          this.at += 8;
        }
        return;
      case "boolean":
        this.tag(v ? T_TRUE : T_FALSE);
        return;
      case "undefined":
        this.tag(T_UNDEFINED);
        return;
      case "object":
        if (v === null) this.tag(T_NULL);
        else this.object(v, depth);
        return;
      case "bigint":
        this.v8(v);
        return;
      default:
        throw new NotEncodable(`a ${typeof v} cannot be sent to the capture worker`);
    }
  }

  private object(v: object, depth: number): void {
    if (depth > MAX_DEPTH) throw new NotEncodable("nested too deep for the capture worker");
    if (Array.isArray(v)) {
      this.reserve(6);
      this.bytes[this.at++] = T_ARRAY;
      this.uint(v.length);
      for (let i = 0; i < v.length; i++) this.value(v[i], depth + 1);
      return;
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto === objectProto || proto === null) {
      this.fields(v as Record<string, unknown>, depth);
      return;
    }
    if (Buffer.isBuffer(v)) return this.binary(T_BUFFER, v);
    if (proto === Uint8Array.prototype) return this.binary(T_UINT8, v as Uint8Array);
    if (v instanceof ArrayBuffer) return this.binary(T_ARRAYBUFFER, new Uint8Array(v));
    if (ArrayBuffer.isView(v) || v instanceof Date || v instanceof Map || v instanceof Set || v instanceof RegExp || v instanceof Error || v instanceof SharedArrayBuffer) {
      this.v8(v);
      return;
    }
    // Any other object goes as its own enumerable fields, as a structured clone takes it.
    this.fields(v as Record<string, unknown>, depth);
  }

  /** An object's own enumerable fields: by its shape's number if it has a known one, else keys and values (numbering the shape). */
  private fields(v: Record<string, unknown>, depth: number): void {
    // The shape is looked up before any value is written: an object inside may be of a shape
    // numbered as it is written, after the reader would have needed the number.
    const keys = Object.keys(v);
    let node: ShapeNode | undefined = this.shapes;
    for (let i = 0; i < keys.length && node !== undefined; i++) node = node.step(keys[i]!);
    if (node === undefined || node.id < 0) return this.keyed(v, depth);
    this.reserve(6);
    this.bytes[this.at++] = T_SHAPED;
    this.uint(node.id);
    node = this.shapes;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      node = node.step(key)!;
      const value = v[key];
      if (typeof value === "string") this.field(node, value);
      else this.value(value, depth + 1);
    }
  }

  private keyed(v: Record<string, unknown>, depth: number): void {
    const keys = Object.keys(v);
    this.reserve(6);
    this.bytes[this.at++] = T_OBJECT;
    this.uint(keys.length);
    let node = this.shapes;
    for (const key of keys) {
      node = node.grow(key);
      this.string(key);
      const value = v[key];
      if (typeof value === "string") this.field(node, value);
      else this.value(value, depth + 1);
    }
    // Numbered once (an object inside may have had the same keys): one byte tells the reader whether this one was.
    const numbered = node.id < 0;
    if (numbered) {
      node.id = this.shapeOf.length;
      this.shapeOf.push(node);
    }
    this.tag(numbered ? 1 : 0);
  }

  private v8(v: unknown): void {
    let bytes: Buffer;
    try {
      bytes = serialize(v);
    } catch (err) {
      throw new NotEncodable((err as Error)?.message ?? String(err));
    }
    this.binary(T_V8, bytes);
  }
}

/** Sets a field; one named __proto__ (JSON.parse makes one) stays a field, as in a structured clone. */
function field(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

/** Reads what a `RecordWriter` wrote, batch after batch, in the order written (it keeps the writer's table of names). */
export class RecordReader {
  private readonly names: string[] = [];
  private readonly shapes: string[][] = [];
  private lastText: string | undefined;
  private bytes = Buffer.alloc(0);
  private view = new DataView(new ArrayBuffer(0));
  private at = 0;

  /** Calls `each` for every record in `batch`, in order. */
  read(batch: ArrayBuffer, each: (name: string, to: string | undefined, time: number, record: unknown) => void): void {
    this.bytes = Buffer.from(batch);
    this.view = new DataView(batch);
    this.at = 0;
    while (this.at < this.bytes.length) {
      if (this.bytes[this.at]! >= T_TCP_READ && this.bytes[this.at]! <= T_SIO_ADD) {
        this.unmade(each);
        continue;
      }
      const layout = this.bytes[this.at] === T_LAID_OUT ? LAYOUTS[this.bytes[this.at + 1]!] : undefined;
      if (layout) this.at += 2;
      else if (this.bytes[this.at] === T_LAID_OUT) throw new Error(`capture worker: unknown record layout at byte ${this.at + 1}`);
      const name = layout ? layout.name : (this.value() as string);
      const to = this.value() as string | undefined;
      const record = layout ? this.laidOut(layout) : this.value();
      const time = this.value();
      each(name, to, time === undefined ? (record as { t: number }).t : (time as number), record);
    }
  }

  private uint(): number {
    const bytes = this.bytes;
    let n = 0;
    let shift = 0;
    let b: number;
    do {
      b = bytes[this.at++]!;
      n += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b >= 0x80);
    return n;
  }

  private value(): unknown {
    const t = this.bytes[this.at++];
    switch (t) {
      case T_UNDEFINED:
        return undefined;
      case T_NULL:
        return null;
      case T_FALSE:
        return false;
      case T_TRUE:
        return true;
      case T_INT: {
        const n = this.view.getInt32(this.at);
        this.at += 4;
        return n;
      }
      case T_FLOAT: {
        const n = this.view.getFloat64(this.at);
        this.at += 8;
        return n;
      }
      case T_LATIN1:
        return (this.lastText = this.text("latin1"));
      case T_UTF16:
        return (this.lastText = this.text("utf16le"));
      case T_SAME_TEXT:
        return this.lastText;
      case T_NAMED:
        return this.names[this.uint()];
      case T_NAMING: {
        const s = this.text("latin1");
        this.names.push(s);
        return s;
      }
      case T_BUFFER:
        return Buffer.from(this.slice());
      case T_UINT8:
        return new Uint8Array(this.slice());
      case T_ARRAYBUFFER:
        return this.slice();
      case T_ARRAY: {
        const n = this.uint();
        const out: unknown[] = new Array(n);
        for (let i = 0; i < n; i++) out[i] = this.value();
        return out;
      }
      case T_OBJECT: {
        const n = this.uint();
        const out: Record<string, unknown> = {};
        const keys: string[] = new Array(n);
        for (let i = 0; i < n; i++) {
          const key = this.value() as string;
          keys[i] = key;
          field(out, key, this.value());
        }
        if (this.bytes[this.at++] === 1) this.shapes.push(keys);
        return out;
      }
      case T_SHAPED: {
        const keys = this.shapes[this.uint()];
        if (keys === undefined) throw new Error(`capture worker: unknown object shape before byte ${this.at}`);
        const out: Record<string, unknown> = {};
        for (let i = 0; i < keys.length; i++) field(out, keys[i]!, this.value());
        return out;
      }
      case T_V8: {
        const n = this.uint();
        const v = deserialize(this.bytes.subarray(this.at, this.at + n));
        this.at += n;
        return v;
      }
      default:
        throw new Error(`capture worker: unknown record tag ${t} at byte ${this.at - 1}`);
    }
  }

  /** A record handed over unmade (see `RecordWriter.tcpBytes`), as the probe would have made it. */
  private unmade(each: (name: string, to: string | undefined, time: number, record: unknown) => void): void {
    const tag = this.bytes[this.at++];
    switch (tag) {
      case T_TCP_READ:
      case T_TCP_WRITE: {
        const to = this.value() as string;
        const t = this.float();
        if (tag === T_TCP_READ) each("tcp", to, t, { kind: "read", t, bytes: Buffer.from(this.slice()) });
        else {
          const write = this.uint();
          each("tcp", to, t, { kind: "write", t, write, bytes: Buffer.from(this.slice()) });
        }
        return;
      }
      case T_TCP_SETTLED: {
        const to = this.value() as string;
        const t = this.float();
        const flags = this.bytes[this.at++]!;
        const record: { kind: "settled"; t: number; write: number; first?: number; error?: string } = { kind: "settled", t, write: this.uint() };
        if (flags & 1) record.first = this.uint();
        if (flags & 2) record.error = this.value() as string;
        each("tcp", to, t, record);
        return;
      }
      case T_ENGINE_PACKET: {
        const t = this.float();
        const dir = this.bytes[this.at++] === 1 ? "out" : "in";
        const host = this.value();
        const sid = this.value();
        const transport = this.value();
        const type = this.value();
        each("engine", undefined, t, { kind: "packet", t, host, dir, sid, transport, type, data: this.value() });
        return;
      }
      case T_SIO_ENCODE: {
        const t = this.float();
        const side = this.bytes[this.at++] === 1 ? "server" : "client";
        const n = this.uint();
        const host = this.value();
        const session = this.value();
        const out: unknown[] = new Array(n);
        for (let i = 0; i < n; i++) out[i] = this.value();
        each("socketio", undefined, t, { kind: "encode", t, host, side, session, out });
        return;
      }
      default: {
        const t = this.float();
        const decoder = this.uint();
        const host = this.value();
        each("socketio", undefined, t, { kind: "add", t, host, decoder, input: this.value() });
      }
    }
  }

  private float(): number {
    const n = this.view.getFloat64(this.at);
    this.at += 8;
    return n;
  }

  /** A laid-out record's fields (its number read): its kind, then each field present, in order. */
  private laidOut(layout: (typeof LAYOUTS)[number]): Record<string, unknown> {
    const out: Record<string, unknown> = { kind: layout.kind };
    const { fields } = layout;
    for (let i = 1; i < fields.length; i++) {
      if (this.bytes[this.at] === T_ABSENT) this.at++;
      else out[fields[i]!] = this.value();
    }
    return out;
  }

  private text(encoding: "latin1" | "utf16le"): string {
    const n = this.uint();
    const s = this.bytes.toString(encoding, this.at, this.at + n);
    this.at += n;
    return s;
  }

  /** The next length-prefixed bytes, as an ArrayBuffer of their own (a record may outlive its batch). */
  private slice(): ArrayBuffer {
    const n = this.uint();
    const out = this.bytes.buffer.slice(this.bytes.byteOffset + this.at, this.bytes.byteOffset + this.at + n) as ArrayBuffer;
    this.at += n;
    return out;
  }
}
