// `export <trace> --pcap F | --perfetto F`: a trace for other tools. The pcapng holds the TCP
// model's segments (labelled as modelled) so Wireshark dissects the real HTTP and WebSocket
// bytes; the JSON is the Chrome trace event format that Perfetto opens.

import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { toChromeTrace } from "../../shared/export/chrome-trace.js";
import { toPcapng } from "../../shared/export/pcapng.js";
import { clampNetwork } from "../../shared/network-limits.js";
import { DEFAULT_NETWORK } from "../../shared/network-settings.js";
import { ModelBudgetError } from "../../shared/tcp/budget.js";
import { extractConnections } from "../../shared/tcp/extract.js";
import { simulate } from "../../shared/tcp/model.js";
import { networkFromTrace } from "../../shared/tcp/trace-settings.js";
import { readTraceFile } from "../trace/trace-reader.js";

export const EXPORT_USAGE = `usage: socketscope-lab export <trace> [--pcap <file.pcapng>] [--perfetto <file.json>]

  --pcap F       the TCP model's segments as pcapng (IPv4/TCP headers synthesized around the
                 real payloads, every packet commented as modelled): open it in Wireshark
  --perfetto F   the trace in the Chrome trace event format: open it in Perfetto (ui.perfetto.dev)
                 or chrome://tracing; one track per host and layer, arrows along parents`;

export async function exportCommand(args: string[], print: (line: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, strict: true, options: { pcap: { type: "string" }, perfetto: { type: "string" } } });
  } catch (err) {
    print(`error: ${(err as Error).message}`);
    print(EXPORT_USAGE);
    return 2;
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1 || (!values.pcap && !values.perfetto)) {
    print(`error: ${positionals.length !== 1 ? "export needs one trace file" : "say what to write: --pcap and/or --perfetto"}`);
    print(EXPORT_USAGE);
    return 2;
  }
  let trace;
  try {
    trace = await readTraceFile(positionals[0]!);
  } catch (err) {
    print(`error: ${(err as Error).message}`);
    return 1;
  }
  if (values.perfetto) {
    const json = toChromeTrace(trace.header, trace.events);
    writeFileSync(values.perfetto, JSON.stringify(json));
    print(`${values.perfetto}: ${json.traceEvents.length} trace events (Chrome trace event format; open in Perfetto)`);
  }
  if (values.pcap) {
    const settings = clampNetwork(networkFromTrace(trace.events, DEFAULT_NETWORK));
    let model;
    try {
      model = simulate(extractConnections(trace.events), settings);
    } catch (err) {
      if (!(err instanceof ModelBudgetError)) throw err;
      print(`error: ${err.message}`);
      return 1;
    }
    const title = `SocketScope trace ${trace.header.scenario ? `of "${trace.header.scenario.title}"` : ""} recorded ${trace.header.createdAt}; model: MSS ${settings.mss}, loss ${settings.loss}, latency ${settings.latency} ms, seed ${settings.seed}`;
    const bytes = toPcapng(model, { epochMs: Date.parse(trace.header.createdAt) || 0, title });
    writeFileSync(values.pcap, bytes);
    const segments = model.reduce((n, c) => n + c.segments.length, 0);
    print(`${values.pcap}: ${segments} modelled segments of ${model.length} connections (pcapng; every packet is a model, say the comments)`);
  }
  return 0;
}
