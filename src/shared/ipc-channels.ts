// The IPC vocabulary between Electron's main process and the preload: every channel name,
// which direction it goes, and which LabApi method it carries. Names only; no Electron here.

import type { LabApi } from "./lab-api.js";

export const IPC_CHANNELS = [
  // renderer → main, request/response (ipcRenderer.invoke): one per LabApi method
  "lab:listScenarios",
  "lab:startScenario",
  "lab:nextStep",
  "lab:restartScenario",
  "lab:stop",
  "lab:command",
  "lab:attach",
  "lab:openToPeers",
  "lab:getStatus",
  "lab:onTrace",
  "lab:onStatus",
  // renderer → main, one-way: the renderer can receive messages now
  "lab:ready",
  // main → renderer, one-way
  "trace:batch",
  "lab:status",
  // the shell's own: menu commands to the renderer, and the renderer's answer to "export SVG"
  "app:menu",
  "view:svg",
] as const;

export type IpcChannel = (typeof IPC_CHANNELS)[number];

/** The LabApi method each request channel carries. */
export const LAB_METHOD_CHANNELS = {
  listScenarios: "lab:listScenarios",
  startScenario: "lab:startScenario",
  nextStep: "lab:nextStep",
  restartScenario: "lab:restartScenario",
  stop: "lab:stop",
  command: "lab:command",
  attach: "lab:attach",
  openToPeers: "lab:openToPeers",
  getStatus: "lab:getStatus",
  onTrace: "lab:onTrace",
  onStatus: "lab:onStatus",
} as const satisfies { [M in keyof LabApi]: IpcChannel };

export type LabMethod = keyof typeof LAB_METHOD_CHANNELS;
export type InvokeChannel = (typeof LAB_METHOD_CHANNELS)[LabMethod];

/** Channels the renderer may send or invoke; anything else arriving in main is refused. */
export const RENDERER_TO_MAIN = [...Object.values(LAB_METHOD_CHANNELS), "lab:ready", "view:svg"] as const;
/** Channels main sends to the renderer. */
export const MAIN_TO_RENDERER = ["trace:batch", "lab:status", "app:menu"] as const;
export type MainToRendererChannel = (typeof MAIN_TO_RENDERER)[number];

/** What the menu asks of the renderer (things only the page can do). */
export type MenuCommand =
  | { type: "presenter"; on: boolean }
  | { type: "export-svg"; requestId: number }
  | { type: "trace-opened"; path: string };
