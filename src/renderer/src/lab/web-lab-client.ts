// LabApi over the web-mode WebSocket (ws://<host>/lab): one socket, requests matched to
// responses by id, trace batches fanned out to listeners (late listeners get a replay).

import type { LabApi, LabStatus, TraceBatch } from "../../../shared/lab-api";
import { LAB_PATH, parseServerMessage, type LabMethod, type RequestMessage } from "../../../shared/web-protocol";

export interface WebLabClient extends LabApi {
  dispose(): void;
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

export function labUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}${LAB_PATH}`;
}

export function createWebLabClient(url: string, WebSocketImpl: typeof WebSocket = WebSocket): WebLabClient {
  const ws = new WebSocketImpl(url);
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const queue: string[] = [];
  const traceListeners = new Set<(b: TraceBatch) => void>();
  const statusListeners = new Set<(s: LabStatus) => void>();
  // What arrived since the last reset, replayed to listeners that subscribe later.
  let recorded: TraceBatch[] = [];
  let closed: string | null = null;

  ws.addEventListener("open", () => {
    for (const m of queue.splice(0)) ws.send(m);
  });
  ws.addEventListener("message", (ev: MessageEvent) => {
    if (typeof ev.data !== "string") return;
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
    } else {
      for (const l of statusListeners) l(m.status);
    }
  });
  ws.addEventListener("close", () => {
    closed = "The connection to the lab closed. Restart `npm run web` and reload the page.";
    for (const p of pending.values()) p.reject(new Error(closed));
    pending.clear();
    for (const l of statusListeners) l({ state: "error", step: -1, steps: 0, message: closed });
  });

  const call = <T>(method: LabMethod, ...params: unknown[]): Promise<T> => {
    if (closed) return Promise.reject(new Error(closed));
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
    dispose() {
      ws.close();
      traceListeners.clear();
      statusListeners.clear();
    },
  };
}
