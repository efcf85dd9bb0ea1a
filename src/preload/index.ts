// Preload (sandboxed, built as CommonJS): exposes `window.socketscope` and nothing else. The page
// gets one function per message; ipcRenderer itself never crosses the context bridge.

import { contextBridge, ipcRenderer } from "electron";
import { createSocketScopeApi } from "./create-socketscope.js";

const api = createSocketScopeApi({
  invoke: (channel, ...args) => ipcRenderer.invoke(channel, ...args),
  send: (channel, ...args) => ipcRenderer.send(channel, ...args),
  on: (channel, listener) => void ipcRenderer.on(channel, listener),
});

contextBridge.exposeInMainWorld("socketscope", api);
