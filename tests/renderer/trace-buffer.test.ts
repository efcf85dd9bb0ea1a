// The trace buffer's id indexes (typed arrays, not Maps) answer as Maps built the plain way would:
// dense and sparse ids, batches of any size, parents that arrive after their children, repeated
// and unknown parents, events dropped for not increasing their id.
import { describe, expect, it } from "vitest";
import { appendEvents, createTraceBuffer, eventById } from "../../src/renderer/src/store/trace-buffer";
import type { TraceEvent } from "../../src/shared/trace/types";

const ev = (id: number, parents?: number[]): TraceEvent => ({ id, t: id, host: "h", layer: "lab", kind: "fault", fault: "x", ...(parents ? { parents } : {}) }) as TraceEvent;

/** What the buffer's indexes should say, built with Maps over the events it kept. */
function reference(events: readonly TraceEvent[]): { index: Map<number, number>; children: Map<number, number[]> } {
  const index = new Map<number, number>();
  const children = new Map<number, number[]>();
  events.forEach((e, i) => {
    index.set(e.id, i);
    for (const p of e.parents ?? []) children.set(p, [...(children.get(p) ?? []), e.id]);
  });
  return { index, children };
}

describe("the trace buffer's indexes", () => {
  it("find events and children as Maps would", () => {
    let seed = 3;
    const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
    for (const gaps of [false, true]) {
      const events: TraceEvent[] = [];
      let id = 5;
      for (let i = 0; i < 5000; i++) {
        id += gaps && rand(5) === 0 ? 2 + rand(40) : 1;
        const parents = rand(3) === 0 ? undefined : Array.from({ length: 1 + rand(3) }, () => (rand(10) === 0 ? id + 1 + rand(3) : id - rand(50)));
        events.push(ev(id, parents));
      }
      // Some events out of order: the buffer drops them.
      events.splice(100, 0, ev(7), ev(events[99]!.id));
      const buf = createTraceBuffer();
      for (let i = 0; i < events.length; ) {
        const n = 1 + rand(700);
        appendEvents(buf, events.slice(i, i + n));
        i += n;
      }
      expect(buf.events).toHaveLength(5000);
      const { index, children } = reference(buf.events);
      for (let q = -50; q <= id + 5; q++) {
        expect(buf.indexById.get(q)).toBe(index.get(q));
        expect(buf.childrenById.get(q)).toEqual(children.get(q));
        expect(eventById(buf, q)).toBe(index.has(q) ? buf.events[index.get(q)!] : undefined);
      }
      for (const q of [-1, 0.5, Number.NaN, Infinity]) {
        expect(buf.indexById.get(q)).toBeUndefined();
        expect(buf.childrenById.get(q)).toEqual(children.get(q));
      }
    }
  });

  it("lists an event among its own children when it names itself", () => {
    const buf = createTraceBuffer();
    appendEvents(buf, [ev(1), ev(2, [2, 1, 1])]);
    expect(buf.childrenById.get(2)).toEqual([2]);
    expect(buf.childrenById.get(1)).toEqual([2, 2]);
    expect(createTraceBuffer().indexById.get(1)).toBeUndefined();
  });
});
