// @vitest-environment node
// The `tcp` command over a real lossy-tcp trace: the table's notes, the JSON lines' exact fields,
// reassembly of the payloads to the real bytes, and usage errors.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runScenarioToFile } from "../../../src/main/cli/run-scenario.js";
import { tcpCommand } from "../../../src/main/cli/tcp-command.js";
import { extractConnections } from "../../../src/shared/tcp/extract.js";

const dir = mkdtempSync(join(tmpdir(), "tcp-command-"));
const trace = join(dir, "t.ndjson");
let realBytes: { c2s: Buffer; s2c: Buffer; conn: string };

async function run(args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await tcpCommand(args, (l) => lines.push(l));
  return { code, lines };
}

beforeAll(async () => {
  const result = await runScenarioToFile("lossy-tcp", trace, { port: 0 });
  expect(result.ok).toBe(true);
  const [input] = extractConnections(result.events);
  const cat = (from: "client" | "server") => Buffer.concat(input!.chunks.filter((c) => c.from === from).map((c) => Buffer.from(c.bytes)));
  realBytes = { c2s: cat("client"), s2c: cat("server"), conn: input!.conn };
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("tcp <trace>", () => {
  it("prints a Wireshark-like table with a handshake, losses, retransmissions, dup ACKs and out-of-order arrivals", async () => {
    const { code, lines } = await run([trace, "--loss", "0.2", "--seed", "7"]);
    expect(code).toBe(0);
    const text = lines.join("\n");
    expect(text).toMatch(/No\.\s+Sent\s+Arrived\s+Source → Destination\s+Flags\s+Seq\s+Ack\s+Len\s+Win\s+Notes/);
    expect(text).toContain("[SYN]");
    expect(text).toContain("[SYN, ACK]");
    // The real connection ends cleanly or is reset by the server, depending on the run.
    expect(text).toMatch(/\[FIN, ACK\]|\[RST, ACK\]/);
    for (const note of ["[TCP Retransmission]", "[TCP Dup ACK]", "[TCP Out-Of-Order]", "[lost]"]) expect(text).toContain(note);
    expect(text).toContain("modelled");
  });

  it("--json: isn, segment and delivery lines with exactly the fields of the issue; payloads reassemble to the real bytes", async () => {
    const { code, lines } = await run([trace, "--json", "--loss", "0.2", "--seed", "7"]);
    expect(code).toBe(0);
    const objs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const isn = objs.filter((o) => o.type === "isn");
    const segs = objs.filter((o) => o.type === "segment");
    const dels = objs.filter((o) => o.type === "delivery");
    expect(isn).toHaveLength(2);
    expect(isn.length + segs.length + dels.length).toBe(objs.length);
    for (const o of isn) expect(Object.keys(o)).toEqual(["type", "conn", "from", "to", "isn"]);
    for (const o of segs) {
      expect(Object.keys(o)).toEqual(["type", "conn", "from", "to", "sent", "arrived", "flags", "seq", "ack", "len", "window", "payload", "lost", "retransmission", "duplicate", "outOfOrder"]);
    }
    for (const o of dels) expect(Object.keys(o)).toEqual(["type", "conn", "to", "t", "offset", "length"]);
    expect(segs.some((o) => o.lost)).toBe(true);

    // Place every arrived payload at seq − isn − 1 (mod 2^32) in its direction's stream.
    const isnOf = new Map(isn.map((o) => [o.from as string, o.isn as number]));
    const streams = new Map<string, Buffer>();
    for (const o of segs) {
      if (o.arrived === null || (o.len as number) === 0) continue;
      const from = o.from as string;
      const at = (((o.seq as number) - isnOf.get(from)! - 1) % 2 ** 32 + 2 ** 32) % 2 ** 32;
      const payload = Buffer.from(o.payload as string, "base64");
      const prev = streams.get(from) ?? Buffer.alloc(0);
      const next = Buffer.alloc(Math.max(prev.length, at + payload.length));
      prev.copy(next);
      payload.copy(next, at);
      streams.set(from, next);
    }
    const client = (isn[0]!.from as string);
    const server = (isn[0]!.to as string);
    expect(streams.get(client)).toEqual(realBytes.c2s);
    expect(streams.get(server)).toEqual(realBytes.s2c);
    // Deliveries cover each direction exactly once, in order.
    for (const [to, bytes] of [[server, realBytes.c2s], [client, realBytes.s2c]] as const) {
      const ds = dels.filter((d) => d.to === to);
      let pos = 0;
      for (const d of ds) {
        expect(d.offset).toBe(pos);
        pos += d.length as number;
      }
      expect(pos).toBe(bytes.length);
    }
  });

  it("is deterministic and honours --conn, --mss, --latency and --drop", async () => {
    const a = await run([trace, "--json", "--seed", "3", "--loss", "0.3"]);
    const b = await run([trace, "--json", "--seed", "3", "--loss", "0.3"]);
    expect(a.lines).toEqual(b.lines);
    const { lines } = await run([trace, "--json", "--conn", realBytes.conn, "--mss", "100", "--latency", "5", "--loss", "0", "--drop", "0"]);
    const segs = lines.map((l) => JSON.parse(l)).filter((o) => o.type === "segment");
    expect(Math.max(...segs.map((s) => s.len))).toBe(100);
    expect(segs[0]).toMatchObject({ flags: ["SYN"], lost: true });
    expect(segs[1]).toMatchObject({ flags: ["SYN"], retransmission: true, lost: false });
    expect(segs[1].arrived - segs[1].sent).toBeCloseTo(5, 6);
  });

  it.each([
    [[]],
    [["a", "b"]],
    [[trace, "--loss", "1"]],
    [[trace, "--loss", "x"]],
    [[trace, "--mss", "0"]],
    [[trace, "--seed", "1.5"]],
    [[trace, "--drop", "-1"]],
    [[trace, "--latency", "-3"]],
    [[trace, "--bogus"]],
    [[trace, "--conn", "nope"]],
  ])("bad arguments %j → usage and exit code 2", async (args) => {
    const { code, lines } = await run(args as string[]);
    expect(code).toBe(2);
    expect(lines.join("\n")).toContain("usage: socketscope-lab tcp <trace>");
  });

  it("a missing file is an error (exit 1), not a usage error", async () => {
    const { code, lines } = await run([join(dir, "missing.ndjson")]);
    expect(code).toBe(1);
    expect(lines[0]).toMatch(/^error: /);
  });
});
