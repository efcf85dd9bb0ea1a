// The hand-over between the probes and the captures (record-queue.ts): a probe's record is
// applied at the end of the turn, in order, its events stamped with the time the record
// happened; anything recorded or read from elsewhere first lets the queue catch up, so ids
// keep the order things happened in; a record a capture fails on is one lab error and the
// records after it still count.
import { describe, expect, it } from "vitest";
import { Correlator } from "../../../../src/main/lab/capture/correlator.js";
import { APPLY_WHEN_QUIET_MS, APPLY_WITHIN_MS, type RecordBatch, SEND_EVERY_MS, UnreadableRecords } from "../../../../src/main/lab/capture/record-queue.js";
import { createRecorder } from "../../../../src/main/trace/recorder.js";
import type { TraceEvent, TraceHeader } from "../../../../src/shared/trace/types.js";

const header: TraceHeader = { format: "socketscope-trace", version: 1, createdAt: "2026-12-04T10:00:00.000Z", app: { name: "SocketScope", version: "0.1.0" } };
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Said {
  kind: "said";
  t?: number;
  text: string;
}

function queue() {
  const recorder = createRecorder({ header });
  const c = new Correlator(recorder);
  const applied: string[] = [];
  const say = (r: Said): void => {
    applied.push(r.text);
    c.record({ layer: "lab", kind: "log", host: "server", text: r.text });
  };
  const texts = (events: TraceEvent[]): string[] => events.map((e) => (e.layer === "lab" && e.kind === "log" ? e.text : `${e.layer}:${e.kind}`));
  return { recorder, c, applied, say, texts };
}

describe("the record queue", () => {
  it("applies a probe's records at the end of the turn, in order, each event at the time its record happened", async () => {
    const { recorder, c, applied, say } = queue();
    c.queue.push(say, { kind: "said", t: 5, text: "first" });
    c.queue.push(say, { kind: "said", t: 7, text: "second" });
    expect(applied).toEqual([]);
    await turn();
    expect(applied).toEqual(["first", "second"]);
    const events = recorder.recent();
    expect(events.map((e) => [e.id, e.t])).toEqual([
      [1, 5],
      [2, 7],
    ]);
  });

  it("stamps a record that came without a time with the time it was queued", async () => {
    const { recorder, c, say } = queue();
    const before = recorder.now();
    const record: Said = { kind: "said", text: "untimed" };
    c.queue.push(say, record);
    const after = recorder.now();
    await turn();
    const [event] = recorder.recent();
    expect(event!.t).toBeGreaterThanOrEqual(before);
    expect(event!.t).toBeLessThanOrEqual(after);
  });

  it("lets the queue catch up before anything else is recorded, and before the trace is read or counted", () => {
    const { recorder, c, say, texts } = queue();
    c.queue.push(say, { kind: "said", text: "a probe's record" });
    recorder.record({ layer: "lab", kind: "log", host: "server", text: "the lab's own event, later" });
    expect(texts(recorder.recent())).toEqual(["a probe's record", "the lab's own event, later"]);
    c.queue.push(say, { kind: "said", text: "another" });
    expect(recorder.count).toBe(3);
    c.queue.push(say, { kind: "said", text: "read" });
    expect(texts(recorder.recent()).at(-1)).toBe("read");
  });

  it("says in the trace when a capture fails on a record, and applies the records after it", async () => {
    const { recorder, c, say, texts } = queue();
    c.queue.push(say, { kind: "said", text: "before" });
    c.queue.push(
      (_: Said) => {
        throw new Error("a capture bug, for the test");
      },
      { kind: "said", text: "bad" },
    );
    c.queue.push(say, { kind: "said", text: "after" });
    await turn();
    const events = recorder.recent();
    expect(texts(events)).toEqual(["before", "lab:error", "after"]);
    const error = events[1]!;
    expect(error.layer === "lab" && error.kind === "error" && [error.code, error.message]).toEqual(["CAPTURE_FAILED", "capture could not apply a said record: a capture bug, for the test"]);
  });

  it("says what a capture threw when it is not an Error, and loses none of the records after it", () => {
    const { recorder, c, say, texts } = queue();
    c.queue.push(
      (_: Said) => {
        throw Object.create(null);
      },
      { kind: "said", text: "bad" },
    );
    c.queue.push(say, { kind: "said", text: "after" });
    const events = recorder.recent();
    expect(texts(events)).toEqual(["lab:error", "after"]);
    expect(events[0]!.layer === "lab" && events[0]!.kind === "error" && events[0]!.message).toBe("capture could not apply a said record: [object Object]");
  });

  it("goes on with the end of a turn when one piece of it fails", async () => {
    const { recorder, c, say, texts } = queue();
    let second = false;
    c.queue.push(say, { kind: "said", text: "write" });
    c.queue.afterTurn(() => {
      throw new Error("a sweep bug, for the test");
    });
    c.queue.afterTurn(() => {
      second = true;
    });
    await turn();
    expect(second).toBe(true);
    expect(texts(recorder.recent())).toEqual(["write", "lab:error"]);
  });

  it("runs what waits for the end of a turn after that turn's records, once", async () => {
    const { recorder, c, say, texts } = queue();
    let swept = 0;
    c.queue.push((r: Said) => {
      say(r);
      c.queue.afterTurn(() => {
        swept++;
        c.record({ layer: "lab", kind: "log", host: "server", text: "swept" });
      });
    }, { kind: "said", text: "write" });
    c.queue.push(say, { kind: "said", text: "settled" });
    await turn();
    await turn();
    expect(swept).toBe(1);
    expect(texts(recorder.recent())).toEqual(["write", "settled", "swept"]);
  });

  it("applies a record a capture queues while applying another in the same pass, after it", () => {
    const { recorder, c, say, texts } = queue();
    c.queue.push((r: Said) => {
      say(r);
      c.queue.push(say, { kind: "said", text: "queued while applying" });
    }, { kind: "said", text: "outer" });
    expect(texts(recorder.recent())).toEqual(["outer", "queued while applying"]);
  });

  describe("across a thread (the captures in a worker)", () => {
    const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
    /** A lab's side that writes its records for the other side, and the other side that applies them, in one thread. */
    function pair() {
      const lab = queue();
      const worker = queue();
      worker.c.queue.register("said", worker.say);
      lab.c.queue.register("said", lab.say);
      const batches: RecordBatch[] = [];
      lab.c.queue.sendTo((batch) => {
        batches.push(batch);
        worker.c.queue.receive(batch);
      });
      const applied: number[] = [];
      worker.c.queue.onApplied = (bytes) => applied.push(bytes);
      return { lab, worker, batches, applied };
    }

    it("sends the records a few milliseconds after they were written, not at the end of each turn", async () => {
      const { lab, batches } = pair();
      lab.c.queue.push(lab.say, { kind: "said", t: 1, text: "one" });
      await turn();
      lab.c.queue.push(lab.say, { kind: "said", t: 2, text: "two" });
      await turn();
      expect(batches).toEqual([]);
      await wait(SEND_EVERY_MS + 20);
      expect(batches.map((b) => b.count)).toEqual([2]);
      // Whatever must see every record sends what waits at once.
      lab.c.queue.push(lab.say, { kind: "said", t: 3, text: "three" });
      lab.c.queue.drain();
      expect(batches.map((b) => b.count)).toEqual([2, 1]);
    });

    it("keeps what it is sent while batches keep coming, applies it once they pause, and applies it at once when asked", async () => {
      const { lab, worker, batches, applied } = pair();
      for (let i = 0; i < 5; i++) {
        lab.c.queue.push(lab.say, { kind: "said", t: i, text: `busy ${i}` });
        lab.c.queue.drain();
        await wait(2);
      }
      expect(batches).toHaveLength(5);
      // Still coming a moment ago: nothing applied yet, unless this machine paused for longer than the quiet wait.
      const early = worker.applied.length;
      await wait(APPLY_WHEN_QUIET_MS + 40);
      expect(worker.applied).toEqual(["busy 0", "busy 1", "busy 2", "busy 3", "busy 4"]);
      expect(early === 0 || early === 5).toBe(true);
      expect(applied.reduce((a, b) => a + b, 0)).toBe(batches.reduce((n, b) => n + b.bytes.byteLength, 0));
      // A fence (or any synchronous call) drains: every record sent is applied before it answers.
      lab.c.queue.push(lab.say, { kind: "said", t: 9, text: "asked" });
      lab.c.queue.drain();
      expect(worker.c.queue.waiting).toBe(true);
      worker.c.queue.drain();
      expect(worker.applied.at(-1)).toBe("asked");
      expect(worker.texts(worker.recorder.recent()).at(-1)).toBe("asked");
    });

    it("counts the records the lab's side wrote, sent or not, where the worker can read it", () => {
      const written = new Int32Array(new SharedArrayBuffer(4));
      const lab = queue();
      lab.c.queue.register("said", lab.say);
      const batches: RecordBatch[] = [];
      lab.c.queue.sendTo((batch) => batches.push(batch), written);
      lab.c.queue.push(lab.say, { kind: "said", t: 1, text: "one" });
      lab.c.queue.push(lab.say, { kind: "said", t: 2, text: "two" });
      expect(Atomics.load(written, 0)).toBe(2);
      lab.c.queue.drain();
      expect(batches.map((b) => b.count)).toEqual([2]);
      expect(Atomics.load(written, 0)).toBe(2);
      lab.c.queue.push(lab.say, { kind: "said", t: 3, text: "three" });
      expect(Atomics.load(written, 0)).toBe(3);
      lab.c.queue.drain();
      expect(batches.reduce((n, b) => n + b.count, 0)).toBe(Atomics.load(written, 0));
    });

    it("does not take a lab too busy to send its records for one that paused: it waits while records written there were not sent", async () => {
      const { lab, worker } = pair();
      const written = new Int32Array(new SharedArrayBuffer(4));
      worker.c.queue.watchSender(written);
      for (let i = 0; i < 3; i++) {
        lab.c.queue.push(lab.say, { kind: "said", t: i, text: `sent ${i}` });
        lab.c.queue.drain();
      }
      // The lab wrote a fourth record, and a long turn keeps it from sending it: no batch comes, and it is not quiet.
      Atomics.store(written, 0, 4);
      await wait(APPLY_WHEN_QUIET_MS * 3 + 40);
      expect(worker.applied).toEqual([]);
      // Sent (the lab's next turn), then quiet: applied.
      lab.c.queue.push(lab.say, { kind: "said", t: 3, text: "sent 3" });
      lab.c.queue.drain();
      await wait(APPLY_WHEN_QUIET_MS + 40);
      expect(worker.applied).toEqual(["sent 0", "sent 1", "sent 2", "sent 3"]);
    });

    it("applies what it kept within a second even while the lab's side stays busy", async () => {
      const { lab, worker } = pair();
      const written = new Int32Array(new SharedArrayBuffer(4));
      worker.c.queue.watchSender(written);
      lab.c.queue.push(lab.say, { kind: "said", t: 1, text: "kept" });
      lab.c.queue.drain();
      // Always one record ahead of what it sent: never a pause.
      Atomics.store(written, 0, 2);
      await wait(APPLY_WHEN_QUIET_MS * 3);
      expect(worker.applied).toEqual([]);
      // Applied once the batch is a second old (the timers of a loaded machine may run late).
      for (let waited = 0; waited < APPLY_WITHIN_MS + 2000 && worker.applied.length === 0; waited += 20) await wait(20);
      expect(worker.applied).toEqual(["kept"]);
    });

    it("stops applying between batches when the lab becomes busy again during a pause, and applies the rest (then the turn's end) in its next pause", async () => {
      const { lab, worker } = pair();
      const written = new Int32Array(new SharedArrayBuffer(4));
      worker.c.queue.watchSender(written);
      const swept: string[][] = [];
      worker.c.queue.register("said", (r: Said) => {
        worker.say(r);
        if (r.text === "first") {
          // While the first batch is applied, the lab writes a record (not sent yet)…
          Atomics.add(written, 0, 1);
          // …and the record asks for work at the turn's end, which must see every record kept.
          worker.c.queue.afterTurn(() => swept.push([...worker.applied]));
        }
      });
      for (const text of ["first", "second", "third"]) {
        lab.c.queue.push(lab.say, { kind: "said", t: 1, text });
        lab.c.queue.drain();
      }
      Atomics.store(written, 0, 3);
      await wait(APPLY_WHEN_QUIET_MS + 40);
      expect(worker.applied).toEqual(["first"]);
      // The batches left wait as if they had not come: recording something does not catch up with them.
      expect(worker.c.queue.waiting).toBe(false);
      worker.c.record({ layer: "lab", kind: "log", host: "server", text: "meanwhile" });
      await wait(APPLY_WHEN_QUIET_MS * 2 + 40);
      expect(worker.applied).toEqual(["first"]);
      expect(swept).toEqual([]);
      // Its record sent, the lab pauses: the rest is applied, in order, then the turn's end.
      lab.c.queue.push(lab.say, { kind: "said", t: 2, text: "fourth" });
      lab.c.queue.drain();
      await wait(APPLY_WHEN_QUIET_MS + 40);
      expect(worker.applied).toEqual(["first", "second", "third", "fourth"]);
      expect(swept).toEqual([["first", "second", "third", "fourth"]]);
      // A fence applies everything however busy the lab is.
      Atomics.add(written, 0, 1);
      lab.c.queue.push(lab.say, { kind: "said", t: 3, text: "asked" });
      lab.c.queue.drain();
      expect(worker.c.queue.waiting).toBe(true);
      worker.c.queue.drain();
      expect(worker.applied.at(-1)).toBe("asked");
    });

    it("stamps the end of a turn it applies late with the time of its last record, and looks again only once more records came", async () => {
      const { lab, worker } = pair();
      let sweeps = 0;
      const sweep = (): void => {
        sweeps++;
        worker.c.record({ layer: "lab", kind: "log", host: "server", text: `swept ${sweeps}` });
        // It looks again (a write not settled yet): not before more records come.
        if (sweeps === 1) worker.c.queue.afterTurn(sweep);
      };
      worker.c.queue.register("swept", (r: Said) => {
        worker.say(r);
        worker.c.queue.afterTurn(sweep);
      });
      lab.c.queue.register("swept", () => {});
      lab.c.queue.pushNamed("swept", { kind: "said", t: 5, text: "write" });
      lab.c.queue.drain();
      worker.c.queue.drain();
      await turn();
      await turn();
      await wait(20);
      expect(sweeps).toBe(1);
      const events = worker.recorder.recent();
      expect(events.map((e) => e.t)).toEqual([5, 5]);
      lab.c.queue.push(lab.say, { kind: "said", t: 6, text: "settled" });
      lab.c.queue.drain();
      worker.c.queue.drain();
      await turn();
      expect(sweeps).toBe(2);
      expect(worker.texts(worker.recorder.recent())).toEqual(["write", "swept 1", "settled", "swept 2"]);
    });

    it("makes the same records of typed arrays on both sides as on Socket.IO's thread (a copy of received bytes is a Buffer)", () => {
      const { lab, worker } = pair();
      const thread = queue();
      const made: unknown[] = [];
      const got: unknown[] = [];
      const keep = (r: unknown): void => void made.push(r);
      worker.c.queue.register("engine", (r: unknown) => got.push(r));
      worker.c.queue.register("socketio", (r: unknown) => got.push(r));
      lab.c.queue.register("engine", keep);
      lab.c.queue.register("socketio", keep);
      const u8 = new Uint8Array([1, 2, 3]);
      const f32 = new Float32Array([1.5]);
      const ab = new Uint8Array([9]).buffer;
      for (const q of [lab.c.queue, thread.c.queue]) {
        q.socketioEncode(keep, 1, "client-1", "client", "abc", ['452-["bytes",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]', u8, f32]);
        q.socketioAdd(keep, 2, "server", 3, u8);
        q.enginePacket(keep, 3, "server", "in", "abc", "polling", "message", f32);
        q.enginePacket(keep, 4, "server", "out", "abc", "polling", "message", u8);
        q.enginePacket(keep, 5, "server", "in", "abc", "polling", "message", ab);
      }
      thread.c.queue.drain();
      lab.c.queue.drain();
      worker.c.queue.drain();
      expect(made).toHaveLength(5);
      expect(got).toStrictEqual(made);
      expect(Buffer.isBuffer((got[0] as { out: unknown[] }).out[1])).toBe(true);
      expect((got[3] as { data: unknown }).data).toBeInstanceOf(Uint8Array);
    });

    it("tells the lab's side of each batch as soon as its records are applied, not at the end of a long drain", () => {
      const { lab, worker, applied } = pair();
      const seenWhenApplying: number[] = [];
      worker.c.queue.register("counted", () => seenWhenApplying.push(applied.length));
      lab.c.queue.register("counted", () => {});
      for (let i = 0; i < 3; i++) {
        lab.c.queue.pushNamed("counted", { t: i });
        lab.c.queue.drain();
      }
      worker.c.queue.drain();
      expect(seenWhenApplying).toEqual([0, 1, 2]);
      expect(applied).toHaveLength(3);
    });

    it("stops at records it cannot read, saying so, and reads nothing after them", () => {
      const { lab, worker } = pair();
      lab.c.queue.push(lab.say, { kind: "said", t: 1, text: "fine" });
      lab.c.queue.drain();
      worker.c.queue.receive({ bytes: new Uint8Array([250, 1, 2]).buffer, count: 1 });
      lab.c.queue.push(lab.say, { kind: "said", t: 2, text: "after" });
      lab.c.queue.drain();
      expect(() => worker.c.queue.drain()).toThrow(UnreadableRecords);
      expect(worker.applied).toEqual(["fine"]);
      expect(worker.c.queue.waiting).toBe(false);
    });

    it("sends a record whose data cannot go as it is as its plain copy", () => {
      const { lab, worker } = pair();
      const got: unknown[] = [];
      worker.c.queue.register("engine", (r: unknown) => got.push(r));
      const apply = (): void => {};
      lab.c.queue.register("engine", apply);
      lab.c.queue.enginePacket(apply, 4, "server", "out", "abc", "websocket", "message", { f: () => 1, n: 2 });
      lab.c.queue.drain();
      worker.c.queue.drain();
      expect(got).toEqual([{ kind: "packet", t: 4, host: "server", dir: "out", sid: "abc", transport: "websocket", type: "message", data: { f: "[callback]", n: 2 } }]);
    });
  });
});
