// The one door from the renderer into main. Every message is checked twice before anything runs:
// the sender must be the app's own window and main frame, and the arguments must fit the schema.

import { LAB_METHOD_CHANNELS, RENDERER_TO_MAIN, type LabMethod } from "../../shared/ipc-channels.js";
import { LAB_ARG_SCHEMAS, READY_SCHEMA, SVG_REPLY_SCHEMA, type IpcArgs } from "./ipc-schemas.js";
import type { Log } from "./navigation-guard.js";
import { senderRefusal, type IpcSenderEvent, type TrustedWindow } from "./sender-check.js";
import type { Validator } from "../protocol/validate.js";

/** The slice of Electron's `ipcMain` the gateway uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
  on(channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => void): unknown;
}

export type LabHandlers = { [M in LabMethod]: (...args: IpcArgs<M>) => Promise<unknown> };

export interface GatewayOptions {
  ipcMain: IpcMainLike;
  trusted: TrustedWindow;
  handlers: LabHandlers;
  onReady: () => void;
  onSvg: (requestId: number, svg: string | null) => void;
  log: Log;
}

/** What the renderer sees when it is refused; the reason is logged in main, not told to the page. */
export const REFUSED = "refused by the SocketScope IPC gateway";

export interface IpcGateway {
  readonly channels: readonly string[];
  dispose(): void;
}

export function createIpcGateway(options: GatewayOptions): IpcGateway {
  const { ipcMain, trusted, handlers, onReady, onSvg, log } = options;
  const cleanups: (() => void)[] = [];

  /** The checked arguments, or null after logging why the message was refused. */
  function admit<T>(channel: string, event: IpcSenderEvent, raw: unknown[], schema: Validator<T>): T | null {
    const why = senderRefusal(event, trusted);
    if (why) {
      log(`IPC ${channel} refused: ${why}`);
      return null;
    }
    const checked = schema(raw, "args");
    if (!checked.ok) {
      log(`IPC ${channel} refused: malformed arguments (${checked.error})`);
      return null;
    }
    return checked.value;
  }

  for (const method of Object.keys(LAB_METHOD_CHANNELS) as LabMethod[]) {
    const channel = LAB_METHOD_CHANNELS[method];
    const schema = LAB_ARG_SCHEMAS[method] as Validator<unknown[]>;
    const run = handlers[method] as (...args: unknown[]) => Promise<unknown>;
    ipcMain.handle(channel, async (event, ...raw) => {
      const args = admit(channel, event, raw, schema);
      if (args === null) throw new Error(REFUSED);
      return run(...args);
    });
    cleanups.push(() => ipcMain.removeHandler(channel));
  }

  const oneWay = (channel: string, schema: Validator<unknown[]>, run: (args: unknown[]) => void): void => {
    const listener = (event: IpcSenderEvent, ...raw: unknown[]): void => {
      const args = admit(channel, event, raw, schema);
      if (args !== null) run(args);
    };
    ipcMain.on(channel, listener);
    cleanups.push(() => ipcMain.removeListener(channel, listener));
  };
  oneWay("lab:ready", READY_SCHEMA as Validator<unknown[]>, () => onReady());
  oneWay("view:svg", SVG_REPLY_SCHEMA as Validator<unknown[]>, (args) => {
    onSvg(args[0] as number, args[1] as string | null);
  });

  return {
    channels: RENDERER_TO_MAIN,
    dispose() {
      for (const c of cleanups.splice(0)) c();
    },
  };
}
