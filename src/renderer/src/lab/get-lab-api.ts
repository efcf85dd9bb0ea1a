// Finds the page's API: Electron's preload exposes window.socketscope; in a browser the page
// was served by web mode, so the lab is reached over ws://<host>/lab. Either way a PageApi.

import type { PageApi } from "../../../shared/page-api";
import { createWebLabClient, labUrl } from "./web-lab-client";

declare global {
  interface Window {
    /** The preload's PageApi in the Electron app; absent in web mode. The one declaration of it. */
    readonly socketscope?: PageApi;
  }
}

function isPageApi(v: unknown): v is PageApi {
  const api = v as Partial<PageApi> | null;
  return typeof api === "object" && api !== null && typeof api.onTrace === "function" && typeof api.listScenarios === "function" && typeof api.onShellRequest === "function";
}

export function getLabApi(win: Window = window): PageApi | null {
  if (isPageApi(win.socketscope)) return win.socketscope;
  if (win.location.protocol === "http:" || win.location.protocol === "https:") return createWebLabClient(labUrl(win.location));
  return null;
}

/** True in the Electron app (the preload's API), false in web mode. */
export const inElectron = (win: Window = window): boolean => isPageApi(win.socketscope);
