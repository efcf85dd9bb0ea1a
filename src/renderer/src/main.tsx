// Renderer entry: finds the PageApi (Electron preload or web mode), makes the one store,
// connects them (the lab's trace and status, the shell's requests), and renders the app.

import { createRoot } from "react-dom/client";
import { App } from "./app";
import { createTraceStore } from "./store/trace-store";
import { StoreContext } from "./store/store-context";
import { connectLab } from "./lab/connect-lab";
import { getLabApi, inElectron } from "./lab/get-lab-api";
import { connectShell } from "./shell/page-commands";
import { chooseTheme } from "./shell/theme-choice";
import { guardUnsaved } from "./shell/unsaved";
import { embeddedTrace, linkedTrace, openEmbeddedTrace } from "./files/embedded-trace";
import "./styles/app.css";

// Class mode serves this page to students with the lab's class address in a meta tag: they
// get the small student page (its own chunk), never the teacher's app.
const classAddress = document.querySelector('meta[name="socketscope-class"]');
if (classAddress) void import("./student/student-main");
// An exported lesson (one HTML file) or a shared link carries its trace and talks to no lab.
const lesson = embeddedTrace() !== null || linkedTrace(location.hash);
const api = lesson || classAddress ? null : getLabApi();
const bundle = createTraceStore();
if (api) connectLab(api, bundle.store, bundle.actions);
if (!classAddress) connectShell({ api, store: bundle.store, actions: bundle.actions });
// The theme follows the system's colour scheme until the user picks one.
chooseTheme(bundle.actions, "system");
// In Electron, closing with an unsaved live trace asks first (main shows the prompt).
if (inElectron()) guardUnsaved(bundle.store);

const root = classAddress ? null : document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StoreContext.Provider value={bundle}>
      <App api={api} />
    </StoreContext.Provider>,
  );
}

if (lesson) void openEmbeddedTrace(bundle.store, bundle.actions);
