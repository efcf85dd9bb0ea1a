// File and picture actions: open a trace (also by drag and drop, see App), save it,
// export the focused view as SVG or PNG; theme and presenter mode. Each button calls the page
// command a shell's request calls (shell/page-commands.ts).

import { useRef, useState } from "react";
import { useStoreBundle, useTrace } from "../store/store-context";
import { openTraceFile } from "../files/open-trace-file";
import { exportView, saveTrace, saveWebPage, setTheme, togglePresenter, traceLink, type PageContext } from "../shell/page-commands";
import { useThemeChoice } from "../shell/theme-choice";
import { THEME_CHOICES, type ThemeChoice } from "../../../shared/page-api";

export { openTraceFile };

const THEME_LABELS: Record<ThemeChoice, string> = { system: "System", light: "Light", dark: "Dark", contrast: "High contrast" };

export function FileControls() {
  const { store, actions } = useStoreBundle();
  const ctx: PageContext = { api: null, store, actions };
  const input = useRef<HTMLInputElement | null>(null);
  const theme = useThemeChoice();
  const presenter = useTrace((s) => s.presenter);
  const focused = useTrace((s) => s.focusedView);
  const empty = useTrace((s) => s.length === 0);
  const [link, setLink] = useState<string | null>(null);
  return (
    <div className="controls file-controls" role="toolbar" aria-label="Files and display">
      <input ref={input} type="file" accept=".ndjson,.jsonl,.json,application/x-ndjson" className="visually-hidden" aria-label="Open trace file"
        onChange={(e) => { const f = e.target.files?.[0]; if (f) void openTraceFile(f, actions); e.target.value = ""; }} />
      <button type="button" onClick={() => input.current?.click()}>Open…</button>
      <button type="button" disabled={empty} onClick={() => saveTrace(ctx)}>Save</button>
      <button type="button" disabled={empty} title="One web page with the viewer and this trace: it opens offline, from a file, in any browser" onClick={() => void saveWebPage(ctx).catch((e: unknown) => actions.setError(e instanceof Error ? e.message : String(e)))}>
        Web page
      </button>
      <button type="button" disabled={empty} title="A link with this trace inside it (short traces): copied to the clipboard" onClick={() => void traceLink(ctx).then(setLink)}>
        Link
      </button>
      {link ? <input className="trace-link" readOnly value={link} aria-label="Link to this trace" onFocus={(e) => e.currentTarget.select()} /> : null}
      <span className="control-label" id="export-target">Export {focused}</span>
      <button type="button" aria-describedby="export-target" title={`Export ${focused} as SVG`} onClick={() => void exportView(ctx, "svg")}>SVG</button>
      <button type="button" aria-describedby="export-target" title={`Export ${focused} as PNG`} onClick={() => void exportView(ctx, "png")}>PNG</button>
      <label className="control">
        <span className="control-label">Theme</span>
        <select aria-label="Theme" value={theme} onChange={(e) => setTheme(ctx, e.target.value as ThemeChoice)}>
          {THEME_CHOICES.map((t) => (
            <option key={t} value={t}>{THEME_LABELS[t]}</option>
          ))}
        </select>
      </label>
      <button type="button" aria-pressed={presenter} aria-keyshortcuts="F" onClick={() => togglePresenter(ctx)}>Presenter</button>
    </div>
  );
}
