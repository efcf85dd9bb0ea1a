// The page's view of what the preload exposes: `window.socketscope`, a LabApi (plus the shell's
// view hooks). Type-only; the renderer may include it to type `window.socketscope`.

import type { SocketScopeApi } from "./create-socketscope.js";

declare global {
  interface Window {
    /** Present in the Electron app; absent in web mode, where the page builds its own LabApi. */
    readonly socketscope?: SocketScopeApi;
  }
}

export {};
