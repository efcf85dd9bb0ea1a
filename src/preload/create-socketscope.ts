// Builds `window.socketscope`, the PageApi (src/shared/page-api.ts) over IPC: one method per
// LabApi message, plus the shell's requests to the page. It receives a narrow IPC port, never
// hands it out, and passes only payloads on.

import type { LabStatus, TraceBatch } from "../shared/lab-api.js";
import type { IpcChannel } from "../shared/ipc-channels.js";
import type { PageApi, ShellRequest } from "../shared/page-api.js";

/** The slice of `ipcRenderer` the preload uses. Event objects never reach the page. */
export interface IpcPort {
  invoke(channel: IpcChannel, ...args: unknown[]): Promise<unknown>;
  send(channel: IpcChannel, ...args: unknown[]): void;
  on(channel: IpcChannel, listener: (event: unknown, payload: unknown) => void): void;
}

export function createSocketScopeApi(ipc: IpcPort): PageApi {
  const traceListeners = new Set<(batch: TraceBatch) => void>();
  const statusListeners = new Set<(status: LabStatus) => void>();
  const shellListeners = new Set<(request: ShellRequest) => void>();
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
  ipc.on("shell:request", (_event, request) => deliver(shellListeners, request as ShellRequest));

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
    onShellRequest(listener) {
      shellListeners.add(listener);
      ready();
      return () => void shellListeners.delete(listener);
    },
  };
}
