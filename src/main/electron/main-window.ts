// Creates the app's one window: hidden until its first paint, with the secure web preferences,
// its session locked down (CSP header, no permissions) and its navigation guarded.

import { installCspHeader, type WebRequestLike } from "./csp.js";
import { guardWebContents, type GuardedWebContents, type Log } from "./navigation-guard.js";
import { denyAllPermissions, type PermissionSession } from "./permissions.js";
import { createWebPreferences, type SecureWebPreferences } from "./web-preferences.js";
import type { AppUrl } from "./app-url.js";

export interface WindowOptions {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  show: false;
  title: string;
  backgroundColor: string;
  webPreferences: SecureWebPreferences;
}

/** What the factory needs from a BrowserWindow and its webContents/session. */
export interface WindowLike {
  webContents: GuardedWebContents & {
    session: PermissionSession & { webRequest: WebRequestLike };
    loadURL(url: string): Promise<void>;
  };
  once(event: "ready-to-show", listener: () => void): unknown;
  show(): void;
}

export function windowOptions(preloadPath: string): WindowOptions {
  return {
    width: 1366,
    height: 800,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: "SocketScope",
    backgroundColor: "#10141a",
    webPreferences: createWebPreferences(preloadPath),
  };
}

export function createMainWindow<W extends WindowLike>(options: {
  create: (options: WindowOptions) => W;
  preloadPath: string;
  appUrl: AppUrl;
  openExternal: (url: string) => unknown;
  log: Log;
  /** Runs once, after the first paint. */
  onFirstPaint: (win: W) => void;
}): W {
  const win = options.create(windowOptions(options.preloadPath));
  const { session } = win.webContents;
  denyAllPermissions(session, options.log);
  installCspHeader(session.webRequest);
  guardWebContents(win.webContents, { openExternal: options.openExternal, log: options.log });
  win.once("ready-to-show", () => {
    win.show();
    options.onFirstPaint(win);
  });
  void win.webContents.loadURL(options.appUrl.url).catch((err: unknown) => options.log(`loading the app failed: ${String(err)}`));
  return win;
}
