// A full disk: a lab recording to a 64 KiB tmpfs keeps running when the disk fills, says once
// (a lab error and a log line) that recording stopped and why, and the file reads back up to
// its last complete line. Needs root to mount the tmpfs; elsewhere a writer whose fs calls
// fail with ENOSPC after a few bytes stands in, and the tmpfs case says it was skipped.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { execFileSync } from "node:child_process";
import { closeSync, ftruncateSync, mkdtempSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLab, APP, type Lab } from "../../src/main/lab/lab.js";
import { createRecorder } from "../../src/main/trace/recorder.js";
import { createTraceWriter } from "../../src/main/trace/trace-writer.js";
import { readTraceFile } from "../../src/main/trace/trace-reader.js";
import { TRACE_FORMAT, TRACE_VERSION, type TraceEvent, type TraceHeader } from "../../src/shared/trace/types.js";
import { waitFor } from "../helpers/wait-for.js";

const header: TraceHeader = { format: TRACE_FORMAT, version: TRACE_VERSION, createdAt: new Date().toISOString(), app: APP };
const mount = mkdtempSync(join(tmpdir(), "ss-enospc-"));
let mounted = false;
beforeAll(() => {
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mount], { stdio: "ignore" });
    mounted = true;
  } catch {
    mounted = false;
  }
});
afterAll(() => {
  if (mounted) execFileSync("umount", [mount]);
});

const writeErrors = (events: TraceEvent[]): string[] => events.flatMap((e) => (e.layer === "lab" && e.kind === "error" && /^recording to /.test(e.message) ? [e.message] : []));

describe("a full disk", () => {
  it("on a 64 KiB tmpfs: the lab goes on, says once why the file stopped, and the file reads to its last whole line", async (ctx) => {
    if (!mounted) ctx.skip("cannot mount a tmpfs here (needs root); the fake-fs case below covers the writer");
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const file = join(mount, "trace.ndjson");
    const recorder = createRecorder({ header, file });
    const events: TraceEvent[] = [];
    recorder.subscribe((b) => events.push(...b));
    let lab: Lab | undefined;
    let lines: string[] = [];
    try {
      lab = await createLab({ port: 0, recorder });
      const client = await lab.addClient({ transports: "websocket" });
      // 200 acked emits of 1 KB: several hundred KB of trace, far over 64 KiB
      for (let i = 0; i < 200; i++) await new Promise((r) => client.socket("/").emit("hello", "x".repeat(1024), r));
      await waitFor(() => writeErrors(events).length > 0, "the write error");
      const after = await lab.addClient({ transports: "websocket" });
      expect(await new Promise((r) => after.socket("/").emit("hello", "still here", r))).toBe("got it");
    } finally {
      await lab?.dispose();
      recorder.close();
      lines = logged.mock.calls.map((c) => String(c[0]));
      logged.mockRestore();
    }
    expect(writeErrors(events)).toHaveLength(1);
    expect(writeErrors(events)[0]).toMatch(/ENOSPC/);
    expect(lines.filter((l) => /recording to .* stopped/.test(l))).toHaveLength(1);
    const trace = await readTraceFile(file);
    expect(trace.torn).toBeUndefined();
    expect(trace.events.length).toBeGreaterThan(10);
    expect(trace.events.map((e) => e.id)).toEqual(events.slice(0, trace.events.length).map((e) => e.id));
  });

  it("with fs calls that fail (ENOSPC after a short write): the file is cut to whole lines, the error said once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ss-enospc-fake-"));
    const file = join(dir, "trace.ndjson");
    let budget = 700; // bytes the "disk" takes before it is full
    const full = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    const fs = {
      writeSync: ((fd: number, buf: Buffer, off: number, len: number) => {
        if (budget <= 0) throw full;
        const n = Math.min(len, budget);
        budget -= n;
        return writeSync(fd, buf, off, n);
      }) as typeof writeSync,
      ftruncateSync,
      closeSync,
    };
    const errors: Error[] = [];
    const writer = createTraceWriter(file, header, { fs, onError: (e) => errors.push(e) });
    const ev = (id: number): TraceEvent => ({ id, t: id, host: "server", layer: "lab", kind: "log", text: "y".repeat(100) }) as TraceEvent;
    for (let id = 1; id <= 20; id++) writer.append([ev(id)]);
    writer.close();
    expect(errors.map((e) => (e as NodeJS.ErrnoException).code)).toEqual(["ENOSPC"]);
    const trace = await readTraceFile(file);
    expect(trace.torn).toBeUndefined();
    expect(trace.events.map((e) => e.id)).toEqual(Array.from({ length: trace.events.length }, (_, i) => i + 1));
    expect(trace.events.length).toBeGreaterThan(0);
  });
});
