// `tcp <trace>`: runs the TCP model over a trace's real bytes and prints the modelled segments,
// as a Wireshark-like table or as JSON lines. The numbers are a model, and the output says so.

import { parseArgs } from "node:util";
import { clampNetwork } from "../../shared/network-limits.js";
import { DEFAULT_NETWORK, type NetworkSettings } from "../../shared/network-settings.js";
import { encodeBase64 } from "../../shared/tcp/base64.js";
import { displayAck, displaySeq, segmentNotes } from "../../shared/tcp/display.js";
import { extractConnections } from "../../shared/tcp/extract.js";
import { ModelBudgetError } from "../../shared/tcp/budget.js";
import { simulate } from "../../shared/tcp/model.js";
import { networkFromTrace } from "../../shared/tcp/trace-settings.js";
import type { ConnectionOutput, Side } from "../../shared/tcp/types.js";
import type { Endpoint } from "../../shared/trace/types.js";
import { readTraceFile } from "../trace/trace-reader.js";

export const TCP_USAGE = `usage: socketscope-lab tcp <trace> [--conn ID] [--loss P] [--latency MS] [--mss N] [--seed N] [--drop I] [--json] [--absolute]

  Models the TCP segments of each connection in <trace> from its real bytes.
  --conn ID      only this connection (a conn id of either end, e.g. client-1/tcp1)
  --loss P       probability in [0, 1) that a segment is lost (at most 0.9 is used)
  --latency MS   one-way latency in ms
  --mss N        maximum segment size in bytes
  --seed N       seed of the random source (losses, ISNs)
  --drop I       drop the segment with index I (repeat, or I,J,…)
  --json         one JSON object per line: isn, segment, delivery
  --absolute     absolute sequence numbers in the table (default: relative, as Wireshark)
  Settings not given come from the trace's scenario, else from the defaults.`;

export async function tcpCommand(args: string[], print: (line: string) => void): Promise<number> {
  const usage = (why: string): number => {
    print(`error: ${why}`);
    print(TCP_USAGE);
    return 2;
  };
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (err) {
    return usage((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) return usage(positionals.length === 0 ? "tcp needs a trace file" : `one trace file, got ${positionals.length}`);
  const overrides: Partial<NetworkSettings> = {};
  if (values.loss !== undefined) {
    const loss = Number(values.loss);
    if (!(loss >= 0 && loss < 1)) return usage("--loss must be a number in [0, 1)");
    overrides.loss = loss;
  }
  if (values.latency !== undefined) {
    const latency = Number(values.latency);
    if (!(latency >= 0) || !Number.isFinite(latency)) return usage("--latency must be a number of ms, 0 or more");
    overrides.latency = latency;
  }
  if (values.mss !== undefined) {
    const mss = Number(values.mss);
    if (!Number.isInteger(mss) || mss < 1 || mss > 65535) return usage("--mss must be an integer from 1 to 65535");
    overrides.mss = mss;
  }
  if (values.seed !== undefined) {
    const seed = Number(values.seed);
    if (!Number.isInteger(seed)) return usage("--seed must be an integer");
    overrides.seed = seed;
  }
  if (values.drop !== undefined) {
    const drop = values.drop.flatMap((d) => d.split(",")).map((d) => Number(d));
    if (!drop.every((d) => Number.isInteger(d) && d >= 0)) return usage("--drop must be segment indices (integers, 0 or more)");
    overrides.drop = drop;
  }

  const path = positionals[0]!;
  let trace: Awaited<ReturnType<typeof readTraceFile>>;
  try {
    trace = await readTraceFile(path);
  } catch (err) {
    print(`error: ${(err as Error).message}`);
    return 1;
  }
  // the trace's settings and the options alike are brought into their documented ranges
  const settings: NetworkSettings = clampNetwork({ ...networkFromTrace(trace.events, DEFAULT_NETWORK), ...overrides });
  if (values.absolute) settings.relative = false;

  const inputs = extractConnections(trace.events);
  let outputs: ConnectionOutput[];
  try {
    outputs = simulate(inputs, settings);
  } catch (err) {
    if (!(err instanceof ModelBudgetError)) throw err;
    print(`error: ${err.message}`);
    return 1;
  }
  const chosen = values.conn === undefined ? outputs : outputs.filter((o) => o.conn === values.conn || Object.values(o.traceConns).includes(values.conn!));
  if (values.conn !== undefined && chosen.length === 0) {
    return usage(`no connection "${values.conn}" in ${path}; it has: ${outputs.map((o) => o.conn).join(", ") || "none"}`);
  }
  if (values.json) for (const out of chosen) printJson(out, print);
  else {
    if (chosen.length === 0) print(`${path}: no TCP connections`);
    for (const out of chosen) printTable(out, settings, print);
  }
  return 0;
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      conn: { type: "string" },
      loss: { type: "string" },
      latency: { type: "string" },
      mss: { type: "string" },
      seed: { type: "string" },
      drop: { type: "string", multiple: true },
      json: { type: "boolean" },
      absolute: { type: "boolean" },
    },
  });
}

const ep = (e: Endpoint): string => (e.ip.includes(":") ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`);
const endpointOf = (out: ConnectionOutput, side: Side): string => ep(out[side]);
const ms = (t: number): number => Math.round(t * 1000) / 1000;

function printJson(out: ConnectionOutput, print: (line: string) => void): void {
  for (const side of ["client", "server"] as const) {
    const to: Side = side === "client" ? "server" : "client";
    print(JSON.stringify({ type: "isn", conn: out.conn, from: endpointOf(out, side), to: endpointOf(out, to), isn: out.isn[side] }));
  }
  for (const s of out.segments) {
    print(
      JSON.stringify({
        type: "segment",
        conn: out.conn,
        from: endpointOf(out, s.from),
        to: endpointOf(out, s.to),
        sent: ms(s.sent),
        arrived: s.arrived === null ? null : ms(s.arrived),
        flags: s.flags,
        seq: s.seq,
        ack: s.ack,
        len: s.len,
        window: s.window,
        payload: encodeBase64(s.payload),
        lost: s.lost,
        retransmission: s.retransmission,
        duplicate: s.duplicate,
        outOfOrder: s.outOfOrder,
      }),
    );
  }
  for (const d of out.deliveries) {
    print(JSON.stringify({ type: "delivery", conn: out.conn, to: endpointOf(out, d.to), t: ms(d.t), offset: d.offset, length: d.length }));
  }
}

function printTable(out: ConnectionOutput, settings: NetworkSettings, print: (line: string) => void): void {
  const c = endpointOf(out, "client");
  const s = endpointOf(out, "server");
  print(`TCP model of ${out.conn}: ${c} → ${s}   (modelled from the real bytes, not captured)`);
  print(
    `  MSS ${settings.mss}, latency ${settings.latency} ms, loss ${settings.loss}, duplication ${settings.duplication}, reordering ${settings.reordering}, seed ${settings.seed}` +
      (settings.drop.length ? `, drop ${settings.drop.join(",")}` : ""),
  );
  print(`  ISN ${c} → ${s}: ${out.isn.client}; ${s} → ${c}: ${out.isn.server}; sequence numbers ${settings.relative ? "relative" : "absolute"}`);
  const rows = out.segments.map((seg) => [
    String(seg.index),
    fixed(seg.sent),
    seg.arrived === null ? "—" : fixed(seg.arrived),
    `${endpointOf(out, seg.from)} → ${endpointOf(out, seg.to)}`,
    `[${seg.flags.join(", ")}]`,
    String(displaySeq(seg, out.isn, settings.relative)),
    String(displayAck(seg, out.isn, settings.relative)),
    String(seg.len),
    String(seg.window),
    segmentNotes(seg).join(" "),
  ]);
  const head = ["No.", "Sent", "Arrived", "Source → Destination", "Flags", "Seq", "Ack", "Len", "Win", "Notes"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const right = new Set([0, 1, 2, 5, 6, 7, 8]);
  const line = (r: string[]): string =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : right.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  print(line(head));
  for (const r of rows) print(line(r));
  for (const to of ["server", "client"] as const) {
    const ds = out.deliveries.filter((d) => d.to === to);
    const bytes = ds.reduce((n, d) => n + d.length, 0);
    print(`  delivered to ${endpointOf(out, to)}: ${bytes} bytes in order${ds.length ? `, the last at ${fixed(ds[ds.length - 1]!.t)} ms` : ""}`);
  }
  const count = (p: (x: (typeof out.segments)[number]) => boolean): number => out.segments.filter(p).length;
  print(
    `  ${out.segments.length} segments: ${count((x) => x.lost)} lost, ${count((x) => x.retransmission)} retransmissions, ` +
      `${count((x) => x.dupAck)} duplicate ACKs, ${count((x) => x.outOfOrder)} out of order, ${count((x) => x.duplicate)} duplicated by the network`,
  );
  for (const w of out.warnings) print(`  warning: ${w}`);
  print("");
}

const fixed = (t: number): string => t.toFixed(3);
