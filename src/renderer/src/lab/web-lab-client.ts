// The PageApi over the web-mode WebSocket (ws://<host>/lab): one socket at a time, requests
// matched to responses by id, trace batches fanned out to listeners (late listeners get a
// replay), the server's shell requests passed to the page. When the server goes away the
// client says so and reconnects with back-off.

import type { LabCall, LabStatus, TraceBatch } from "../../../shared/lab-api";
import type { PageApi, ShellRequest } from "../../../shared/page-api";
import { LAB_PATH, parseServerMessage, type RequestMessage } from "../../../shared/web-protocol";

/** The link to the lab: up, or lost and retrying (`retryAt` on the page's clock, ms). */
export type LabConnection =
  | { state: "connecting" }
  | { state: "open"; reconnected: boolean }
  | { state: "lost"; attempt: number; retryAt: number; retryIn: number };

export interface WebLabClient extends PageApi {
  onConnection(listener: (c: LabConnection) => void): () => void;
  dispose(): void;
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

export interface Backoff {
  /** Delay before retry number `attempt` (1-based), in ms. */
  delay(attempt: number): number;
}

/** 0.5 s, 1 s, 2 s, 4 s, then every 8 s: quick after a restart, gentle while it is down. */
export const DEFAULT_BACKOFF: Backoff = { delay: (attempt) => Math.min(8000, 500 * 2 ** (attempt - 1)) };

export function labUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}${LAB_PATH}`;
}

export const LOST_MESSAGE = "Not connected to the lab: the web server went away. Retrying…";

export function createWebLabClient(url: string, WebSocketImpl: typeof WebSocket = WebSocket, backoff: Backoff = DEFAULT_BACKOFF, now: () => number = () => Date.now()): WebLabClient {
  let ws: WebSocket;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const queue: string[] = [];
  const traceListeners = new Set<(b: TraceBatch) => void>();
  const statusListeners = new Set<(s: LabStatus) => void>();
  const shellListeners = new Set<(r: ShellRequest) => void>();
  const connectionListeners = new Set<(c: LabConnection) => void>();
  // What arrived since the last reset, replayed to listeners that subscribe later.
  let recorded: TraceBatch[] = [];
  let connection: LabConnection = { state: "connecting" };
  let attempt = 0;
  let everOpen = false;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;

  const announce = (c: LabConnection): void => {
    connection = c;
    for (const l of connectionListeners) l(c);
  };

  const open = (): void => {
    ws = new WebSocketImpl(url);
    const socket = ws;
    socket.addEventListener("open", () => {
      if (socket !== ws) return;
      attempt = 0;
      announce({ state: "open", reconnected: everOpen });
      everOpen = true;
      for (const m of queue.splice(0)) socket.send(m);
    });
    socket.addEventListener("message", (ev: MessageEvent) => {
      if (socket !== ws || typeof ev.data !== "string") return;
      const parsed = parseServerMessage(ev.data);
      if (!parsed.ok) return;
      const m = parsed.message;
      if (m.type === "response") {
        if (m.id === null) return;
        const p = pending.get(m.id);
        if (!p) return;
        pending.delete(m.id);
        if (m.ok) p.resolve(m.result);
        else p.reject(new Error(m.error));
      } else if (m.type === "trace") {
        if (m.batch.reset) recorded = [];
        recorded.push(m.batch);
        for (const l of traceListeners) l(m.batch);
      } else if (m.type === "shell") {
        for (const l of shellListeners) l(m.request);
      } else {
        for (const l of statusListeners) l(m.status);
      }
    });
    socket.addEventListener("close", () => {
      if (socket !== ws || disposed) return;
      // Calls in flight will get no answer from this socket: fail them plainly.
      for (const p of pending.values()) p.reject(new Error(LOST_MESSAGE));
      pending.clear();
      queue.length = 0;
      attempt++;
      const delay = backoff.delay(attempt);
      announce({ state: "lost", attempt, retryAt: now() + delay, retryIn: delay });
      retry = setTimeout(() => {
        retry = null;
        if (!disposed) open();
      }, delay);
    });
  };
  open();

  const call = <T>(method: LabCall, ...params: unknown[]): Promise<T> => {
    if (connection.state === "lost") return Promise.reject(new Error(LOST_MESSAGE));
    const id = nextId++;
    const msg: RequestMessage = { type: "request", id, method, params };
    const text = JSON.stringify(msg);
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      if (ws.readyState === WebSocketImpl.OPEN) ws.send(text);
      else queue.push(text);
    });
  };

  return {
    listScenarios: () => call("listScenarios"),
    startScenario: (id, options) => (options ? call("startScenario", id, options) : call("startScenario", id)),
    nextStep: () => call("nextStep"),
    restartScenario: () => call("restartScenario"),
    stop: () => call("stop"),
    command: (command) => call("command", command),
    attach: (u, options) => (options ? call("attach", u, options) : call("attach", u)),
    openToPeers: (options) => call("openToPeers", options),
    getStatus: () => call("getStatus"),
    onTrace(listener) {
      for (const b of recorded) listener(b);
      traceListeners.add(listener);
      return () => traceListeners.delete(listener);
    },
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    onShellRequest(listener) {
      shellListeners.add(listener);
      return () => shellListeners.delete(listener);
    },
    onConnection(listener) {
      listener(connection);
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
    dispose() {
      disposed = true;
      if (retry) clearTimeout(retry);
      ws.close();
      traceListeners.clear();
      statusListeners.clear();
      shellListeners.clear();
      connectionListeners.clear();
    },
  };
}
