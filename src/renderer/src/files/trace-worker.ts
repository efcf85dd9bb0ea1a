// The trace worker: reads and decodes a trace file and hands its text to the main thread piece
// by piece (synchronous reads, which only workers have, are several times faster than streams,
// and decoding here keeps the main thread free to parse); later,
// when the renderer first asks for the TCP model, parses the file again, keeps what the model
// reads and runs the model over the whole trace, answering with event times and one connection
// at a time. It knows nothing of the store or the views.

import { retimeTrace, type ConnectionOutput } from "../../../shared/tcp/index";
import type { NetworkSettings } from "../../../shared/network-settings";
import type { TraceEvent } from "../../../shared/trace/types";
import type { FromWorker, ToWorker } from "./trace-worker-protocol";
import { createAsciiEscaper } from "./ascii-text";
import { createLineSplitter } from "../../../shared/trace/line-splitter";
import { createTraceReader } from "../../../shared/trace/reader";

interface WorkerScope {
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
}
/** Synchronous blob reading, only in workers (not in the DOM lib's types). */
declare const FileReaderSync: { new (): { readAsArrayBuffer(blob: Blob): ArrayBuffer } } | undefined;

const scope = self as unknown as WorkerScope;
const post = (m: FromWorker, transfer: Transferable[] = []): void => scope.postMessage(m, transfer);

/** Bytes read at a time. */
const SLICE = 8 << 20;
/** Pieces sent ahead of what the main thread has parsed (bounds the bytes held at once). */
const AHEAD = 3;

let file: Blob | null = null;

/** The file's bytes, piece by piece. */
async function* pieces(blob: Blob): AsyncGenerator<{ bytes: ArrayBuffer; read: number }> {
  const sync = typeof FileReaderSync === "function" ? new FileReaderSync() : null;
  for (let at = 0; at < blob.size; at += SLICE) {
    const part = blob.slice(at, at + SLICE);
    yield { bytes: sync ? sync.readAsArrayBuffer(part) : await part.arrayBuffer(), read: Math.min(blob.size, at + SLICE) };
  }
}

/**
 * The file's text, piece by piece (UTF-8 decoded across pieces), with non-ASCII characters as
 * JSON escapes: one-byte strings, cheaper to send and to parse (see ascii-text.ts).
 */
async function* texts(blob: Blob): AsyncGenerator<string> {
  const escaper = createAsciiEscaper();
  for await (const { bytes } of pieces(blob)) yield escaper.push(new Uint8Array(bytes));
  yield escaper.end();
}

let credits = AHEAD;
let wake: (() => void) | null = null;

async function open(blob: Blob): Promise<void> {
  file = blob;
  let sent = 0;
  try {
    for await (const text of texts(blob)) {
      if (text === "") continue;
      while (credits === 0) await new Promise<void>((r) => (wake = r));
      credits--;
      post({ type: "text", text, progress: Math.min(1, (sent += text.length) / Math.max(1, blob.size)) });
    }
    post({ type: "end" });
  } catch (err) {
    post({ type: "failed", message: `The file could not be read: ${err instanceof Error ? err.message : String(err)}` });
  }
}

/** What the model reads of an event: all of a tcp or lab event, the ordering fields of the rest. */
function kept(e: TraceEvent): TraceEvent {
  if (e.layer === "tcp" || e.layer === "lab") return e;
  const slim = { id: e.id, t: e.t, host: e.host, layer: e.layer, kind: e.kind } as TraceEvent;
  if (e.parents) slim.parents = e.parents;
  return slim;
}

let events: TraceEvent[] | null = null;

/**
 * The file's events, parsed again here. The main thread has validated the same bytes (a File is
 * a snapshot: reading it after it changed on disk fails), so only the count is checked.
 */
async function eventsOf(blob: Blob, expected: number): Promise<TraceEvent[]> {
  const out: TraceEvent[] = [];
  // the same reader as the main thread's (same header, blank and torn lines), without its checks
  const reader = createTraceReader({ check: false });
  const lines = createLineSplitter((text, terminated) => {
    const event = reader.line(text, terminated);
    if (event) out.push(kept(event));
  });
  for await (const text of texts(blob)) lines.push(text);
  lines.end();
  if (out.length !== expected) throw new Error(`the file changed since it was opened (${out.length} events, not ${expected})`);
  return out;
}

/** The latest model: its key and its connections by trace conn id (first match, as `find` would). */
let model: { key: string; byConn: Map<string, ConnectionOutput> } | null = null;
/** Model requests run one at a time, in order; one overtaken by a newer request is skipped. */
let queue: Promise<void> = Promise.resolve();
let latest = "";

async function runModel(key: string, settings: NetworkSettings, expected: number): Promise<void> {
  if (key !== latest) return;
  const byConn = new Map<string, ConnectionOutput>();
  let times = new Float64Array(0);
  let error: string | null = null;
  try {
    if (!file) throw new Error("no file was opened");
    events ??= await eventsOf(file, expected);
    times = new Float64Array(events.length).fill(Number.NaN);
    const result = retimeTrace(events, settings);
    events.forEach((e, i) => {
      const m = result.times.get(e.id);
      if (m !== undefined) times[i] = m;
    });
    for (const c of result.model) {
      for (const id of [c.traceConns.client, c.traceConns.server, c.conn]) if (id !== undefined && !byConn.has(id)) byConn.set(id, c);
    }
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  model = { key, byConn };
  post({ type: "model", key, times, error }, [times.buffer]);
}

/** The connection asked for; null when it cannot be sent, so the view never waits for it. */
function answerConnection(key: string, conn: string): void {
  const output = model?.key === key ? (model.byConn.get(conn) ?? null) : null;
  try {
    post({ type: "connection", key, conn, output });
  } catch {
    post({ type: "connection", key, conn, output: null });
  }
}

/**
 * A step of the queue that threw: the queue goes on (a rejected chain would skip every later
 * request without a word), and the page hears of it as a worker error.
 */
const failed = (err: unknown): void => {
  setTimeout(() => {
    throw err;
  });
};

scope.onmessage = (e) => {
  const m = e.data;
  switch (m.type) {
    case "open":
      void open(m.file);
      return;
    case "more":
      credits++;
      wake?.();
      wake = null;
      return;
    case "model":
      latest = m.key;
      queue = queue.then(() => runModel(m.key, m.settings, m.events)).catch(failed);
      return;
    case "connection":
      // Queued behind the model it names, so it is answered from that model.
      queue = queue.then(() => answerConnection(m.key, m.conn)).catch(failed);
      return;
    default:
      m satisfies never;
  }
};
