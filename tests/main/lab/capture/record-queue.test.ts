// The hand-over between the probes and the captures (record-queue.ts): a probe's record is
// applied at the end of the turn, in order, its events stamped with the time the record
// happened; anything recorded or read from elsewhere first lets the queue catch up, so ids
// keep the order things happened in; a record a capture fails on is one lab error and the
// records after it still count.
import { describe, expect, it } from "vitest";
import { Correlator } from "../../../../src/main/lab/capture/correlator.js";
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
});
