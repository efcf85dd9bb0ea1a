// The binary form records take to the capture worker: every value a probe can report comes back
// as a structured clone would give it, with its exact type (a Buffer stays a Buffer, a
// Uint8Array a Uint8Array), and a record that cannot be sent leaves nothing behind.

import type { Socket as ServerSocket } from "socket.io";
import { describe, expect, it } from "vitest";
import { createLab } from "../../../../src/main/lab/lab.js";
import { connected, emitWithAck } from "../../../../src/main/lab/scenarios/scenario.js";
import { NotEncodable, RecordReader, RecordWriter } from "../../../../src/main/lab/capture/worker/record-codec.js";

interface Read {
  name: string;
  to: string | undefined;
  time: number;
  record: unknown;
}

function readAll(reader: RecordReader, writer: RecordWriter): Read[] {
  const out: Read[] = [];
  const bytes = writer.take();
  if (bytes) reader.read(bytes, (name, to, time, record) => out.push({ name, to, time, record }));
  return out;
}

function roundTrip(record: unknown): unknown {
  const writer = new RecordWriter();
  writer.write("api", undefined, 1.5, record);
  return readAll(new RecordReader(), writer)[0]!.record;
}

describe("the records' binary form", () => {
  it("gives back each record with its capture's name, whom it is for and its time, in order, batch after batch", () => {
    const writer = new RecordWriter();
    const reader = new RecordReader();
    writer.write("tcp", "client-1/tcp1", 12.25, { kind: "read", t: 12.25, bytes: Buffer.from("GET / HTTP/1.1\r\n") });
    writer.write("engine", undefined, 13, { kind: "packet", t: 13, host: "server", dir: "in", sid: "abc", transport: "websocket", type: "message", data: '42["hello","world"]' });
    expect(writer.count).toBe(2);
    const first = readAll(reader, writer);
    expect(writer.count).toBe(0);
    expect(first.map((r) => [r.name, r.to, r.time])).toEqual([
      ["tcp", "client-1/tcp1", 12.25],
      ["engine", undefined, 13],
    ]);
    expect((first[0]!.record as { bytes: unknown }).bytes).toEqual(Buffer.from("GET / HTTP/1.1\r\n"));
    // The second batch names the same strings by number: the reader keeps the table.
    writer.write("engine", undefined, 14, { kind: "packet", t: 14, host: "server", dir: "out", sid: "abc", transport: "websocket", type: "message", data: "43[]" });
    const second = readAll(reader, writer);
    expect(second[0]!.record).toEqual({ kind: "packet", t: 14, host: "server", dir: "out", sid: "abc", transport: "websocket", type: "message", data: "43[]" });
    expect(writer.take()).toBeUndefined();
  });

  it("keeps every kind of value a probe can hold, exactly", () => {
    const buffer = Buffer.from([1, 2, 3]);
    const u8 = new Uint8Array([4, 5]);
    const ab = new Uint8Array([6, 7, 8]).buffer;
    const long = "x".repeat(5000);
    const values = {
      numbers: [0, 1, -1, 2 ** 31, -(2 ** 31), 2 ** 31 - 1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER],
      text: ["", "é", "ÿ", "€ and 😀", "\ud800 lone", long, `${"é".repeat(40)}€`],
      others: [true, false, null, undefined],
      nested: { a: { b: [{ c: "deep" }] } },
      empty: {},
      big: 10n ** 20n,
      date: new Date(1_700_000_000_000),
      map: new Map([["k", 1]]),
      set: new Set([1, 2]),
      floats: new Float32Array([1.5]),
    };
    const back = roundTrip({ kind: "receive", args: [buffer, u8, ab, values] }) as { args: unknown[] };
    expect(Buffer.isBuffer(back.args[0])).toBe(true);
    expect(back.args[0]).toEqual(buffer);
    expect(back.args[1]).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(back.args[1])).toBe(false);
    expect([...(back.args[1] as Uint8Array)]).toEqual([4, 5]);
    expect(back.args[2]).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(back.args[2] as ArrayBuffer)]).toEqual([6, 7, 8]);
    expect(back.args[3]).toEqual(structuredClone(values));
    expect(Object.is((roundTrip({ z: -0 }) as { z: number }).z, -0)).toBe(true);
  });

  it("keeps a field named __proto__ as a field, and any other object as its own fields", () => {
    const hostile = JSON.parse('{"__proto__":{"polluted":true},"x":1}') as Record<string, unknown>;
    const back = roundTrip(hostile) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.hasOwn(back, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    expect(roundTrip(new Point(1, 2))).toEqual({ x: 1, y: 2 });
  });

  it("refuses a record it cannot send, writing nothing of it (not even the strings it named)", () => {
    const writer = new RecordWriter();
    const reader = new RecordReader();
    expect(() => writer.write("api", undefined, 1, { kind: "fresh-name", fn: () => 1 })).toThrow(NotEncodable);
    expect(() => writer.write("api", undefined, 1, { kind: "another-name", s: Symbol("x") })).toThrow(NotEncodable);
    expect(writer.count).toBe(0);
    writer.write("api", undefined, 2, { kind: "fresh-name" });
    expect(readAll(reader, writer)).toEqual([{ name: "api", to: undefined, time: 2, record: { kind: "fresh-name" } }]);
  });

  it("sends an object's keys once per shape, and objects of a shape sent before by their values only", () => {
    const writer = new RecordWriter();
    const records = [
      { kind: "call", host: "client-1", nsp: "/", socketId: "a", event: "hello", side: "client" },
      { kind: "call", host: "client-1", nsp: "/", socketId: "a", event: "hello", side: "client", callee: "socket.volatile.emit" },
      { kind: "call", host: "client-1", nsp: "/", socketId: "a", event: "hello", side: "client" },
      { host: "client-1", kind: "call" },
      { kind: "receive", args: [{ ip: "127.0.0.1", port: 1 }, { port: 2, ip: "127.0.0.2" }, { ip: "127.0.0.3", port: 3 }] },
      { kind: "receive", args: [{ ip: "127.0.0.1", port: 1 }, { port: 2, ip: "127.0.0.2" }, { ip: "127.0.0.3", port: 3 }] },
    ];
    const sizes: number[] = [];
    // A capture name with no laid-out records: every record goes by its shape.
    for (const r of records) {
      writer.write("other", undefined, 0, r);
      sizes.push(writer.take()!.byteLength);
    }
    // The third record repeats the first's shape and strings: far smaller than it.
    expect(sizes[2]).toBeLessThan(sizes[0]! / 2);
    // One reader for batch after batch, as in the worker: shapes and names carry over.
    const again = new RecordWriter();
    const againReader = new RecordReader();
    const batches: unknown[] = [];
    for (const r of records) {
      again.write("other", undefined, 0, r);
      againReader.read(again.take()!, (_n, _to, _t, rec) => batches.push(rec));
    }
    expect(batches).toEqual(records);
    expect(Object.keys(batches[3] as object)).toEqual(["host", "kind"]);
    // A record that fails inside a new shape leaves no shape behind.
    expect(() => again.write("other", undefined, 0, { kind: "new-shape", nested: { deeper: { fn: () => 1 } } })).toThrow(NotEncodable);
    again.write("other", undefined, 0, { kind: "new-shape", nested: { deeper: { ok: 1 } } });
    againReader.read(again.take()!, (_n, _to, _t, rec) => batches.push(rec));
    expect(batches[batches.length - 1]).toEqual({ kind: "new-shape", nested: { deeper: { ok: 1 } } });
  });

  it("keeps a laid-out record's fields as they were: an optional one left out stays out, one set to undefined stays undefined", () => {
    const writer = new RecordWriter();
    const reader = new RecordReader();
    const records: [string, unknown][] = [
      ["tcp", { kind: "settled", t: 1, write: 3, first: 1, error: "EPIPE" }],
      ["tcp", { kind: "settled", t: 2, write: 4 }],
      ["api", { kind: "call", host: "client-1", nsp: "/", socketId: "a", sid: "s", event: "e", callee: "socket.volatile.emit", attempt: 2, side: "client" }],
      ["engine", { kind: "packet", t: 3, host: "server", dir: "in", sid: undefined, transport: undefined, type: "message", data: Buffer.from([1]) }],
      ["api", { kind: "ack-receive", ref: 1, host: "client-1", nsp: "/", token: 2, reply: [], timedOut: "operation has timed out" }],
    ];
    for (const [name, r] of records) writer.write(name, undefined, 0, r);
    const back: unknown[] = [];
    reader.read(writer.take()!, (_n, _to, _t, r) => back.push(r));
    expect(back).toStrictEqual(records.map(([, r]) => r));
    expect(Object.keys(back[1] as object)).toEqual(["kind", "t", "write"]);
    expect(Object.keys(back[3] as object)).toEqual(["kind", "t", "host", "dir", "sid", "transport", "type", "data"]);
  });

  it("sends a string it just sent as it is once (a packet, then the engine packet carrying it), forgetting one a refused record sent", () => {
    const writer = new RecordWriter();
    const reader = new RecordReader();
    const packet = '421["hello",{"a":"b"}]';
    writer.write("socketio", undefined, 1, { kind: "encode", t: 1, host: "client-1", side: "client", session: "s", out: [packet] });
    const first = writer.take()!.byteLength;
    writer.write("socketio", undefined, 1, { kind: "encode", t: 1, host: "client-1", side: "client", session: "s", out: [packet] });
    expect(writer.take()!.byteLength).toBeLessThan(first - packet.length + 2);
    const back: unknown[] = [];
    const records: [string, unknown][] = [
      ["socketio", { kind: "encode", t: 2, host: "client-1", side: "client", session: "s", out: [packet] }],
      ["engine", { kind: "packet", t: 3, host: "client-1", dir: "out", sid: "s", transport: "websocket", type: "message", data: packet }],
    ];
    const w2 = new RecordWriter();
    for (const [name, r] of records) w2.write(name, undefined, 9, r);
    // Refused after it sent a new text: the next record must not refer to that text.
    expect(() => w2.write("other", undefined, 9, { items: ["sent, then refused", () => 1] })).toThrow(NotEncodable);
    w2.write("other", undefined, 9, { items: ["sent, then refused"] });
    reader.read(w2.take()!, (_n, _to, time, r) => back.push([time, r]));
    expect(back).toStrictEqual([...records.map(([, r]) => [9, r]), [9, { items: ["sent, then refused"] }]]);
  });

  it("numbers the same shapes as the reader whatever the keys (empty ones, ones holding NUL, an object inside one of the same keys)", () => {
    const writer = new RecordWriter();
    const reader = new RecordReader();
    const records = [
      { args: [{}] },
      { args: [{ "": 1 }] },
      { args: [{ "a\u0000b": 1 }] },
      { args: [{ a: 1, b: 2 }] },
      { a: { a: { a: 1 } } },
      { args: [{ x: 1 }] },
      { args: [{ x: 2 }, {}, { "": 3 }, { a: 4, b: 5 }, { "a\u0000b": 6 }] },
      { a: { a: { a: 2 } } },
    ];
    const back: unknown[] = [];
    for (const r of records) {
      writer.write("other", undefined, 0, r);
      reader.read(writer.take()!, (_n, _to, _t, rec) => back.push(rec));
    }
    expect(back).toStrictEqual(records);
  });

  it("sends the time of a laid-out record whose layout has no t (an api record given one)", () => {
    const writer = new RecordWriter();
    const reader = new RecordReader();
    const record = { kind: "call", t: 7.5, host: "client-1", nsp: "/", socketId: "a", event: "e", side: "client" };
    writer.write("api", undefined, 7.5, record);
    const back: [number, unknown][] = [];
    reader.read(writer.take()!, (_n, _to, time, rec) => back.push([time, rec]));
    expect(back[0]![0]).toBe(7.5);
  });

  it("names at most its table's worth of strings, then sends them as they are, the same on both sides", () => {
    const writer = new RecordWriter();
    const reader = new RecordReader();
    // Distinct keys are named (a field of payloads stops naming long before the cap).
    const records = Array.from({ length: 20_000 }, (_, i) => ({ [`key-${i}`]: i, kind: "k" }));
    const back: unknown[] = [];
    for (let i = 0; i < records.length; i++) {
      writer.write("other", `to-${i}`, 0, records[i]);
      if (i === 16_500) expect(() => writer.write("other", undefined, 0, { "a-fresh-key": 1, fn: () => 1 })).toThrow(NotEncodable);
      if (i % 1000 === 999) reader.read(writer.take()!, (_n, _to, _t, rec) => back.push(rec));
    }
    expect(back).toStrictEqual(records);
  });

  it("gives back 20,000 random records, nested objects of few keys and refused ones among them, over many batches (seeded)", () => {
    // mulberry32: integer arithmetic only (a float LCG loses its low bits past 2^53).
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let x = Math.imul(seed ^ (seed >>> 15), seed | 1);
      x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
      return ((x ^ (x >>> 14)) >>> 0) % n;
    };
    const keys = ["", "a", "b", "a\u0000b", "__proto__", "kind", "t", "host", "data", "é", "😀"];
    const strings = ["", "x", "hello", "é€", "\ud800", "y".repeat(50), "z".repeat(300), '42["hello","world"]'];
    const value = (depth: number): unknown => {
      const pick = random(depth > 3 ? 6 : 9);
      if (pick === 0) return random(1000) - 500;
      if (pick === 1) return random(1000) / 7;
      if (pick === 2) return strings[random(strings.length)];
      if (pick === 3) return random(2) === 0;
      if (pick === 4) return random(2) === 0 ? null : undefined;
      if (pick === 5) return Buffer.from([random(256), random(256)]);
      if (pick === 6) return Array.from({ length: random(4) }, () => value(depth + 1));
      const out: Record<string, unknown> = {};
      const n = random(4);
      for (let i = 0; i < n; i++) Object.defineProperty(out, keys[random(keys.length)]!, { value: value(depth + 1), enumerable: true, writable: true, configurable: true });
      return out;
    };
    const names = ["other", "api", "tcp", "engine", "socketio"];
    const writer = new RecordWriter();
    const reader = new RecordReader();
    const sent: unknown[] = [];
    const back: unknown[] = [];
    for (let i = 0; i < 20_000; i++) {
      const record = value(0);
      const name = names[random(names.length)]!;
      if (random(10) === 0) {
        // One that cannot be sent, after some of it was written.
        expect(() => writer.write(name, undefined, i, { before: value(1), fn: () => 1, after: value(1) })).toThrow(NotEncodable);
      }
      writer.write(name, random(3) === 0 ? `to-${random(50)}` : undefined, i, record);
      sent.push(record);
      if (random(50) === 0) reader.read(writer.take()!, (_n, _to, _t, r) => back.push(r));
    }
    const rest = writer.take();
    if (rest) reader.read(rest, (_n, _to, _t, r) => back.push(r));
    expect(back).toStrictEqual(sent);
  });

  it("gives back the records the probes hand over unmade as the records they would have made, between records of other kinds", () => {
    const writer = new RecordWriter();
    const reader = new RecordReader();
    const sent: Read[] = [];
    const got: Read[] = [];
    const write = (name: string, to: string | undefined, time: number, record: unknown, hand: () => void): void => {
      sent.push({ name, to, time, record });
      hand();
    };
    const bytes = Buffer.from([0x81, 0x05, 0x68, 0x65, 0x6c, 0x6c, 0x6f]);
    const attachment = Buffer.from([0xde, 0xad]);
    for (let round = 0; round < 2; round++) {
      write("tcp", "client-1/tcp1", 1.25, { kind: "read", t: 1.25, bytes }, () => writer.tcpBytes("client-1/tcp1", 0, 1.25, bytes));
      write("tcp", "server/tcp2", 2.5, { kind: "write", t: 2.5, write: 7, bytes }, () => writer.tcpBytes("server/tcp2", 7, 2.5, bytes));
      write("tcp", "server/tcp2", 3, { kind: "settled", t: 3, write: 7 }, () => writer.tcpSettled("server/tcp2", 3, 7, undefined, undefined));
      write("tcp", "server/tcp2", 3.5, { kind: "settled", t: 3.5, write: 300, first: 8 }, () => writer.tcpSettled("server/tcp2", 3.5, 300, 8, undefined));
      write("tcp", "server/tcp2", 4, { kind: "settled", t: 4, write: 301, error: "EPIPE" }, () => writer.tcpSettled("server/tcp2", 4, 301, undefined, "EPIPE"));
      // A record of another kind in between: the tables of names stay the same on both sides.
      write("api", undefined, 4.25, { kind: "bind", host: "server", token: 3 }, () => writer.write("api", undefined, 4.25, { kind: "bind", host: "server", token: 3 }));
      write("engine", undefined, 5, { kind: "packet", t: 5, host: "server", dir: "out", sid: "abc", transport: "websocket", type: "message", data: '42["hello"]' }, () =>
        writer.enginePacket(5, "server", true, "abc", "websocket", "message", '42["hello"]'),
      );
      write("engine", undefined, 6, { kind: "packet", t: 6, host: "client-1", dir: "in", sid: undefined, transport: undefined, type: "open", data: undefined }, () =>
        writer.enginePacket(6, "client-1", false, undefined, undefined, "open", undefined),
      );
      write("engine", undefined, 7, { kind: "packet", t: 7, host: "client-1", dir: "in", sid: "abc", transport: "polling", type: "message", data: attachment }, () =>
        writer.enginePacket(7, "client-1", false, "abc", "polling", "message", attachment),
      );
      write("socketio", undefined, 8, { kind: "encode", t: 8, host: "server", side: "server", session: undefined, out: ['451-["bytes",{"_placeholder":true,"num":0}]', attachment] }, () =>
        writer.socketioEncode(8, "server", "server", undefined, ['451-["bytes",{"_placeholder":true,"num":0}]', attachment]),
      );
      write("socketio", undefined, 9, { kind: "encode", t: 9, host: "client-1", side: "client", session: "abc", out: ["2"] }, () => writer.socketioEncode(9, "client-1", "client", "abc", ["2"]));
      write("socketio", undefined, 10, { kind: "add", t: 10, host: "client-1", decoder: 4, input: "3" }, () => writer.socketioAdd(10, "client-1", 4, "3"));
      write("socketio", undefined, 11, { kind: "add", t: 11, host: "server", decoder: 200, input: attachment }, () => writer.socketioAdd(11, "server", 200, attachment));
      got.push(...readAll(reader, writer));
    }
    expect(got).toHaveLength(sent.length);
    for (let i = 0; i < sent.length; i++) expect(got[i]).toStrictEqual(sent[i]);
    // Bytes read come back as a copy of their own.
    expect((got[0]!.record as { bytes: Buffer }).bytes.buffer).not.toBe(bytes.buffer);
    // Data the format cannot carry is refused with nothing written: the queue then sends the record made.
    expect(writer.enginePacket(12, "server", true, "abc", "websocket", "message", () => {})).toBe(false);
    expect(writer.take()).toBeUndefined();
  });

  it("gives back the api's laid-out records with every field present, absent or undefined, as they were", () => {
    const records: unknown[] = [
      { kind: "bind", host: "client-1", token: 4 },
      { kind: "unbind", host: "client-1", token: 4 },
      { kind: "call", host: "client-1", nsp: "/", socketId: "abc", event: "hello", side: "client" },
      { kind: "call", host: "server", nsp: "/chat", socketId: "def", sid: "s1", event: "news", callee: "socket.volatile.emit", attempt: 2, side: "server" },
      { kind: "call", host: "server", nsp: "/", socketId: "def", sid: undefined, event: "news", side: "server" },
      { kind: "receive", ref: 9, host: "server", nsp: "/", socketId: "def", sid: undefined, event: "hello", args: ["world", { n: 1 }], withCallback: true, side: "server" },
      { kind: "ack-send", host: "server", nsp: "/", socketId: "def", reply: ["got it"], receive: 9 },
      { kind: "ack-receive", ref: 10, host: "client-1", nsp: "/", token: 4, reply: [] },
      { kind: "ack-receive", ref: 11, host: "client-1", nsp: "/", token: 5, reply: [], timedOut: "operation has timed out" },
      { kind: "log", host: "server", text: "world", ref: undefined },
      { kind: "log", host: "server", text: "again", ref: 9 },
    ];
    const writer = new RecordWriter();
    for (const r of records) writer.write("api", undefined, 3.5, r);
    const got = readAll(new RecordReader(), writer);
    expect(got.map((g) => g.record)).toStrictEqual(records);
    expect(got.every((g) => g.name === "api" && g.time === 3.5)).toBe(true);
  });

  it("grows to hold a record larger than its buffer", () => {
    const writer = new RecordWriter();
    const bytes = Buffer.alloc(1_000_000, 7);
    writer.write("tcp", "c/tcp1", 0, { kind: "read", bytes });
    const back = readAll(new RecordReader(), writer);
    expect((back[0]!.record as { bytes: Buffer }).bytes.equals(bytes)).toBe(true);
  });

  it("gives back every record a lab's probes make, field for field, as the queue writes them (the laid-out kinds with all their fields)", async () => {
    const lab = await createLab({ port: 0, captureIn: "thread" });
    try {
      lab.server!.of("/").on("connection", (socket: ServerSocket) => {
        socket.on("bytes", (data: Buffer, callback: (reply: unknown) => void) => callback({ length: data.length, echo: data }));
        socket.on("join", (room: string, callback: () => void) => {
          void socket.join(room);
          // A server emit: its call record carries the session.
          socket.emit("news", "joined");
          callback();
        });
      });
      // From here on the queue writes each record as the lab's side of a capture worker does; the originals are kept beside.
      const queue = lab.correlator.queue;
      const sent: unknown[] = [];
      const reader = new RecordReader();
      const read: { name: string; record: unknown }[] = [];
      const push = queue.push.bind(queue);
      // The records the probes hand over unmade: the record this thread makes of the same call (the queue without its writer) is the one expected.
      let making = false;
      queue.push = ((apply: never, record: never, to?: string) => {
        sent.push(record);
        if (!making) push(apply, record, to);
      }) as typeof queue.push;
      const unmade = queue as unknown as Record<string, (...args: unknown[]) => void> & { writer: unknown };
      for (const method of ["tcpBytes", "tcpSettled", "enginePacket", "socketioEncode", "socketioAdd"]) {
        const hand = unmade[method]!.bind(queue);
        unmade[method] = (...args: unknown[]) => {
          const writer = unmade.writer;
          unmade.writer = undefined;
          making = true;
          try {
            hand(...args);
          } finally {
            making = false;
            unmade.writer = writer;
          }
          hand(...args);
        };
      }
      queue.sendTo((batch) => reader.read(batch.bytes, (name, _to, _t, record) => read.push({ name, record })));
      const polling = await lab.addClient({ transports: "polling" });
      const ws = await lab.addClient({ transports: "websocket" });
      const sp = polling.socket("/");
      const sw = ws.socket("/");
      // A socket with retries: its emits' call records carry the attempt.
      const retrying = (await lab.addClient({ transports: "websocket" })).socket("/", undefined, { retries: 2, ackTimeout: 5000 });
      await Promise.all([connected(sp), connected(sw)]);
      expect(await emitWithAck(sp, "hello", "over polling")).toEqual(["got it"]);
      expect(await emitWithAck(sw, "hello", { nested: [1, "two", { three: 3 }], "é€😀": "\ud800" })).toEqual(["got it"]);
      await emitWithAck(sw, "bytes", Buffer.from([0xde, 0xad, 0xbe, 0xef]));
      await emitWithAck(sw, "join", "room-1");
      sw.volatile.emit("hello", "volatile");
      // An ack that never comes: the callback runs with a timeout error.
      await new Promise<void>((resolve) => sw.timeout(50).emit("unanswered", () => resolve()));
      await connected(retrying);
      await emitWithAck(retrying, "hello", "with retries");
      await connected(ws.socket("/chat"));
      await lab.removeClient(polling.id);
      queue.drain();
      expect(read.length).toBe(sent.length);
      expect(read.length).toBeGreaterThan(100);
      const kinds = new Set(read.map((r) => `${r.name}/${(r.record as { kind?: string }).kind}`));
      for (const k of ["tcp/write", "tcp/settled", "tcp/read", "engine/packet", "socketio/encode", "socketio/add", "api/call", "api/receive", "api/ack-send", "api/ack-receive", "api/bind", "api/log"]) expect(kinds).toContain(k);
      // The optional fields of the laid-out kinds, each present at least once.
      const has = (kind: string, field: string): boolean => read.some((r) => (r.record as { kind?: string }).kind === kind && field in (r.record as object));
      for (const [kind, field] of [["call", "attempt"], ["call", "sid"], ["call", "callee"], ["ack-receive", "timedOut"], ["settled", "first"]] as const) expect(has(kind, field), `${kind}.${field}`).toBe(true);
      for (let i = 0; i < sent.length; i++) expect(read[i]!.record).toStrictEqual(sent[i]);
    } finally {
      await lab.dispose();
    }
  }, 30_000);
});
