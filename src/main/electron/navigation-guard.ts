// Keeps the window on the app's own page: navigation, new windows and <webview> are refused.
// Links on the documentation allow-list open in the system browser instead; nothing else does.

import { allowedExternalUrl } from "./external-links.js";

export type Log = (message: string) => void;

interface PreventableEvent {
  preventDefault(): void;
}

/** The slice of Electron's `webContents` the guard uses. */
export interface GuardedWebContents {
  on(event: "will-navigate", listener: (event: PreventableEvent & { url?: string }, url: string) => void): unknown;
  on(event: "will-redirect", listener: (event: PreventableEvent & { url?: string }, url: string) => void): unknown;
  on(event: "will-frame-navigate", listener: (event: PreventableEvent & { url: string; isMainFrame: boolean }) => void): unknown;
  on(
    event: "will-attach-webview",
    listener: (event: PreventableEvent, webPreferences: unknown, params: { src?: string }) => void,
  ): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: "deny" } | { action: "allow" }): void;
}

export interface NavigationGuardOptions {
  openExternal: (url: string) => unknown;
  log: Log;
}

export type LinkDecision = { action: "deny" } | { action: "deny-and-open-external"; url: string };

/** What to do when the page tries to leave itself or open a window at `url`. */
export function decideLink(url: string): LinkDecision {
  const external = allowedExternalUrl(url);
  return external ? { action: "deny-and-open-external", url: external } : { action: "deny" };
}

const guarded = new WeakSet<object>();

/** Installs the guard once per webContents (app-wide `web-contents-created` and the window both call it). */
export function guardWebContents(contents: GuardedWebContents, options: NavigationGuardOptions): void {
  if (guarded.has(contents)) return;
  guarded.add(contents);
  const { openExternal, log } = options;
  const refuse = (what: string, url: string): void => {
    const decision = decideLink(url);
    if (decision.action === "deny-and-open-external") {
      log(`${what} to ${url}: refused in the window; opened in the system browser (allow-listed)`);
      void Promise.resolve(openExternal(decision.url)).catch((err: unknown) => log(`openExternal failed: ${String(err)}`));
    } else {
      log(`${what} to ${url}: refused (the window only shows the app)`);
    }
  };
  // The app is one page: every navigation away from it, in any frame, is refused.
  contents.on("will-navigate", (event, url) => {
    event.preventDefault();
    refuse("navigation", event.url ?? url);
  });
  contents.on("will-redirect", (event, url) => {
    event.preventDefault();
    log(`redirect to ${event.url ?? url}: refused`);
  });
  contents.on("will-frame-navigate", (event) => {
    if (event.isMainFrame) return; // will-navigate handles the main frame
    event.preventDefault();
    log(`subframe navigation to ${event.url}: refused`);
  });
  contents.setWindowOpenHandler(({ url }) => {
    refuse("window.open", url);
    return { action: "deny" };
  });
  contents.on("will-attach-webview", (event, _prefs, params) => {
    event.preventDefault();
    log(`<webview> for ${params.src ?? "(no src)"}: refused`);
  });
}
