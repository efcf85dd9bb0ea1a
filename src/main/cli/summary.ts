// A short summary of a trace for the command line: hosts, connections, the byte self-check,
// events per layer. An accumulator, so a long `serve` session needs no copy of its trace.

import { LAYERS, type Layer, type TraceEvent } from "../../shared/trace/types.js";

export interface Summary {
  add(event: TraceEvent): void;
  lines(): string[];
}

export function createSummary(): Summary {
  const hosts = new Map<string, string>();
  const tuples: string[] = [];
  const perLayer = new Map<Layer, number>(LAYERS.map((l) => [l, 0]));
  const problems: string[] = [];
  let total = 0;
  let closes = 0;
  let failed = 0;
  return {
    add(e) {
      total++;
      perLayer.set(e.layer, (perLayer.get(e.layer) ?? 0) + 1);
      if (e.layer === "lab" && e.kind === "host") {
        // Every host the trace had, including clients the lab removed when it shut down.
        if (!e.removed) hosts.set(e.host, `${e.host} (${e.ips.join(", ")})`);
      } else if (e.layer === "lab" && e.kind === "error") {
        if (problems.length < 20) problems.push(`${e.level === "notice" ? "notice" : "error"}: ${e.message}`);
      } else if (e.layer === "tcp" && e.kind === "open" && (e.role === "client" || !e.peer)) {
        // One line per connection: the client's view, or the server's for a peer the lab did not start.
        if (e.role === "client" || !tuples.some((t) => t.includes(`${e.remote.ip}:${e.remote.port} `))) {
          tuples.push(`  ${e.conn}: ${e.role === "client" ? `${e.local.ip}:${e.local.port} ↔ ${e.remote.ip}:${e.remote.port}` : `${e.remote.ip}:${e.remote.port} ↔ ${e.local.ip}:${e.local.port}`}`);
        }
      } else if (e.layer === "tcp" && e.kind === "close") {
        closes++;
        if (!e.checked) failed++;
      }
    },
    lines() {
      const clientSide = tuples.filter((t) => !t.includes("server/"));
      const shown = clientSide.length ? clientSide : tuples;
      return [
        `hosts: ${[...hosts.values()].join(", ")}`,
        `connections: ${shown.length}`,
        ...shown,
        `byte self-check: ${closes - failed}/${closes} connections match bytesRead/bytesWritten`,
        `events: ${total} (${LAYERS.map((l) => `${l} ${perLayer.get(l)}`).join(", ")})`,
        ...problems,
      ];
    },
  };
}

export function summarize(events: readonly TraceEvent[]): string[] {
  const s = createSummary();
  for (const e of events) s.add(e);
  return s.lines();
}
