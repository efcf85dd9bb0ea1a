// The capture worker as the Electron app ships it: electron-vite builds it as a second entry of
// the main process, beside the index.js that starts it (remote-captures.ts looks for
// `./capture-worker.js` next to itself). The built worker is started as the lab's side starts
// it, sent one batch of records in their binary form and asked for its window.
// (The Electron window itself is tested in tests/e2e/electron.test.ts, where Electron exists.)

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import { RecordWriter } from "../../../../src/main/lab/capture/worker/record-codec.js";
import { FLAG_SLOTS, type FromWorker, type ToWorker, type WorkerSetup } from "../../../../src/main/lab/capture/worker/messages.js";
import { TRACE_FORMAT, TRACE_VERSION, type TraceEvent } from "../../../../src/shared/trace/types.js";

const ROOT = resolve(import.meta.dirname, "../../../..");
// Inside the project, so that the build's imports (socket.io, ws, …) resolve as in the app.
const cache = join(ROOT, "node_modules/.cache");
mkdirSync(cache, { recursive: true });
const out = mkdtempSync(join(cache, "socketscope-build-"));

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("the Electron build's capture worker", () => {
  it("is built beside the main entry that starts it, and applies the lab's records", async () => {
    const build = spawnSync("npx", ["electron-vite", "build", "--outDir", out, "--logLevel", "error"], { cwd: ROOT, encoding: "utf8" });
    expect(build.status, build.stderr).toBe(0);
    const main = join(out, "main");
    expect(readFileSync(join(main, "index.js"), "utf8")).toContain('"./capture-worker.js"');
    expect(existsSync(join(main, "capture-worker.js"))).toBe(true);

    const toWorker = new MessageChannel();
    const fromWorker = new MessageChannel();
    const flag = new Int32Array(new SharedArrayBuffer(FLAG_SLOTS * 4));
    const setup: WorkerSetup = {
      header: { format: TRACE_FORMAT, version: TRACE_VERSION, createdAt: new Date().toISOString(), app: { name: "test", version: "0" } },
      shape: "lab",
      origin: performance.timeOrigin + performance.now(),
      flag,
      records: toWorker.port2,
      events: fromWorker.port2,
    };
    const worker = new Worker(join(main, "capture-worker.js"), { workerData: setup, transferList: [toWorker.port2, fromWorker.port2] });
    try {
      const next = async (): Promise<FromWorker> => {
        for (let waited = 0; waited < 20_000; waited += 20) {
          const m = receiveMessageOnPort(fromWorker.port1);
          if (m) return m.message as FromWorker;
          await new Promise((r) => setTimeout(r, 20));
        }
        throw new Error("the built capture worker did not answer");
      };
      expect(await next()).toEqual({ ready: true });
      const writer = new RecordWriter();
      writer.write("event", undefined, 1, { event: { layer: "lab", kind: "log", host: "server", text: "from the lab's side" }, t: 1 });
      const bytes = writer.take()!;
      toWorker.port1.postMessage({ batch: { bytes, count: 1 } } satisfies ToWorker, [bytes]);
      toWorker.port1.postMessage({ fence: 1, call: { op: "recent", args: [] } } satisfies ToWorker);
      const answer = await next();
      expect(answer).toMatchObject({ fence: 1, lastEventId: 1 });
      const window = (answer as { result: TraceEvent[] }).result;
      expect(window).toEqual([{ id: 1, t: 1, layer: "lab", kind: "log", host: "server", text: "from the lab's side" }]);
    } finally {
      toWorker.port1.close();
      fromWorker.port1.close();
      await worker.terminate();
    }
  }, 180_000);
});
