// Finds the LabApi: Electron's preload exposes window.socketscope; in a browser the page
// was served by web mode, so the lab is reached over ws://<host>/lab.

import type { LabApi } from "../../../shared/lab-api";
import { createWebLabClient, labUrl } from "./web-lab-client";

declare global {
  interface Window {
    socketscope?: LabApi;
  }
}

function isLabApi(v: unknown): v is LabApi {
  return typeof v === "object" && v !== null && typeof (v as LabApi).onTrace === "function" && typeof (v as LabApi).listScenarios === "function";
}

export function getLabApi(win: Window = window): LabApi | null {
  if (isLabApi(win.socketscope)) return win.socketscope;
  if (win.location.protocol === "http:" || win.location.protocol === "https:") return createWebLabClient(labUrl(win.location));
  return null;
}
