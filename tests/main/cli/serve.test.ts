// `socketscope-lab serve` as a real process: a Socket.IO client the lab did not start
// connects, emits with an ack, and is traced; SIGINT stops it with the trace complete.
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { io } from "socket.io-client";
import { readTraceFile } from "../../../src/main/trace/trace-reader.js";

describe("serve", () => {
  it("traces a client it did not start and leaves a complete trace on SIGINT", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "ss-serve-")), "serve.ndjson");
    const child = spawn(process.execPath, ["--import", "tsx", "src/main/cli/main.ts", "serve", "--port", "0", "--out", out], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start: ${stdout}`)), 20_000);
      child.stdout.on("data", () => {
        const m = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });
    const socket = io(url, { transports: ["polling", "websocket"], forceNew: true });
    const reply = await new Promise((resolve) => socket.emit("hello", "from outside", resolve));
    expect(reply).toBe("got it");
    socket.close();
    await new Promise((r) => setTimeout(r, 100));
    const code = await new Promise<number | null>((resolve) => {
      child.once("exit", resolve);
      child.kill("SIGINT");
    });
    expect(code, stdout).toBe(0);
    expect(stdout).toMatch(/peer connected: 127\.0\.0\.1/);
    const trace = await readTraceFile(out);
    const external = trace.events.find((e) => e.layer === "lab" && e.kind === "host" && e.role === "external");
    expect(external).toBeDefined();
    expect(trace.events.some((e) => e.layer === "api" && e.kind === "receive" && e.event === "hello" && JSON.stringify(e.args) === '["from outside"]')).toBe(true);
    expect(trace.events.some((e) => e.layer === "engine" && e.type === "open" && e.recovered)).toBe(true);
    const closes = trace.events.filter((e) => e.layer === "tcp" && e.kind === "close");
    expect(closes.length).toBeGreaterThan(0);
    expect(closes.every((e) => e.layer === "tcp" && e.kind === "close" && e.checked)).toBe(true);
  });
});
