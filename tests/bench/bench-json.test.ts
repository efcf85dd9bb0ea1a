// @vitest-environment node
// The bench's JSON mode, on one cheap measurement at tiny sizes: checks the shape of the one
// JSON object on the last line (every field present; measured figures finite), never values.
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { FIELDS } from "../../bench/main.js";

const ROOT = resolve(import.meta.dirname, "../..");

describe("npm run bench -- --json", () => {
  it("prints one JSON object with every field on its last line", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "bench/main.ts", "--json", "--quick", "--only", "files"], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    const result = JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
    for (const field of FIELDS) expect(result).toHaveProperty(field);
    for (const field of ["trace_write_events_per_s", "trace_read_events_per_s", "trace_bytes_per_event"]) {
      expect(Number.isFinite(result[field]), field).toBe(true);
      expect(result[field] as number).toBeGreaterThan(0);
    }
    for (const field of FIELDS) expect(result[field] === null || Number.isFinite(result[field]), field).toBe(true);
    expect(Array.isArray(result.notes)).toBe(true);
    expect(result.machine).toMatchObject({ nproc: expect.any(Number), node: expect.any(String) });
  }, 60_000);
});
