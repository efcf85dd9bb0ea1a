// `export <trace> --html F | --pcap F | --perfetto F`: a trace to take home or into other
// tools. The HTML is the viewer with the trace inlined (opens from file://, offline); the
// pcapng holds the TCP model's segments (labelled as modelled) so Wireshark dissects the real
// HTTP and WebSocket bytes; the JSON is the Chrome trace event format that Perfetto opens.

import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { standaloneHtml } from "../../shared/export/standalone-html.js";
import { toChromeTrace } from "../../shared/export/chrome-trace.js";
import { toPcapng } from "../../shared/export/pcapng.js";
import { clampNetwork } from "../../shared/network-limits.js";
import { DEFAULT_NETWORK } from "../../shared/network-settings.js";
import { ModelBudgetError } from "../../shared/tcp/budget.js";
import { extractConnections } from "../../shared/tcp/extract.js";
import { simulate } from "../../shared/tcp/model.js";
import { networkFromTrace } from "../../shared/tcp/trace-settings.js";
import type { ConnectionOutput } from "../../shared/tcp/types.js";
import { readTraceFile } from "../trace/trace-reader.js";

export const EXPORT_USAGE = `usage: socketscope-lab export <trace> [--html <file.html>] [--pcap <file.pcapng>] [--perfetto <file.json>]

  --html F       one self-contained web page: the viewer and the trace inlined; opens from
                 file:// in any current browser, offline; deep links #step=N and #event=ID

  --pcap F       the TCP model's segments as pcapng (IPv4/TCP headers synthesized around the
                 real payloads, every packet commented as modelled): open it in Wireshark
  --perfetto F   the trace in the Chrome trace event format: open it in Perfetto (ui.perfetto.dev)
                 or chrome://tracing; one track per host and layer, arrows along parents`;

const parseExportArgs = (args: string[]) =>
  parseArgs({ args, allowPositionals: true, strict: true, options: { html: { type: "string" }, pcap: { type: "string" }, perfetto: { type: "string" }, viewer: { type: "string" } } });

export async function exportCommand(args: string[], print: (line: string) => void): Promise<number> {
  let parsed: ReturnType<typeof parseExportArgs>;
  try {
    parsed = parseExportArgs(args);
  } catch (err) {
    print(`error: ${(err as Error).message}`);
    print(EXPORT_USAGE);
    return 2;
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1 || (!values.pcap && !values.perfetto && !values.html)) {
    print(`error: ${positionals.length !== 1 ? "export needs one trace file" : "say what to write: --html, --pcap and/or --perfetto"}`);
    print(EXPORT_USAGE);
    return 2;
  }
  let trace: Awaited<ReturnType<typeof readTraceFile>>;
  try {
    trace = await readTraceFile(positionals[0]!);
  } catch (err) {
    print(`error: ${(err as Error).message}`);
    return 1;
  }
  if (values.html) {
    const viewer = resolve(values.viewer ?? defaultViewerDir());
    const index = join(viewer, "index.html");
    if (!existsSync(index)) {
      print(`error: the viewer is not built (${index} is missing): run \`npm run build\` first`);
      return 1;
    }
    const html = readFileSync(index, "utf8");
    const asset = (re: RegExp, what: string): string => {
      const ref = re.exec(html)?.[1];
      if (!ref) throw new Error(`${index} references no ${what}`);
      return readFileSync(join(viewer, ref), "utf8");
    };
    const text = readFileSync(positionals[0]!, "utf8");
    const page = await standaloneHtml({
      html,
      script: asset(/<script\b[^>]*\bsrc="\.?\/?([^"]+)"/i, "script"),
      style: asset(/<link\b[^>]*rel="stylesheet"[^>]*href="\.?\/?([^"]+)"/i, "stylesheet"),
      trace: text,
      name: basename(positionals[0]!),
      title: `SocketScope · ${trace.header.scenario?.title ?? basename(positionals[0]!)}`,
      sha256: async (s) => createHash("sha256").update(s, "utf8").digest("base64"),
    });
    writeFileSync(values.html, page);
    print(`${values.html}: ${(Buffer.byteLength(page) / 1024).toFixed(0)} KiB, ${trace.events.length} events; opens from file:// offline (deep links: #step=N, #event=ID)`);
  }
  if (values.perfetto) {
    const json = toChromeTrace(trace.header, trace.events);
    writeFileSync(values.perfetto, JSON.stringify(json));
    print(`${values.perfetto}: ${json.traceEvents.length} trace events (Chrome trace event format; open in Perfetto)`);
  }
  if (values.pcap) {
    const settings = clampNetwork(networkFromTrace(trace.events, DEFAULT_NETWORK));
    let model: ConnectionOutput[];
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

/** The built renderer beside this module: out/renderer from src/main/cli or out/main. */
function defaultViewerDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ["../../..", "../..", ".."]) {
    const dir = join(here, up, "out/renderer");
    if (existsSync(join(dir, "index.html"))) return dir;
  }
  return join(here, "../../../out/renderer");
}

