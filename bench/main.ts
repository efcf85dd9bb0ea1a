// `npm run bench [-- --json] [--quick] [--only capture,pipeline,files,tcp,ui]`: measures capture
// cost, the event pipeline, trace files, the TCP model and the UI, and reports each figure
// against the target. With --json the last line is one JSON object with every field.

import { mkdtempSync, rmSync } from "node:fs";
import { cpus, totalmem, tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import { measureCaptureDeferred } from "./capture-deferred.js";
import { measureCaptureFloor } from "./capture-floor.js";
import { measureCaptureOverhead } from "./capture-overhead.js";
import { measurePipeline } from "./pipeline.js";
import { measureNodeLoad, measureTraceFiles } from "./trace-files.js";
import { measureTcpModel } from "./tcp-model.js";
import { CHROMIUM, measureUi } from "./ui.js";
import { recordScenarios, writeRepeatedTrace } from "./scenario-traces.js";
import { met, targetText } from "./targets.js";

export const SECTIONS = ["capture", "pipeline", "files", "tcp", "ui"] as const;
type Section = (typeof SECTIONS)[number];

/** Every field the issue names, in its order; each null until measured. */
export const FIELDS = [
  "capture_overhead_ws",
  "capture_overhead_polling",
  "pipeline_events_per_s",
  "trace_write_events_per_s",
  "trace_read_events_per_s",
  "trace_bytes_per_event",
  "load_1m_ms",
  "tcp_model_segments_per_s",
  "ui_first_frame_ms",
  "ui_frame_ms_p95",
  "ui_step_ms_p95",
  "ui_heap_mb",
] as const;

export type BenchResult = Record<(typeof FIELDS)[number], number | null> & {
  details: Record<string, number | string | null>;
  machine: { nproc: number; cpu: string; memory_gb: number; node: string; chromium: string | null };
  notes: string[];
  duration_s: number;
};

function chromiumVersion(): string | null {
  const r = spawnSync(CHROMIUM, ["--version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

export async function runBench(options: { quick?: boolean; only?: readonly Section[]; log?: (line: string) => void }): Promise<BenchResult> {
  const quick = options.quick ?? false;
  const only = new Set<Section>(options.only?.length ? options.only : SECTIONS);
  const log = options.log ?? (() => undefined);
  const started = performance.now();
  const result = Object.fromEntries(FIELDS.map((f) => [f, null])) as unknown as BenchResult;
  result.details = {};
  result.notes = [];
  result.machine = { nproc: cpus().length, cpu: cpus()[0]?.model ?? "", memory_gb: Math.round(totalmem() / 2 ** 30), node: process.version, chromium: chromiumVersion() };
  if (quick) result.notes.push("--quick: tiny sizes, for checking the shape only; the figures mean nothing");
  const dir = mkdtempSync(join(tmpdir(), "ss-bench-"));
  const d = result.details;
  try {
    log("recording the scenarios (real lab, port 0)…");
    const traces = await recordScenarios(dir, quick ? ["hello-ack"] : undefined);
    d.scenario_events = traces.reduce((s, t) => s + t.events.length, 0);

    if (only.has("capture")) {
      log("capture overhead over WebSocket…");
      const ws = await measureCaptureOverhead({ transport: "websocket", emits: quick ? 100 : 5000 });
      result.capture_overhead_ws = ws.ratio;
      d.capture_ws_emits = ws.emits;
      d.capture_ws_bare_ms = ws.bareMs;
      d.capture_ws_lab_ms = ws.labMs;
      d.capture_ws_events_per_emit = ws.eventsPerEmit;
      d.capture_ws_cpu_ratio = ws.cpuRatio;
      d.capture_ws_main_cpu_ratio = ws.mainCpuRatio;
      d.capture_ws_catchup_ms = ws.catchUpMs;
      log("capture overhead over long-polling…");
      const poll = await measureCaptureOverhead({ transport: "polling", emits: quick ? 50 : 1000 });
      result.capture_overhead_polling = poll.ratio;
      d.capture_polling_emits = poll.emits;
      d.capture_polling_bare_ms = poll.bareMs;
      d.capture_polling_lab_ms = poll.labMs;
      d.capture_polling_events_per_emit = poll.eventsPerEmit;
      d.capture_polling_cpu_ratio = poll.cpuRatio;
      d.capture_polling_main_cpu_ratio = poll.mainCpuRatio;
      d.capture_polling_catchup_ms = poll.catchUpMs;
      log("capture over WebSocket with the captures on Socket.IO's thread (the lab given its recorder)…");
      const thread = await measureCaptureOverhead({ transport: "websocket", emits: quick ? 100 : 5000, captureIn: "thread" });
      d.capture_thread_ws = thread.ratio;
      d.capture_thread_ws_bare_ms = thread.bareMs;
      d.capture_thread_ws_lab_ms = thread.labMs;
      d.capture_thread_ws_cpu_ratio = thread.cpuRatio;
      d.capture_thread_ws_events_per_emit = thread.eventsPerEmit;
      log("capture floor over WebSocket (the hooks alone, the hooks writing a binary log, the lab's TCP layer alone)…");
      const floor = await measureCaptureFloor({ transport: "websocket", emits: quick ? 100 : 5000 });
      d.capture_floor_ws_hooks = floor.hooksRatio;
      d.capture_floor_ws_binary_log = floor.binaryLogRatio;
      d.capture_floor_ws_records_per_emit = floor.recordsPerEmit;
      d.capture_floor_ws_lab_tcp = floor.labTcpRatio;
      d.capture_floor_ws_lab_tcp_records_per_emit = floor.labTcpRecordsPerEmit;
      log("capture with its records queued, applied after the emits (the lab's real probes alone, then the captures' work)…");
      const deferred = await measureCaptureDeferred({ transport: "websocket", emits: quick ? 100 : 5000, rounds: quick ? 1 : 5 });
      d.capture_probes_only_ws = deferred.probesRatio;
      d.capture_probes_only_ws_ms = deferred.probesMs;
      d.capture_probes_dropped_ws = deferred.probesDroppedRatio;
      d.capture_probes_dropped_ws_ms = deferred.probesDroppedMs;
      d.capture_probes_handoff_ws = deferred.probesHandoffRatio;
      d.capture_probes_handoff_ws_ms = deferred.probesHandoffMs;
      d.capture_handoff_lag_ws_ms = deferred.handoffLagMs;
      d.capture_replay_ws_ms = deferred.applyMs;
      d.capture_probe_records_per_emit = deferred.recordsPerEmit;
    }
    if (only.has("pipeline")) {
      log("event pipeline (Electron bridge and web mode)…");
      const p = await measurePipeline({ traces, events: quick ? 5000 : 200_000 });
      result.pipeline_events_per_s = p.lost === 0 ? p.eventsPerS : null;
      if (p.lost > 0) result.notes.push(`pipeline_events_per_s: ${p.lost} events lost (ids not contiguous): no figure`);
      d.pipeline_electron_events_per_s = p.electronEventsPerS;
      d.pipeline_web_events_per_s = p.webEventsPerS;
      d.pipeline_lost = p.lost;
      d.pipeline_electron_batches_per_s = p.electronBatchesPerS;
      d.pipeline_events = p.events;
    }
    if (only.has("files")) {
      log("trace files…");
      const f = await measureTraceFiles({ dir, traces, events: quick ? 2000 : 200_000 });
      result.trace_write_events_per_s = f.writeEventsPerS;
      result.trace_read_events_per_s = f.readEventsPerS;
      result.trace_bytes_per_event = f.bytesPerEvent;
      d.trace_files_events = f.events;
    }
    if (only.has("tcp")) {
      log("TCP model…");
      const t = await measureTcpModel();
      result.tcp_model_segments_per_s = t.segmentsPerS;
      d.tcp_model_segments = t.segments;
      d.tcp_model_median_ms = t.medianMs;
    }
    if (only.has("ui")) {
      log("UI in headless Chromium (web mode)…");
      const ui = await measureUi({ traces, dir, ...(quick ? { rounds: 2, heapEvents: 2000, bigEvents: 0, stepPresses: 3 } : {}) });
      result.ui_first_frame_ms = ui.firstFrameMs;
      result.ui_frame_ms_p95 = ui.frameMsP95;
      result.ui_step_ms_p95 = ui.stepMsP95;
      result.ui_heap_mb = ui.heapMb;
      result.load_1m_ms = ui.load1mMs;
      d.ui_frame_ms_p95_idle = ui.frameMsP95Idle;
      d.ui_frames_under_load = ui.frames;
      d.ui_events_per_s_under_load = ui.eventsPerSUnderLoad;
      d.ui_step_ms_median = ui.stepMsMedian;
      d.ui_load_100k_ms = ui.load100kMs;
      d.ui_heap_1m_mb = ui.heap1mMb;
      d.trace_1m_file_mb = ui.file1mMb;
      result.notes.push(...ui.notes);
      if (ui.load1mMs === null && !quick) {
        log("load_1m_ms: falling back to the Node streaming reader…");
        const file = join(dir, "node-1m.ndjson");
        await writeRepeatedTrace(file, traces, 1_000_000);
        result.load_1m_ms = Math.round(await measureNodeLoad(file));
        rmSync(file, { force: true });
        result.notes.push("load_1m_ms: measured with the Node-side streaming reader (readTraceFile), not the UI, which could not open it");
      }
    }
    for (const f of FIELDS) if (result[f] === null) result.notes.push(`${f}: not measured in this run`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  result.duration_s = Math.round((performance.now() - started) / 1000);
  return result;
}

export function formatTable(r: BenchResult): string {
  const rows: string[][] = [["field", "value", "target", "met?"]];
  for (const f of FIELDS) {
    const v = r[f];
    rows.push([f, v === null ? "null" : v.toLocaleString("en"), targetText(f), met(f, v)]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]): string => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  const out = [line(rows[0]!), widths.map((w) => "─".repeat(w)).join("  "), ...rows.slice(1).map(line)];
  out.push("", "details:");
  for (const [k, v] of Object.entries(r.details)) out.push(`  ${k}: ${v === null ? "null" : typeof v === "number" ? v.toLocaleString("en") : v}`);
  const m = r.machine;
  out.push("", `machine: ${m.nproc} × ${m.cpu}, ${m.memory_gb} GB, Node ${m.node}, ${m.chromium ?? "no Chromium"}`);
  if (r.notes.length) out.push("", "notes:", ...r.notes.map((n) => `  - ${n}`));
  out.push("", `took ${r.duration_s} s`);
  return out.join("\n");
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { json: { type: "boolean" }, quick: { type: "boolean" }, only: { type: "string" } },
  });
  const only = (values.only ?? "").split(",").filter(Boolean);
  const unknown = only.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown.length) {
    console.error(`unknown section(s) ${unknown.join(", ")}; known: ${SECTIONS.join(", ")}`);
    return 2;
  }
  const log = values.json ? (line: string) => console.error(line) : (line: string) => console.log(line);
  const result = await runBench({ quick: values.quick ?? false, only: only as Section[], log });
  if (values.json) console.log(JSON.stringify(result));
  else console.log(`\n${formatTable(result)}`);
  return 0;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exit(1);
    },
  );
}
