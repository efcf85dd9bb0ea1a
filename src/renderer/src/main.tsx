// Renderer entry: finds the LabApi (Electron preload or web mode), makes the one store,
// connects them, and renders the app.

import { createRoot } from "react-dom/client";
import { App } from "./app";
import { createTraceStore } from "./store/trace-store";
import { StoreContext } from "./store/store-context";
import { connectLab } from "./lab/connect-lab";
import { getLabApi } from "./lab/get-lab-api";
import "./styles/app.css";

const api = getLabApi();
const bundle = createTraceStore();
if (api) connectLab(api, bundle.store, bundle.actions);

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StoreContext.Provider value={bundle}>
      <App api={api} />
    </StoreContext.Provider>,
  );
}
