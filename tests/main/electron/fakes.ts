// Small stand-ins for the Electron objects the shell's modules receive (webContents, session,
// ipcMain, IPC events, a timer), so the shell's decisions run in plain Node.

import type { IpcMainLike } from "../../../src/main/electron/ipc-gateway.js";
import type { IpcSenderEvent } from "../../../src/main/electron/sender-check.js";
import type { Timer } from "../../../src/main/protocol/trace-batcher.js";

type Listener = (...args: never[]) => unknown;

export class FakeEvent {
  defaultPrevented = false;
  constructor(readonly url?: string, readonly isMainFrame?: boolean) {}
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export class FakeWebContents {
  readonly listeners = new Map<string, Listener[]>();
  windowOpenHandler: ((details: { url: string }) => { action: "deny" } | { action: "allow" }) | null = null;
  readonly mainFrame: { url: string; parent: unknown };
  readonly session = new FakeSession();
  loaded: string[] = [];
  constructor(url = "app://socketscope/index.html") {
    this.mainFrame = { url, parent: null };
  }
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  emit(event: string, ...args: unknown[]): void {
    for (const l of this.listeners.get(event) ?? []) (l as (...a: unknown[]) => unknown)(...args);
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: "deny" } | { action: "allow" }): void {
    this.windowOpenHandler = handler;
  }
  loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    return Promise.resolve();
  }
}

type Headers = Record<string, string | string[]>;

export class FakeSession {
  requestHandler: ((wc: unknown, permission: string, cb: (granted: boolean) => void) => void) | null = null;
  checkHandler: ((wc: unknown, permission: string) => boolean) | null = null;
  deviceHandler: ((details: unknown) => boolean) | null = null;
  headersListener:
    | ((details: { url: string; responseHeaders?: Headers }, cb: (r: { responseHeaders?: Headers }) => void) => void)
    | null = null;
  readonly webRequest = {
    onHeadersReceived: (listener: NonNullable<FakeSession["headersListener"]>) => {
      this.headersListener = listener;
    },
  };
  setPermissionRequestHandler(h: NonNullable<FakeSession["requestHandler"]>): void {
    this.requestHandler = h;
  }
  setPermissionCheckHandler(h: NonNullable<FakeSession["checkHandler"]>): void {
    this.checkHandler = h;
  }
  setDevicePermissionHandler(h: NonNullable<FakeSession["deviceHandler"]>): void {
    this.deviceHandler = h;
  }
}

type Handler = (event: IpcSenderEvent, ...args: unknown[]) => unknown;

export class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Handler>();
  readonly listeners = new Map<string, Handler[]>();
  handle(channel: string, listener: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  on(channel: string, listener: Handler): this {
    this.listeners.set(channel, [...(this.listeners.get(channel) ?? []), listener]);
    return this;
  }
  removeListener(channel: string, listener: Handler): this {
    this.listeners.set(channel, (this.listeners.get(channel) ?? []).filter((l) => l !== listener));
    return this;
  }
  /** What ipcRenderer.invoke would get back (a rejection if the handler throws). */
  async invoke(channel: string, event: IpcSenderEvent, ...args: unknown[]): Promise<unknown> {
    const h = this.handlers.get(channel);
    if (!h) throw new Error(`No handler registered for '${channel}'`);
    return h(event, ...args);
  }
  send(channel: string, event: IpcSenderEvent, ...args: unknown[]): void {
    for (const l of this.listeners.get(channel) ?? []) l(event, ...args);
  }
}

/** An IPC event as Electron builds it for a message from `contents`' main frame. */
export function eventFrom(contents: FakeWebContents): IpcSenderEvent {
  return { sender: contents, senderFrame: contents.mainFrame };
}

/** A hand-driven clock and timer. */
export class FakeTimer implements Timer {
  time = 0;
  private nextId = 1;
  readonly pending = new Map<number, { at: number; fn: () => void }>();
  now(): number {
    return this.time;
  }
  set(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.pending.set(id, { at: this.time + ms, fn });
    return id;
  }
  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = [...this.pending.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
    }
    this.time = until;
  }
}
