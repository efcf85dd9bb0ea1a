// A short summary of a trace for the command line: hosts, connections, events per layer.

import { LAYERS, type TraceEvent } from "../../shared/trace/types.js";

export function summarize(events: readonly TraceEvent[]): string[] {
  const lines: string[] = [];
  const hosts = events.filter((e) => e.layer === "lab" && e.kind === "host" && !e.removed);
  lines.push(`hosts: ${hosts.map((h) => (h.kind === "host" ? `${h.host} (${h.ips.join(", ")})` : "")).join(", ")}`);
  const opens = events.filter((e) => e.layer === "tcp" && e.kind === "open" && e.role === "client");
  const serverOpens = events.filter((e) => e.layer === "tcp" && e.kind === "open" && e.role === "server");
  lines.push(`connections: ${Math.max(opens.length, serverOpens.length)}`);
  for (const e of opens.length ? opens : serverOpens) {
    if (e.layer === "tcp" && e.kind === "open") lines.push(`  ${e.conn}: ${e.local.ip}:${e.local.port} ↔ ${e.remote.ip}:${e.remote.port}`);
  }
  const closes = events.filter((e) => e.layer === "tcp" && e.kind === "close");
  const failed = closes.filter((e) => e.layer === "tcp" && e.kind === "close" && !e.checked);
  lines.push(`byte self-check: ${closes.length - failed.length}/${closes.length} connections match bytesRead/bytesWritten`);
  const counts = LAYERS.map((l) => `${l} ${events.filter((e) => e.layer === l).length}`);
  lines.push(`events: ${events.length} (${counts.join(", ")})`);
  const errors = events.filter((e) => e.layer === "lab" && e.kind === "error");
  for (const e of errors) if (e.layer === "lab" && e.kind === "error") lines.push(`${e.level === "notice" ? "notice" : "error"}: ${e.message}`);
  return lines;
}
