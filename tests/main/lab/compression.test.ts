// The compression scenario on a real lab (port 0): every RSV1 frame, inflated by an independent
// zlib stream per direction of its connection (context takeover), gives exactly the Engine.IO
// packet the trace recorded for it; client 2's frames are never compressed.
import { beforeAll, describe, expect, it } from "vitest";
import { constants, inflateRawSync } from "node:zlib";
import { runScenarioToFile } from "../../../src/main/cli/run-scenario.js";
import type { TraceEvent } from "../../../src/shared/trace/types.js";

let events: TraceEvent[];

beforeAll(async () => {
  const result = await runScenarioToFile("compression", undefined, { port: 0 });
  expect(result.error).toBeUndefined();
  events = result.events;
}, 60_000);

/** One direction's bytes, from its tcp data events. */
function stream(conn: string, dir: "in" | "out"): Buffer {
  return Buffer.concat(events.flatMap((e) => (e.layer === "tcp" && e.kind === "data" && e.conn === conn && e.dir === dir ? [Buffer.from(e.bytes, "base64")] : [])));
}

describe("compression", () => {
  it("inflates every RSV1 frame, with the messages before it as the window, into the engine packet recorded", () => {
    const frames = events.flatMap((e) => (e.layer === "wire" && e.kind === "ws-frame" && e.host === "client-1" && e.dir === "out" ? [e] : []));
    const compressed = frames.filter((f) => f.rsv1);
    expect(compressed.length).toBeGreaterThanOrEqual(2);
    const bytes = stream("client-1/tcp1", "out");
    // The independent reader: raw DEFLATE, each message ended by the 00 00 ff ff tail, the
    // history of the direction's previous messages as the dictionary (RFC 7692 §7.2.2).
    let history = Buffer.alloc(0);
    for (const f of compressed) {
      const head = bytes.subarray(f.offset, f.offset + f.headerLength);
      expect(head[0]! & 0x40).toBe(0x40);
      const key = head.subarray(head.length - 4);
      const payload = Buffer.from(bytes.subarray(f.offset + f.headerLength, f.offset + f.length).map((b, i) => b ^ key[i % 4]!));
      const inflated = inflateRawSync(Buffer.concat([payload, Buffer.from([0, 0, 0xff, 0xff])]), {
        finishFlush: constants.Z_SYNC_FLUSH,
        ...(history.length ? { dictionary: history.subarray(-32768) } : {}),
      });
      history = Buffer.concat([history, inflated]);
      const engine = events.find((e) => e.layer === "engine" && e.host === "client-1" && e.dir === "out" && f.parents?.includes(e.id));
      expect(engine?.layer === "engine" ? `4${engine.data}` : undefined).toBe(inflated.toString("utf8"));
      expect(f.preview.startsWith(inflated.toString("utf8").slice(0, 40))).toBe(true);
    }
    // Context takeover: the same 5,000 characters the second time are a fraction of the first.
    const echoes = compressed.filter((f) => f.preview.startsWith('42') && f.preview.includes('"echo"'));
    expect(echoes).toHaveLength(2);
    expect(echoes[1]!.payloadLength).toBeLessThan(echoes[0]!.payloadLength / 2);
  });

  it("compresses nothing for the client that does not offer the extension, and honours compress(false)", () => {
    expect(events.filter((e) => e.layer === "wire" && e.kind === "ws-frame" && e.host === "client-2" && e.rsv1)).toEqual([]);
    const plain = events.find((e) => e.layer === "wire" && e.kind === "ws-frame" && e.host === "client-1" && e.dir === "out" && e.preview.startsWith('422["echo"'));
    expect(plain).toMatchObject({ payloadLength: expect.any(Number) });
    expect(plain?.layer === "wire" && plain.kind === "ws-frame" ? [plain.rsv1 ?? false, plain.payloadLength > 5000] : []).toEqual([false, true]);
    const upgrade = events.find((e) => e.layer === "wire" && e.kind === "ws-upgrade" && e.host === "client-1");
    expect(upgrade?.layer === "wire" && upgrade.kind === "ws-upgrade" ? upgrade.headers["sec-websocket-extensions"] : undefined).toBe("permessage-deflate");
  });
});
