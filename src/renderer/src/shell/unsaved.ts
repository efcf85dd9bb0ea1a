// Whether the page holds a live trace it has not saved. In Electron the page then asks before it
// unloads (beforeunload), and main turns that into its Save / Don't Save / Cancel prompt.

import type { TraceStore } from "../store/trace-store";

let savedLength = 0;
let savedGeneration = -1;

export function markSaved(store: TraceStore): void {
  const s = store.getState();
  savedLength = s.length;
  savedGeneration = s.generation;
}

export function hasUnsaved(store: TraceStore): boolean {
  const s = store.getState();
  return s.source === "live" && s.length > 0 && (s.generation !== savedGeneration || s.length !== savedLength);
}

/** Asks before the page unloads while a live trace is unsaved; returns dispose. */
export function guardUnsaved(store: TraceStore, target: Pick<Window, "addEventListener" | "removeEventListener"> = window): () => void {
  const onBeforeUnload = (e: BeforeUnloadEvent): void => {
    if (hasUnsaved(store)) e.preventDefault();
  };
  target.addEventListener("beforeunload", onBeforeUnload);
  return () => target.removeEventListener("beforeunload", onBeforeUnload);
}
