// What the lab's side and its capture worker tell each other (see remote-captures.ts).

import type { MessagePort } from "node:worker_threads";
import type { TraceHeader } from "../../../../shared/trace/types.js";
import type { CaptureShape } from "../capture-set.js";
import type { RemoteCall, RemoteRequest } from "../correlator.js";
import type { RecordBatch } from "../record-queue.js";

/** The Int32 slots of `WorkerSetup.flag`. */
export const FLAG_SLOTS = 4;

/** The worker's `workerData`. */
export interface WorkerSetup {
  header: TraceHeader;
  file?: string;
  shape: CaptureShape;
  /** `performance.timeOrigin + performance.now()` at the lab's time 0. */
  origin: number;
  windowSize?: number;
  windowBytes?: number;
  /** [0] moved by the worker after each answer to a fence (the lab's side waits on it); [1] set as it exits; [2] KiB of records applied; [3] records the lab's side wrote. */
  flag: Int32Array;
  /** Records, fences and requests from the lab's side. */
  records: MessagePort;
  /** Event batches and answers to the lab's side, in order. */
  events: MessagePort;
}

export type ToWorker =
  | { batch: RecordBatch }
  /** Apply everything before this, flush, then answer (with the call's result, where there is one). */
  | { fence: number; call?: { op: RemoteCall; args: unknown[] } }
  /** Send each batch of events from now on (someone on the lab's side listens), or stop. */
  | { subscribe: boolean }
  | { request: number; op: RemoteRequest; args: unknown[] };

export type FromWorker =
  /** A batch of events as the recorder delivered it: their JSON array, how many, the last id. */
  | { events: string; count: number; last: number }
  | { fence: number; lastEventId: number; result?: unknown; error?: string }
  | { reply: number; result?: unknown; error?: string }
  /** The capture stopped following a connection: remove its tap. */
  | { untap: string }
  /** The captures are made. */
  | { ready: true };
