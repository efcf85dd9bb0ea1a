// @vitest-environment node
// `export`: the hello-ack trace as pcapng (Wireshark's tshark dissects its WebSocket frames
// with the trace's payloads, where tshark exists) and as Chrome trace events for Perfetto.

import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportCommand } from "../../../src/main/cli/export-command.js";
import { runScenarioToFile } from "../../../src/main/cli/run-scenario.js";
import type { ChromeTrace } from "../../../src/shared/export/chrome-trace.js";
import type { TraceEvent } from "../../../src/shared/trace/types.js";

const dir = mkdtempSync(join(tmpdir(), "export-"));
const trace = join(dir, "t.ndjson");
let events: TraceEvent[];
let port: number;

beforeAll(async () => {
  const result = await runScenarioToFile("hello-ack", trace, { port: 0 });
  expect(result.ok).toBe(true);
  events = result.events;
  const listen = events.find((e) => e.layer === "lab" && e.kind === "listen" && e.service === "socket.io");
  port = listen?.layer === "lab" && listen.kind === "listen" ? listen.port : 0;
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  return { code: await exportCommand(args, (l) => lines.push(l)), lines };
}

/** The pcapng's blocks: type, and for packets the IPv4 packet and its comment. */
function blocks(bytes: Buffer): { type: number; packet?: Buffer; comment?: string }[] {
  const out: { type: number; packet?: Buffer; comment?: string }[] = [];
  for (let at = 0; at < bytes.length; ) {
    const type = bytes.readUInt32LE(at);
    const length = bytes.readUInt32LE(at + 4);
    expect(bytes.readUInt32LE(at + length - 4)).toBe(length);
    if (type === 6) {
      const caplen = bytes.readUInt32LE(at + 20);
      const packet = bytes.subarray(at + 28, at + 28 + caplen);
      const opt = at + 28 + ((caplen + 3) & ~3);
      const comment = bytes.readUInt16LE(opt) === 1 ? bytes.subarray(opt + 4, opt + 4 + bytes.readUInt16LE(opt + 2)).toString() : undefined;
      out.push({ type, packet, ...(comment ? { comment } : {}) });
    } else out.push({ type });
    at += length;
  }
  return out;
}

const sum16 = (b: Buffer): number => {
  let s = 0;
  for (let i = 0; i < b.length; i += 2) s += (b[i]! << 8) | (b[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
};

describe("export --pcap", () => {
  it("writes a pcapng of modelled IPv4/TCP packets, each commented as a model, with valid checksums", async () => {
    const out = join(dir, "t.pcapng");
    const { code, lines } = await run([trace, "--pcap", out]);
    expect(code, lines.join("\n")).toBe(0);
    const all = blocks(readFileSync(out));
    expect(all[0]!.type).toBe(0x0a0d0d0a);
    expect(all[1]!.type).toBe(1);
    const packets = all.filter((b) => b.type === 6);
    expect(packets.length).toBeGreaterThan(20);
    for (const p of packets) {
      expect(p.comment).toMatch(/^modelled segment/);
      const ip = p.packet!;
      expect(ip[0]).toBe(0x45);
      expect(ip.readUInt16BE(2)).toBe(ip.length);
      expect(sum16(ip.subarray(0, 20))).toBe(0xffff);
      const pseudo = Buffer.concat([ip.subarray(12, 20), Buffer.from([0, 6]), Buffer.from([(ip.length - 20) >> 8, (ip.length - 20) & 0xff])]);
      expect(sum16(Buffer.concat([pseudo, ip.subarray(20)]))).toBe(0xffff);
    }
  });

  const haveTshark = spawnSync("tshark", ["--version"]).status === 0;
  it.skipIf(!haveTshark && process.env.SOCKETSCOPE_REQUIRE_WIRESHARK !== "1")("tshark reads it and dissects its WebSocket frames with the trace's payloads (needs Debian's tshark)", async () => {
    const out = join(dir, "w.pcapng");
    expect((await run([trace, "--pcap", out])).code).toBe(0);
    const text = execFileSync("tshark", ["-r", out, "-d", `tcp.port==${port},http`, "-Y", "websocket.opcode == 1", "-T", "fields", "-e", "websocket.payload.text"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const payloads = text.trim().split("\n");
    // What the trace's ws text frames carried, in the order they were sent (unique per direction here).
    const expected = events.filter((e) => e.layer === "wire" && e.kind === "ws-frame" && e.opcode === 1 && e.dir === "out").map((e) => (e.layer === "wire" ? e.preview : ""));
    expect([...payloads].sort()).toEqual([...expected].sort());
    expect(payloads).toContain('420["hello","world"]');
    expect(payloads).toContain('430["got it"]');
  });
});

describe("export --perfetto", () => {
  it("writes Chrome trace events: a process per host, tracks per layer, instants, step spans and flows along parents", async () => {
    const out = join(dir, "t.json");
    expect((await run([trace, "--perfetto", out])).code).toBe(0);
    const json = JSON.parse(readFileSync(out, "utf8")) as ChromeTrace;
    const hosts = json.traceEvents.filter((e) => e.ph === "M" && e.name === "process_name").map((e) => e.args!.name);
    expect(hosts).toEqual(expect.arrayContaining(["server", "client-1"]));
    for (const e of json.traceEvents) {
      expect(["i", "X", "M", "s", "f"]).toContain(e.ph);
      expect(Number.isInteger(e.pid) && Number.isInteger(e.tid)).toBe(true);
      if (e.ph !== "M") expect(Number.isFinite(e.ts)).toBe(true);
    }
    const instants = json.traceEvents.filter((e) => e.ph === "i");
    expect(instants).toHaveLength(events.filter((e) => !(e.layer === "lab" && e.kind === "step")).length);
    const starts = json.traceEvents.filter((e) => e.ph === "s");
    const finishes = json.traceEvents.filter((e) => e.ph === "f");
    expect(starts.length).toBeGreaterThan(20);
    expect(new Set(finishes.map((f) => f.id))).toEqual(new Set(starts.map((s) => s.id)));
    // The emit's event id leads, by flows, to the server's receive and back to the ack-receive.
    const idOf = (pred: (e: TraceEvent) => boolean): number => events.find(pred)!.id;
    const emit = idOf((e) => e.layer === "api" && e.kind === "emit");
    const ackReceive = idOf((e) => e.layer === "api" && e.kind === "ack-receive");
    const byTs = (ts: number | undefined, pid: number, tid: number) => instants.find((i) => i.ts === ts && i.pid === pid && i.tid === tid)?.args?.id as number | undefined;
    const next = new Map<number, number[]>();
    for (const s of starts) {
      const f = finishes.find((x) => x.id === s.id)!;
      const a = byTs(s.ts, s.pid, s.tid);
      const b = byTs(f.ts, f.pid, f.tid);
      if (a !== undefined && b !== undefined) next.set(a, [...(next.get(a) ?? []), b]);
    }
    const seen = new Set<number>([emit]);
    const queue = [emit];
    while (queue.length) {
      for (const n of next.get(queue.shift()!) ?? []) {
        if (seen.has(n)) continue;
        seen.add(n);
        queue.push(n);
      }
    }
    expect(seen.has(idOf((e) => e.layer === "api" && e.kind === "receive" && e.host === "server"))).toBe(true);
    expect(json.traceEvents.some((e) => e.ph === "X" && e.cat === "step")).toBe(true);
    expect(ackReceive).toBeGreaterThan(emit);
  });

  it("refuses a call that says nothing to write, or a trace that is not there", async () => {
    expect((await run([trace])).code).toBe(2);
    expect((await run([join(dir, "nope.ndjson"), "--perfetto", join(dir, "x.json")])).code).toBe(1);
  });
});
