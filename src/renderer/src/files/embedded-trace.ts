// A lesson exported as one HTML file carries its trace inline (see shared/export/standalone-html):
// on load the page opens it as a file, then follows deep links: `#step=3` (the lesson's third
// step), `#event=118` (the event with id 118), also when the hash changes later.

import { EMBEDDED_TRACE_ID, EMBEDDED_TRACE_TYPE } from "../../../shared/export/standalone-html";
import type { TraceStore, TraceActions } from "../store/trace-store";
import { openTraceFile } from "./open-trace-file";
import { fragmentToTrace } from "../../../shared/export/trace-link";

/** The inlined trace, if this page is an exported lesson. */
export function embeddedTrace(doc: Document = document): File | null {
  const el = doc.getElementById(EMBEDDED_TRACE_ID);
  if (!el || el.getAttribute("type") !== EMBEDDED_TRACE_TYPE) return null;
  return new File([el.textContent ?? ""], el.getAttribute("data-name") || "lesson.ndjson", { type: "application/x-ndjson" });
}

/** Where a deep link points: the index of an event in the loaded trace, or -1 for none. */
export function deepLinkIndex(hash: string, events: readonly { id: number; layer: string; kind: string; index?: number; teardown?: boolean }[]): number {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const step = Number(params.get("step"));
  if (params.has("step") && Number.isInteger(step) && step >= 1) {
    return events.findIndex((e) => e.layer === "lab" && e.kind === "step" && !e.teardown && e.index === step - 1);
  }
  const id = Number(params.get("event"));
  if (params.has("event") && Number.isInteger(id)) return events.findIndex((e) => e.id === id);
  return -1;
}

/** True when the page's address carries a trace (`#trace=…`, a shared link). */
export const linkedTrace = (hash: string): boolean => new URLSearchParams(hash.replace(/^#/, "")).has("trace");

/**
 * Opens the trace a shared link carries, else the inlined one (no worker: a file:// page may
 * not start one), and follows the hash.
 */
export async function openEmbeddedTrace(store: TraceStore, actions: TraceActions, win: Window = window): Promise<boolean> {
  let file = embeddedTrace(win.document);
  if (linkedTrace(win.location.hash)) {
    try {
      const text = await fragmentToTrace(win.location.hash);
      if (text !== null) file = new File([text], "linked trace.ndjson", { type: "application/x-ndjson" });
    } catch (err) {
      actions.setError(err instanceof Error ? err.message : String(err));
      return false;
    }
  }
  if (!file) return false;
  await openTraceFile(file, actions, null);
  const follow = (): void => {
    const index = deepLinkIndex(win.location.hash, store.getState().trace.events);
    if (index >= 0) actions.seek(index, performance.now());
  };
  follow();
  win.addEventListener("hashchange", follow);
  return true;
}
