// @vitest-environment node
// Server messages as ASCII JSON: exact bytes, non-ASCII escaped (surrogate pairs too), and
// what parses back equals the message.
import { describe, expect, it } from "vitest";
import { encodeServerMessage } from "../../../src/main/web/server-message.js";
import { parseServerMessage, type ServerMessage } from "../../../src/shared/web-protocol.js";
import type { TraceEvent } from "../../../src/shared/trace/types.js";

const fault = (id: number, fault: string): TraceEvent => ({ id, t: id, host: "server", layer: "lab", kind: "fault", fault });

describe("encodeServerMessage", () => {
  it.each<[string, ServerMessage, string]>([
    ["an empty batch", { type: "trace", batch: { events: [] } }, '{"type":"trace","batch":{"events":[]}}'],
    [
      "a batch with plain and non-ASCII events",
      { type: "trace", batch: { events: [fault(1, "plain"), fault(2, "a…b 😀")] } },
      '{"type":"trace","batch":{"events":[{"id":1,"t":1,"host":"server","layer":"lab","kind":"fault","fault":"plain"},{"id":2,"t":2,"host":"server","layer":"lab","kind":"fault","fault":"a\\u2026b \\ud83d\\ude00"}]}}',
    ],
    ["a reset", { type: "trace", batch: { reset: true, events: [fault(1, "é")] } }, '{"type":"trace","batch":{"events":[{"id":1,"t":1,"host":"server","layer":"lab","kind":"fault","fault":"\\u00e9"}],"reset":true}}'],
    ["a response", { type: "response", id: 3, ok: false, error: "no “such” scenario" }, '{"type":"response","id":3,"ok":false,"error":"no \\u201csuch\\u201d scenario"}'],
  ])("%s", (_name, message, text) => {
    const encoded = encodeServerMessage(message).toString("latin1");
    expect(encoded).toBe(text);
    expect(/^[\x00-\x7f]*$/.test(encoded)).toBe(true);
    expect(parseServerMessage(encoded)).toEqual({ ok: true, message: JSON.parse(JSON.stringify(message)) });
  });

  it("keeps the batch's other fields (header, reset) and every event, in order", () => {
    const events = Array.from({ length: 1000 }, (_, i) => fault(i + 1, i % 7 === 0 ? "step · one" : "x"));
    const header = { format: "socketscope-trace", version: 1, createdAt: "2026-11-27T00:00:00.000Z", app: { name: "SocketScope", version: "0.1.0" } } as const;
    const parsed = JSON.parse(encodeServerMessage({ type: "trace", batch: { reset: true, header, events } }).toString("utf8"));
    expect(parsed).toEqual({ type: "trace", batch: { reset: true, header, events } });
  });
});
