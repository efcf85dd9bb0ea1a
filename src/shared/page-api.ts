// PageApi: everything the page gets from its shell, declared once. It is the LabApi plus the
// shell's requests to the page: menu items (Electron) and the web server ask the page to act,
// and the page carries each request out through the same code as its own buttons.
// Implemented by the preload over IPC and by the web client over a WebSocket.

import type { LabApi } from "./lab-api.js";

/** The page's theme choices; "system" follows prefers-color-scheme. */
export const THEME_CHOICES = ["system", "light", "dark", "contrast"] as const;
export type ThemeChoice = (typeof THEME_CHOICES)[number];

export const EXPORT_FORMATS = ["svg", "png"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** What a shell asks of the page. The page owns files, pictures, presenter mode and theme. */
export type ShellRequest =
  /** Open the trace file the shell offers at `url` (same origin as the page), named `name`. */
  | { type: "open-trace"; name: string; url: string }
  | { type: "save-trace" }
  /** Save the trace as one self-contained web page (the viewer and the trace, opens offline). */
  | { type: "save-web-page" }
  | { type: "export-view"; format: ExportFormat }
  | { type: "toggle-presenter" }
  | { type: "set-theme"; theme: ThemeChoice }
  | { type: "start-scenario"; id: string }
  | { type: "next-step" }
  | { type: "restart-scenario" };

export type ShellRequestType = ShellRequest["type"];

/** Every request type, so tests and the page's handler can be checked against the union. */
export const SHELL_REQUEST_TYPES = [
  "open-trace",
  "save-trace",
  "save-web-page",
  "export-view",
  "toggle-presenter",
  "set-theme",
  "start-scenario",
  "next-step",
  "restart-scenario",
] as const satisfies readonly ShellRequestType[];

/** Where a shell offers an opened file to the page: `${OPENED_PATH}/<token>` on the page's own origin. */
export const OPENED_PATH = "/opened";

export interface PageApi extends LabApi {
  /** The shell's requests to the page; returns unsubscribe. */
  onShellRequest(listener: (request: ShellRequest) => void): () => void;
}
