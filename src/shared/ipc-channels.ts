// The IPC vocabulary between Electron's main process and the preload: every channel name and
// which direction it goes, derived from the one list of LabApi methods. Names only.

import { LAB_METHODS, type LabMethod } from "./lab-api.js";

export type LabChannel = `lab:${LabMethod}`;
export const labChannel = <M extends LabMethod>(method: M): `lab:${M}` => `lab:${method}`;

/** Channels the renderer may send or invoke; anything else arriving in main is refused. */
export const RENDERER_TO_MAIN = [
  // request/response (ipcRenderer.invoke): one per LabApi method
  ...LAB_METHODS.map(labChannel),
  // one-way: the page can receive messages now
  "lab:ready",
] as const;

/** Channels main sends to the renderer. */
export const MAIN_TO_RENDERER = ["trace:batch", "lab:status", "shell:request"] as const;
export type MainToRendererChannel = (typeof MAIN_TO_RENDERER)[number];

export type IpcChannel = LabChannel | "lab:ready" | MainToRendererChannel;
export const IPC_CHANNELS: readonly IpcChannel[] = [...RENDERER_TO_MAIN, ...MAIN_TO_RENDERER];
