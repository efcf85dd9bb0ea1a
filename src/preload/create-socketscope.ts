// Builds `window.socketscope`: LabApi with one method per IPC message, plus the shell's two
// view hooks. It receives a narrow IPC port, never hands it out, and passes only payloads on.

import type { LabApi, LabStatus, TraceBatch } from "../shared/lab-api.js";
import type { IpcChannel, MenuCommand } from "../shared/ipc-channels.js";

/** The slice of `ipcRenderer` the preload uses. Event objects never reach the page. */
export interface IpcPort {
  invoke(channel: IpcChannel, ...args: unknown[]): Promise<unknown>;
  send(channel: IpcChannel, ...args: unknown[]): void;
  on(channel: IpcChannel, listener: (event: unknown, payload: unknown) => void): void;
}

export interface SocketScopeApi extends LabApi {
  /** Menu commands only the page can carry out (presenter mode, export as SVG). */
  onMenu(listener: (command: MenuCommand) => void): () => void;
  /** The answer to `{ type: "export-svg", requestId }`: the view's SVG text, or null if it has none. */
  provideSvg(requestId: number, svg: string | null): void;
}

export function createSocketScopeApi(ipc: IpcPort): SocketScopeApi {
  const traceListeners = new Set<(batch: TraceBatch) => void>();
  const statusListeners = new Set<(status: LabStatus) => void>();
  const menuListeners = new Set<(command: MenuCommand) => void>();
  let lastStatus: LabStatus | undefined;
  let readySent = false;

  /** Main holds its messages until the page listens for the first time. */
  const ready = (): void => {
    if (readySent) return;
    readySent = true;
    ipc.send("lab:ready");
  };
  const deliver = <T>(listeners: Set<(value: T) => void>, value: T): void => {
    for (const listener of [...listeners]) {
      try {
        listener(value);
      } catch (err) {
        console.error("socketscope listener failed", err);
      }
    }
  };

  ipc.on("trace:batch", (_event, batch) => deliver(traceListeners, batch as TraceBatch));
  ipc.on("lab:status", (_event, status) => {
    lastStatus = status as LabStatus;
    deliver(statusListeners, lastStatus);
  });
  ipc.on("app:menu", (_event, command) => deliver(menuListeners, command as MenuCommand));

  const call = <T>(channel: IpcChannel, ...args: unknown[]): Promise<T> => ipc.invoke(channel, ...args) as Promise<T>;

  return {
    listScenarios: () => call("lab:listScenarios"),
    startScenario: (id, options) => call("lab:startScenario", id, ...(options === undefined ? [] : [options])),
    nextStep: () => call("lab:nextStep"),
    restartScenario: () => call("lab:restartScenario"),
    stop: () => call("lab:stop"),
    command: (command) => call("lab:command", command),
    attach: (url, options) => call("lab:attach", url, ...(options === undefined ? [] : [options])),
    openToPeers: (options) => call("lab:openToPeers", options),
    getStatus: () => call("lab:getStatus"),
    onTrace(listener) {
      traceListeners.add(listener);
      ready();
      // Main (re)subscribes and replays the whole trace as a `reset` batch to every listener.
      void call("lab:onTrace").catch((err: unknown) => console.error("socketscope onTrace failed", err));
      return () => void traceListeners.delete(listener);
    },
    onStatus(listener) {
      statusListeners.add(listener);
      ready();
      if (lastStatus) listener(lastStatus);
      void call("lab:onStatus").catch((err: unknown) => console.error("socketscope onStatus failed", err));
      return () => void statusListeners.delete(listener);
    },
    onMenu(listener) {
      menuListeners.add(listener);
      ready();
      return () => void menuListeners.delete(listener);
    },
    provideSvg(requestId, svg) {
      ipc.send("view:svg", requestId, svg);
    },
  };
}
