// What the page does for its buttons and for its shell's requests alike: open, save and export
// files, presenter mode, theme, and the lab's scenario moves. A menu item in Electron and a
// request pushed by web mode's server end up here, in the same functions the buttons call.

import type { PageApi, ShellRequest, ThemeChoice, ExportFormat } from "../../../shared/page-api";
import type { TraceActions, TraceStore } from "../store/trace-store";
import { openTraceFile } from "../files/open-trace-file";
import { serializeTrace, traceFileName } from "../files/trace-file";
import { standaloneHtml } from "../../../shared/export/standalone-html";
import { traceToFragment } from "../../../shared/export/trace-link";
import { exportPng, exportSvg, saveBlob } from "../files/export-view";
import { runLabStart } from "../lab/run-lab";
import { exportCaption } from "../selectors/export-caption";
import { pressNextStep } from "../lab/next-step";
import { chooseTheme } from "./theme-choice";
import { markSaved } from "./unsaved";

export interface PageContext {
  api: PageApi | null;
  store: TraceStore;
  actions: TraceActions;
}

/** Opens a trace the shell offers at `url` (its own origin): fetched, then read like a dropped file. */
export async function openOfferedTrace(ctx: PageContext, name: string, url: string): Promise<void> {
  let blob: Blob;
  try {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`the shell answered ${res.status}`);
    blob = await res.blob();
  } catch (err) {
    ctx.actions.setFile({ kind: "error", name, message: err instanceof Error ? err.message : String(err) });
    return;
  }
  await openTraceFile(new File([blob], name, { type: "application/x-ndjson" }), ctx.actions);
}

/** Saves what the page holds as NDJSON (a download; Electron asks where). */
export function saveTrace(ctx: PageContext): void {
  const s = ctx.store.getState();
  if (s.length === 0) {
    ctx.actions.setError("There is no trace to save yet.");
    return;
  }
  saveBlob(new Blob([serializeTrace(s.header, s.trace.events)], { type: "application/x-ndjson" }), traceFileName(s.header));
  markSaved(ctx.store);
}

/**
 * Saves the trace as one self-contained web page: this page's own viewer (its script and
 * styles, fetched from where the page came from, or taken from the page itself when it is
 * already such a file) with the trace inlined. It opens from file://, offline.
 */
export async function saveWebPage(ctx: PageContext): Promise<void> {
  const s = ctx.store.getState();
  if (s.length === 0) {
    ctx.actions.setError("There is no trace to save yet.");
    return;
  }
  const parts = await viewerParts();
  const trace = serializeTrace(s.header, s.trace.events);
  const name = traceFileName(s.header);
  const html = await standaloneHtml({
    ...parts,
    trace,
    name,
    title: `SocketScope · ${s.header?.scenario?.title ?? name}`,
    sha256: async (text) => {
      const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
      let bin = "";
      for (const b of new Uint8Array(digest)) bin += String.fromCharCode(b);
      return btoa(bin);
    },
  });
  saveBlob(new Blob([html], { type: "text/html" }), name.replace(/\.ndjson$/, ".html"));
}

const SKELETON = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <meta http-equiv="Content-Security-Policy" content="default-src 'none'" />
    <title>SocketScope</title>
  </head>
  <body>
    <div id="root"></div>
  </body>
</html>
`;

/**
 * A link to this viewer with the trace in its fragment (`#trace=…`, deflated), for short traces;
 * copied to the clipboard where the page may, and returned either way.
 */
export async function traceLink(ctx: PageContext): Promise<string | null> {
  const s = ctx.store.getState();
  if (s.length === 0) {
    ctx.actions.setError("There is no trace to share yet.");
    return null;
  }
  const out = await traceToFragment(serializeTrace(s.header, s.trace.events));
  if ("error" in out) {
    ctx.actions.setError(out.error);
    return null;
  }
  const url = `${location.href.split("#")[0]}#${out.fragment}`;
  await navigator.clipboard?.writeText(url).catch(() => undefined);
  return url;
}

/** The built viewer's HTML, script and styles: from this page's origin, or inline in this page. */
async function viewerParts(): Promise<{ html: string; script: string; style: string }> {
  const inline = document.querySelector<HTMLScriptElement>("script[type=module]:not([src])");
  if (inline) {
    // Already a saved page: its own script and styles in a fresh skeleton (the trace goes in anew).
    return { html: SKELETON, script: inline.textContent ?? "", style: document.querySelector("style")?.textContent ?? "" };
  }
  const scriptEl = document.querySelector<HTMLScriptElement>("script[type=module][src]");
  const styleEl = document.querySelector<HTMLLinkElement>("link[rel=stylesheet]");
  if (!scriptEl || !styleEl) throw new Error("this page's viewer files were not found, so it cannot be saved as a web page");
  const text = async (url: string): Promise<string> => {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`could not read ${url}: HTTP ${res.status}`);
    return res.text();
  };
  const [html, script, style] = await Promise.all([text(location.href.split("#")[0]!), text(scriptEl.src), text(styleEl.href)]);
  return { html, script, style };
}

/** Exports the focused view's picture. */
export async function exportView(ctx: PageContext, format: ExportFormat): Promise<void> {
  const focused = ctx.store.getState().focusedView;
  const svg = document.querySelector<SVGSVGElement>(`section[aria-label="${focused}"] svg.view-svg`);
  if (!svg) {
    ctx.actions.setError(`${focused} has no picture to export.`);
    return;
  }
  // Captioned with the scenario, step, event and time, and named after them.
  const { lines, fileName } = exportCaption(ctx.store.getState(), focused);
  if (format === "svg") exportSvg(svg, fileName, lines);
  else await exportPng(svg, fileName, lines).catch((e: unknown) => ctx.actions.setError(String(e)));
}

export const togglePresenter = (ctx: PageContext): void => ctx.actions.togglePresenter();

export const setTheme = (ctx: PageContext, theme: ThemeChoice): void => chooseTheme(ctx.actions, theme);

/** The lab's moves, as the Start, Next step and Restart buttons make them. */
export async function startScenario(ctx: PageContext, id: string): Promise<void> {
  const { api } = ctx;
  if (api) await runLabStart(ctx.actions, () => api.startScenario(id));
}
export async function nextStep(ctx: PageContext): Promise<void> {
  if (ctx.api) await pressNextStep(ctx.api, ctx.store, ctx.actions, performance.now());
}
export async function restartScenario(ctx: PageContext): Promise<void> {
  const { api } = ctx;
  if (api) await runLabStart(ctx.actions, () => api.restartScenario());
}

/** Carries out one shell request. */
export async function handleShellRequest(ctx: PageContext, request: ShellRequest): Promise<void> {
  switch (request.type) {
    case "open-trace":
      return openOfferedTrace(ctx, request.name, request.url);
    case "save-trace":
      return saveTrace(ctx);
    case "save-web-page":
      return saveWebPage(ctx);
    case "export-view":
      return exportView(ctx, request.format);
    case "toggle-presenter":
      return togglePresenter(ctx);
    case "set-theme":
      return setTheme(ctx, request.theme);
    case "start-scenario":
      return startScenario(ctx, request.id);
    case "next-step":
      return nextStep(ctx);
    case "restart-scenario":
      return restartScenario(ctx);
    default: {
      const never: never = request;
      throw new Error(`unknown shell request ${JSON.stringify(never)}`);
    }
  }
}

/** Listens to the shell's requests for as long as the page lives; returns unsubscribe. */
export function connectShell(ctx: PageContext): () => void {
  if (!ctx.api) return () => undefined;
  return ctx.api.onShellRequest((request) => {
    void handleShellRequest(ctx, request).catch((err: unknown) => ctx.actions.setError(err instanceof Error ? err.message : String(err)));
  });
}
