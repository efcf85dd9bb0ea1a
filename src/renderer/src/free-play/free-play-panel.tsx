// The Free play panel: a collapsible region where a learner adds and removes clients,
// emits, uses rooms and broadcasts, stops the server, attaches to another server and opens
// the lab to peers. The lab validates every command; its message is shown as written.

import { useId, useRef, useState, type KeyboardEvent } from "react";
import type { LabApi } from "../../../shared/lab-api";
import { useTrace } from "../store/store-context";
import { selectFreePlayModel } from "./free-play-clients";
import { ClientsBox } from "./clients-box";
import { EmitForm } from "./emit-form";
import { RoomsForm } from "./rooms-form";
import { BroadcastForm } from "./broadcast-form";
import { ServerForm } from "./server-form";
import { AttachForm } from "./attach-form";
import { PeersForm } from "./peers-form";
import "./free-play.css";

const TABS = ["Emit", "Rooms", "Broadcast", "Server", "Attach", "Peers"] as const;
type Tab = (typeof TABS)[number];

/** Keys the app uses as shortcuts but a focused control needs for itself (Space, arrows). */
const CONTROL_KEYS = new Set([" ", "ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"]);

export function FreePlayPanel(props: { api: LabApi | null }) {
  const [open, setOpen] = useState(false);
  const [tab, setTab] = useState<Tab>("Emit");
  const tabRefs = useRef(new Map<Tab, HTMLButtonElement>());
  const model = useTrace((s) => selectFreePlayModel(s));
  const status = useTrace((s) => s.status);
  const source = useTrace((s) => s.source);
  const base = useId();
  const bodyId = `${base}-body`;
  const { api } = props;
  const labRunning = status.state !== "idle" && status.state !== "error";

  const onTabKey = (e: KeyboardEvent) => {
    const i = TABS.indexOf(tab);
    const next = e.key === "ArrowRight" ? (i + 1) % TABS.length : e.key === "ArrowLeft" ? (i + TABS.length - 1) % TABS.length : e.key === "Home" ? 0 : e.key === "End" ? TABS.length - 1 : -1;
    const t = TABS[next];
    if (!t) return;
    e.preventDefault();
    e.stopPropagation();
    setTab(t);
    tabRefs.current.get(t)?.focus();
  };

  return (
    <section
      aria-label="Free play"
      className={`free-play ${open ? "free-play-open" : ""}`}
      onKeyDown={(e) => {
        // The app's shortcuts listen on window; inside this panel Space and the arrows
        // belong to the focused control (a checkbox, a radio, a tab, a button).
        const tag = (e.target as HTMLElement).tagName;
        if (CONTROL_KEYS.has(e.key) && (tag === "INPUT" || tag === "BUTTON" || tag === "SELECT")) e.stopPropagation();
      }}
    >
      <header className="fp-head">
        <h2>
          <button type="button" className="fp-toggle" aria-expanded={open} aria-controls={bodyId} onClick={() => setOpen(!open)}>
            <span className="fp-chevron" aria-hidden="true">
              {open ? "▾" : "▸"}
            </span>{" "}
            Free play
          </button>
        </h2>
        <span className="fp-summary">
          {!api
            ? "needs the live lab (open the app or web mode, not a file)"
            : labRunning
              ? `${model.clients.length} client${model.clients.length === 1 ? "" : "s"} · ${status.scenario && status.scenario !== "free-play" ? `acting on the lab of scenario “${status.scenario}”` : "your own lab"}`
              : "add clients, emit events, use rooms, stop the server, attach, open to peers"}
          {source === "file" ? " · showing an opened file: commands go to the live lab" : ""}
        </span>
      </header>
      <div id={bodyId} className="fp-body" hidden={!open}>
          {api ? (
            <>
              <ClientsBox api={api} clients={model.clients} labRunning={labRunning} />
              <div className="fp-actions">
                <div role="tablist" aria-label="Free play actions" className="fp-tabs" onKeyDown={onTabKey}>
                  {TABS.map((t) => (
                    <button
                      key={t}
                      type="button"
                      role="tab"
                      id={`${base}-tab-${t}`}
                      aria-selected={t === tab}
                      aria-controls={`${base}-panel-${t}`}
                      tabIndex={t === tab ? 0 : -1}
                      ref={(el) => {
                        if (el) tabRefs.current.set(t, el);
                        else tabRefs.current.delete(t);
                      }}
                      onClick={() => setTab(t)}
                    >
                      {t}
                    </button>
                  ))}
                </div>
                {/* Every form stays mounted, so what was typed survives a tab switch. */}
                {TABS.map((t) => (
                  <div key={t} role="tabpanel" id={`${base}-panel-${t}`} aria-labelledby={`${base}-tab-${t}`} hidden={t !== tab} className="fp-tabpanel">
                    {t === "Emit" ? <EmitForm api={api} model={model} /> : null}
                    {t === "Rooms" ? <RoomsForm api={api} model={model} /> : null}
                    {t === "Broadcast" ? <BroadcastForm api={api} model={model} /> : null}
                    {t === "Server" ? <ServerForm api={api} /> : null}
                    {t === "Attach" ? <AttachForm api={api} /> : null}
                    {t === "Peers" ? <PeersForm api={api} status={status} /> : null}
                  </div>
                ))}
              </div>
            </>
          ) : (
            <p className="fp-hint">Free play drives the live lab. Start SocketScope as the desktop app or with `npm run web` to use it.</p>
          )}
      </div>
    </section>
  );
}
