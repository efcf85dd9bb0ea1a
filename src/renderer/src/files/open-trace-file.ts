// Opens a trace file in the page, wherever it came from (the Open button, a drop, the shell's
// Open menu): the trace worker reads it, and the page shows it as a file, never as live.

import { readTraceFile } from "./trace-file";
import { createWorkerModeller, startTraceWorker, textPiecesInWorker } from "./trace-worker-client";
import { appendEvents, createTraceBuffer } from "../store/trace-buffer";
import type { TraceEvent } from "../../../shared/trace/types";
import type { TraceActions } from "../store/trace-store";

/** The latest file asked to open: an earlier one still loading gives way to it. */
let opening = 0;
const SUPERSEDED = new Error("another file was opened");

/**
 * Streams the file into a buffer of its own, batch by batch, and shows it in one store update
 * at the end: views do not re-render per batch, and a file refused part-way leaves the trace on
 * screen as it was. The trace worker reads the file (here its text is parsed and validated) and
 * later models it; where no worker can start, the file is read on this thread too. A file opened
 * while another is loading wins: the earlier one stops at its next batch and shows nothing.
 */
export async function openTraceFile(file: File, actions: TraceActions, worker: Worker | null = startTraceWorker()): Promise<void> {
  const token = ++opening;
  const current = (): void => {
    if (token !== opening) throw SUPERSEDED;
  };
  actions.setFile({ kind: "loading", name: file.name, progress: 0 });
  const onProgress = (p: number): void => {
    current();
    actions.setFile({ kind: "loading", name: file.name, progress: p });
  };
  try {
    const trace = createTraceBuffer();
    let events = 0;
    let torn: number | undefined;
    const onBatch = (batch: TraceEvent[]): void => {
      current();
      events += batch.length;
      appendEvents(trace, batch);
    };
    const pieces = worker ? await textPiecesInWorker(worker, file) : "unavailable";
    current();
    if (pieces === "unavailable") {
      worker?.terminate();
      const read = await readTraceFile(file, onBatch, onProgress);
      current();
      actions.loadBuffer(read.header, trace);
      torn = read.torn?.line;
    } else {
      const read = await readTraceFile(file, onBatch, onProgress, undefined, pieces);
      current();
      actions.loadBuffer(read.header, trace, createWorkerModeller(worker as Worker, trace.events.length));
      torn = read.torn?.line;
    }
    actions.setFile(torn === undefined ? { kind: "loaded", name: file.name, events } : { kind: "loaded", name: file.name, events, torn });
  } catch (err) {
    worker?.terminate();
    if (token !== opening) return;
    actions.setFile({ kind: "error", name: file.name, message: err instanceof Error ? err.message : String(err) });
  }
}
