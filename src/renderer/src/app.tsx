// The app shell: controls, narration and the seven views in a grid; drag-and-drop of
// trace files; keyboard shortcuts; theme and presenter mode as classes on the root.

import { useEffect, useMemo, useState, type DragEvent } from "react";
import { useStoreBundle } from "./store/store-context";
import { SeekBar } from "./controls/seek-bar";
import { WelcomeView } from "./views/welcome-view";
import { pressNextStep } from "./lab/next-step";
import { selectKeyView } from "./selectors/key-view";
import type { LabApi } from "../../shared/lab-api";
import { useActions, useTrace } from "./store/store-context";
import { PlaybackControls } from "./controls/playback-controls";
import { FileControls, openTraceFile } from "./controls/file-controls";
import { AddressingView } from "./views/addressing-view";
import { TcpView } from "./views/tcp-view";
import { LayersView } from "./views/layers-view";
import { NamespacesView } from "./views/namespaces-view";
import { TimelineView } from "./views/timeline-view";
import { InspectorView } from "./views/inspector-view";
import { NarrationView } from "./views/narration-view";
import { ConsoleView } from "./views/console-view";
import { useKeyboard, type KeyHandlers } from "./hooks/use-keyboard";
import { FreePlayPanel } from "./free-play/free-play-panel";
import { ClassPanel } from "./class/class-panel";
import { EnvelopeCard } from "./views/envelope-card";
import { FollowView } from "./views/follow-view";

/** Says plainly that the lab's server went away, and counts down to the next try. */
function LabLinkNotice() {
  const link = useTrace((s) => s.labLink);
  const actions = useActions();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (link.state !== "lost") return;
    const t = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(t);
  }, [link]);
  if (link.state === "lost") {
    const secs = Math.max(0, Math.ceil((link.retryAt - now) / 1000));
    return (
      <p role="alert" className="notice notice-error lab-lost">
        Lost the connection to the lab: its web server stopped or restarted. The trace you have stays here. {secs > 0 ? `Trying again in ${secs} s` : "Trying again now"} (attempt {link.attempt})…
      </p>
    );
  }
  if (link.state === "back") {
    return (
      <p role="status" className="notice">
        Reconnected to the lab.
        <button type="button" onClick={() => actions.setLabLink({ state: "ok" })}>Dismiss</button>
      </p>
    );
  }
  return null;
}

function Notices() {
  const file = useTrace((s) => s.file);
  const error = useTrace((s) => s.error);
  const actions = useActions();
  return (
    <div className="notices">
      <LabLinkNotice />
      {file.kind === "loading" ? (
        <p role="status" className="notice">
          Opening {file.name}… <progress max={1} value={file.progress} aria-label="Loading trace" /> {Math.round(file.progress * 100)}%
        </p>
      ) : null}
      {file.kind === "loaded" ? (
        <p role="status" className="notice">
          Opened {file.name}: {file.events.toLocaleString("en")} events.
          {file.torn !== undefined ? ` The file was cut in line ${file.torn.toLocaleString("en")} (a lab that stopped while writing): that line was left out.` : ""} Press Play or
          Step forward.
          <button type="button" onClick={() => actions.setFile({ kind: "idle" })}>Dismiss</button>
        </p>
      ) : null}
      {file.kind === "error" ? (
        <p role="alert" className="notice notice-error">
          Could not open {file.name}: {file.message}
          <button type="button" onClick={() => actions.setFile({ kind: "idle" })}>Dismiss</button>
        </p>
      ) : null}
      {error ? (
        <p role="alert" className="notice notice-error">
          {error}
          <button type="button" onClick={() => actions.setError(null)}>Dismiss</button>
        </p>
      ) : null}
    </div>
  );
}

export function App(props: { api: LabApi | null }) {
  const actions = useActions();
  const { store } = useStoreBundle();
  const theme = useTrace((s) => s.theme);
  const presenter = useTrace((s) => s.presenter);
  const keyView = useTrace((s) => selectKeyView(s));
  const welcome = useTrace((s) => s.length === 0 && s.source === "live" && s.status.state === "idle");
  const [dragging, setDragging] = useState(false);
  const { api } = props;
  const handlers = useMemo<KeyHandlers>(
    () => ({
      togglePlay: () => actions.togglePlaying(),
      forward: () => actions.stepForward(performance.now()),
      back: () => actions.stepBack(performance.now()),
      nextStep: () => {
        if (api) void pressNextStep(api, store, actions, performance.now());
      },
      presenter: () => actions.togglePresenter(),
      home: () => actions.seek(-1, performance.now()),
      end: () => (store.getState().source === "live" ? actions.jumpToLive(performance.now()) : actions.seek(store.getState().length - 1, performance.now())),
      exitPresenter: () => {
        if (store.getState().presenter) actions.togglePresenter();
      },
    }),
    [actions, api, store],
  );
  useKeyboard(handlers);
  useEffect(() => {
    const query = window.matchMedia?.("(prefers-reduced-motion: reduce)");
    if (!query) return;
    const apply = (): void => actions.setReducedMotion(query.matches);
    apply();
    query.addEventListener("change", apply);
    return () => query.removeEventListener("change", apply);
  }, [actions]);
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const f = e.dataTransfer.files[0];
    if (f) void openTraceFile(f, actions);
  };
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: the whole page is a drop target for trace files; Open… is the keyboard way
    <div
      className={`app theme-${theme} ${presenter ? `presenter key-${keyView.toLowerCase()}` : ""} ${dragging ? "dragging" : ""}`}
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <header className="topbar">
        <h1 className="brand">SocketScope</h1>
        <PlaybackControls api={api} />
        <FileControls />
        {presenter ? (
          <button type="button" className="exit-presenter" aria-keyshortcuts="Escape" onClick={() => actions.togglePresenter()}>
            Exit presenter (Esc)
          </button>
        ) : null}
        <SeekBar />
      </header>
      <Notices />
      {welcome && api ? <WelcomeView api={api} /> : null}
      <NarrationView />
      <ConsoleView />
      <FreePlayPanel api={api} />
      <ClassPanel api={api} />
      <main className="views">
        <AddressingView />
        <LayersView />
        <TcpView />
        <NamespacesView />
        <TimelineView />
        <InspectorView />
      </main>
      <EnvelopeCard />
      <FollowView />
      {dragging ? <div className="drop-hint" aria-hidden="true">Drop a trace file (.ndjson) to open it</div> : null}
    </div>
  );
}
