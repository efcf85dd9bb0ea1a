// What must repeat when a scenario runs twice with the same seed, once ids, ports, sids and
// times are set aside. On a real network some things race: two TCP connections of one host
// (the upgrade probe against a polling response), whether a keep-alive socket is reused, how
// many long-poll cycles happen and how packets are batched into POSTs. So the signature holds
// the API and Socket.IO layers per host, Engine.IO packets per host and transport (without
// the `noop` that ends a long-poll), and each WebSocket connection's frames in order.
import type { TraceEvent } from "../../src/shared/trace/types.js";

export function traceSignature(events: readonly TraceEvent[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const push = (key: string, value: string) => (out[key] ??= []).push(value);
  const frames = new Map<string, string[]>();
  for (const e of events) {
    const detail = "type" in e ? String(e.type) : "";
    const sig = `${e.kind}:${detail}:${e.dir ?? ""}`;
    switch (e.layer) {
      case "tcp":
      case "lab":
        break;
      case "wire":
        if (e.conn && (e.kind === "ws-frame" || e.kind === "ws-upgrade")) frames.set(e.conn, [...(frames.get(e.conn) ?? []), `${e.kind}:${e.dir}`]);
        break;
      case "engine":
        if (e.type !== "noop") push(`${e.host} engine ${e.transport ?? "?"}`, sig);
        break;
      default:
        push(`${e.host} ${e.layer}`, sig);
    }
  }
  out["websocket connections"] = [...frames.entries()].map(([conn, seq]) => `${conn.split("/")[0]} ${seq.join(",")}`).sort();
  return out;
}
