// The probes' records hold data only (record-queue.ts): no live object of Socket.IO or Node,
// no function, nothing an application could change after the fact. That is what lets the
// captures apply them later, and what a capture on another thread needs: every record every
// scenario's probes report survives a structured clone (v8.serialize, what a worker thread is
// posted) equal, Buffers still Buffers, in order.
import { deserialize, serialize } from "node:v8";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runScenarioToFile } from "../../../../src/main/cli/run-scenario.js";
import { RecordQueue } from "../../../../src/main/lab/capture/record-queue.js";
import { SCENARIOS } from "../../../../src/main/lab/scenarios/index.js";

/** Every record the probes queue while this is set. */
let seen: object[] | undefined;
const push = RecordQueue.prototype.push;
beforeAll(() => {
  RecordQueue.prototype.push = function (this: RecordQueue, apply, record, to) {
    // Whom a record is for travels as data too (a TCP record's connection id).
    if (to !== undefined && typeof to !== "string") throw new Error(`a record queued for ${typeof to}, not a connection id`);
    seen?.push(record);
    return push.call(this, apply as never, record, to);
  };
});
afterAll(() => {
  RecordQueue.prototype.push = push;
});

/** Fails on a value that is not plain data: a function, a class instance (a socket, a Date), a symbol. */
function plainData(v: unknown, path: string): string | undefined {
  if (v === null || ["undefined", "boolean", "number", "string"].includes(typeof v)) return undefined;
  if (typeof v !== "object") return `${path} is a ${typeof v}`;
  if (Buffer.isBuffer(v) || v instanceof ArrayBuffer || ArrayBuffer.isView(v)) return undefined;
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) {
      const bad = plainData(x, `${path}[${i}]`);
      if (bad) return bad;
    }
    return undefined;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return `${path} is a ${proto?.constructor?.name ?? "class"} instance`;
  for (const [k, x] of Object.entries(v)) {
    const bad = plainData(x, `${path}.${k}`);
    if (bad) return bad;
  }
  return undefined;
}

describe("the probes' records", () => {
  it.each(SCENARIOS.map((s) => s.id))("of the %s scenario are plain data, and read back equal from a structured clone", async (id) => {
    seen = [];
    const run = await runScenarioToFile(id, undefined, { port: 0, seed: 3 });
    const records = seen;
    seen = undefined;
    expect(run.error).toBeUndefined();
    expect(records.length).toBeGreaterThan(20);
    const kinds = new Set(records.map((r) => (r as { kind: string }).kind));
    expect(kinds.size).toBeGreaterThan(5);
    // Connections are made from records too: each tapped socket's first record says what it is.
    expect(kinds.has("tapped")).toBe(true);
    expect(records.map((r, i) => plainData(r, `record ${i} (${(r as { kind: string }).kind})`)).filter(Boolean)).toEqual([]);
    expect(deserialize(serialize(records))).toStrictEqual(records);
  });
});
