// The one door from the renderer into main. Every message is checked twice before anything runs:
// the sender must be the app's own window and main frame, and the arguments must fit the schema.

import { LAB_METHODS, type LabMethod } from "../../shared/lab-api.js";
import { labChannel, RENDERER_TO_MAIN } from "../../shared/ipc-channels.js";
import { checkLabCall, READY_SCHEMA, type IpcArgs } from "../protocol/lab-args.js";
import type { Log } from "./navigation-guard.js";
import { senderRefusal, type IpcSenderEvent, type TrustedWindow } from "./sender-check.js";
import type { Checked } from "../protocol/validate.js";

/** The slice of Electron's `ipcMain` the gateway uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
  on(channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => void): unknown;
}

export type { LabMethod };
export type LabHandlers = { [M in LabMethod]: (...args: IpcArgs<M>) => Promise<unknown> };

export interface GatewayOptions {
  ipcMain: IpcMainLike;
  trusted: TrustedWindow;
  handlers: LabHandlers;
  onReady: () => void;
  log: Log;
}

/** What the renderer sees when it is refused; the reason is logged in main, not told to the page. */
export const REFUSED = "refused by the SocketScope IPC gateway";

export interface IpcGateway {
  readonly channels: readonly string[];
  dispose(): void;
}

export function createIpcGateway(options: GatewayOptions): IpcGateway {
  const { ipcMain, trusted, handlers, onReady, log } = options;
  const cleanups: (() => void)[] = [];

  /** The checked arguments, or null after logging why the message was refused. */
  function admit<T>(channel: string, event: IpcSenderEvent, check: () => Checked<T>): T | null {
    const why = senderRefusal(event, trusted);
    if (why) {
      log(`IPC ${channel} refused: ${why}`);
      return null;
    }
    const checked = check();
    if (!checked.ok) {
      log(`IPC ${channel} refused: malformed arguments (${checked.error})`);
      return null;
    }
    return checked.value;
  }

  for (const method of LAB_METHODS) {
    const channel = labChannel(method);
    const run = handlers[method] as (...args: unknown[]) => Promise<unknown>;
    ipcMain.handle(channel, async (event, ...raw) => {
      const args = admit(channel, event, () => checkLabCall(method, raw, "args") as Checked<unknown[]>);
      if (args === null) throw new Error(REFUSED);
      return run(...args);
    });
    cleanups.push(() => ipcMain.removeHandler(channel));
  }

  const readyListener = (event: IpcSenderEvent, ...raw: unknown[]): void => {
    if (admit("lab:ready", event, () => READY_SCHEMA(raw, "args")) !== null) onReady();
  };
  ipcMain.on("lab:ready", readyListener);
  cleanups.push(() => ipcMain.removeListener("lab:ready", readyListener));

  return {
    channels: RENDERER_TO_MAIN,
    dispose() {
      for (const c of cleanups.splice(0)) c();
    },
  };
}
