// File and picture actions: open a trace (also by drag and drop, see App), save it,
// export the focused view as SVG or PNG; theme and presenter mode.

import { useRef } from "react";
import { useActions, useStoreBundle, useTrace } from "../store/store-context";
import { readTraceFile, serializeTrace, traceFileName } from "../files/trace-file";
import { createWorkerModeller, startTraceWorker, textPiecesInWorker } from "../files/trace-worker-client";
import { appendEvents, createTraceBuffer } from "../store/trace-buffer";
import { exportPng, exportSvg, saveBlob } from "../files/export-view";
import type { Theme } from "../store/initial-state";
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

export function FileControls() {
  const actions = useActions();
  const { store } = useStoreBundle();
  const input = useRef<HTMLInputElement | null>(null);
  const theme = useTrace((s) => s.theme);
  const presenter = useTrace((s) => s.presenter);
  const focused = useTrace((s) => s.focusedView);
  const empty = useTrace((s) => s.length === 0);
  const svgOf = (): SVGSVGElement | null => document.querySelector(`section[aria-label="${focused}"] svg.view-svg`);
  const name = `socketscope-${focused.toLowerCase()}`;
  return (
    <div className="controls file-controls" role="toolbar" aria-label="Files and display">
      <input ref={input} type="file" accept=".ndjson,.jsonl,.json,application/x-ndjson" className="visually-hidden" aria-label="Open trace file"
        onChange={(e) => { const f = e.target.files?.[0]; if (f) void openTraceFile(f, actions); e.target.value = ""; }} />
      <button type="button" onClick={() => input.current?.click()}>Open…</button>
      <button type="button" disabled={empty} onClick={() => {
        const s = store.getState();
        saveBlob(new Blob([serializeTrace(s.header, s.trace.events)], { type: "application/x-ndjson" }), traceFileName(s.header));
      }}>Save</button>
      <button type="button" title={`Export ${focused} as SVG`} onClick={() => { const svg = svgOf(); if (svg) exportSvg(svg, name); else actions.setError(`${focused} has no picture to export.`); }}>SVG</button>
      <button type="button" title={`Export ${focused} as PNG`} onClick={() => { const svg = svgOf(); if (svg) void exportPng(svg, name).catch((e: unknown) => actions.setError(String(e))); else actions.setError(`${focused} has no picture to export.`); }}>PNG</button>
      <label className="control">
        <span className="control-label">Theme</span>
        <select aria-label="Theme" value={theme} onChange={(e) => actions.setTheme(e.target.value as Theme)}>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
          <option value="contrast">High contrast</option>
        </select>
      </label>
      <button type="button" aria-pressed={presenter} aria-keyshortcuts="F" onClick={() => actions.togglePresenter()}>Presenter</button>
    </div>
  );
}
