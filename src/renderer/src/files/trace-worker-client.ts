// The main thread's side of the trace worker: the text of a file it reads (parsed and validated
// here, see readTraceFile), and the TCP model of that file, which it computes. Where workers
// cannot start (no Worker, a policy or a loader that refuses the script), callers read on the
// main thread instead.

import type { ConnectionOutput } from "../../../shared/tcp/index";
import type { FromWorker, ToWorker, TraceModeller } from "./trace-worker-protocol";

export type { TraceModeller };

export function startTraceWorker(): Worker | null {
  if (typeof Worker !== "function") return null;
  try {
    return new Worker(new URL("./trace-worker.ts", import.meta.url), { type: "module" });
  } catch {
    return null;
  }
}

const send = (worker: Worker, m: ToWorker): void => worker.postMessage(m);

/**
 * The text of `file`, read by the worker, piece by piece; "unavailable" if the worker failed
 * before it answered at all (then nothing was read), so the caller can read on this thread.
 */
export function textPiecesInWorker(worker: Worker, file: Blob): Promise<AsyncIterable<string> | "unavailable"> {
  const queue: FromWorker[] = [];
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const next = (): Promise<void> => new Promise((r) => (wake = r));
  async function* pieces(): AsyncGenerator<string> {
    for (;;) {
      while (queue.length === 0 && !failure) await next();
      const m = queue.shift();
      if (!m) throw failure as Error;
      if (m.type === "end") return;
      if (m.type === "failed") throw new Error(m.message);
      if (m.type !== "text") continue;
      yield m.text;
      // This piece is parsed: the worker may read one more ahead.
      send(worker, { type: "more" });
    }
  }
  return new Promise((resolve) => {
    let answered = false;
    worker.onerror = (e) => {
      e.preventDefault();
      if (!answered) return resolve("unavailable");
      failure = new Error(`The file could not be read: the trace worker failed (${e.message || "unknown error"})`);
      wake?.();
    };
    worker.onmessage = (e: MessageEvent<FromWorker>) => {
      queue.push(e.data);
      wake?.();
      if (!answered) {
        answered = true;
        resolve(pieces());
      }
    };
    send(worker, { type: "open", file });
  });
}

/** A modeller over a worker that has read a file of `events` events (see textPiecesInWorker). */
export function createWorkerModeller(worker: Worker, events: number): TraceModeller {
  let key: string | null = null;
  let answer: { times: Float64Array; error: string | null } | null = null;
  /** Connections asked for under `key`: the answer, or undefined while it is on its way. */
  const conns = new Map<string, ConnectionOutput | null | undefined>();
  /** Why the worker stopped answering, once it has failed: every later question gets this. */
  let dead: string | null = null;
  const modeller: TraceModeller = {
    onChange: () => undefined,
    model(settings) {
      if (dead !== null) return { times: new Float64Array(0), error: dead };
      const k = JSON.stringify(settings);
      if (k !== key) {
        key = k;
        answer = null;
        conns.clear();
        send(worker, { type: "model", key: k, settings, events });
      }
      return answer;
    },
    connection(settings, conn) {
      if (!modeller.model(settings)) return "pending";
      if (dead !== null) return null;
      if (!conns.has(conn)) {
        conns.set(conn, undefined);
        send(worker, { type: "connection", key: key as string, conn });
      }
      const got = conns.get(conn);
      return got === undefined ? "pending" : got;
    },
    dispose: () => worker.terminate(),
  };
  worker.onerror = (e) => {
    e.preventDefault();
    // Nothing pending may wait for it any more: the model (and each connection) is an error now.
    dead = `the model's worker failed: ${e.message || "unknown error"}`;
    worker.terminate();
    modeller.onChange();
  };
  worker.onmessage = (e: MessageEvent<FromWorker>) => {
    const m = e.data;
    if (m.type === "model" && m.key === key) answer = { times: m.times, error: m.error };
    else if (m.type === "connection" && m.key === key) conns.set(m.conn, m.output);
    else return;
    modeller.onChange();
  };
  return modeller;
}
