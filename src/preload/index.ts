// Preload: exposes `window.socketscope` (LabApi) to the renderer; never ipcRenderer itself.
import { contextBridge } from "electron";

contextBridge.exposeInMainWorld("socketscope", {});
