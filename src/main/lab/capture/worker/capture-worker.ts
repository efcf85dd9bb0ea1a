// The capture worker: the lab's captures and its recorder, off Socket.IO's thread. It applies
// the records the lab's side posts, in order (see remote-captures.ts), and sends the events
// back as JSON text, one message per batch the recorder delivers; it writes the trace file.

import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";
import { performance } from "node:perf_hooks";
import { workerData } from "node:worker_threads";
import { createRecorder } from "../../../trace/recorder.js";
import { createCaptureSet } from "../capture-set.js";
import { UnreadableRecords } from "../record-queue.js";
import type { FromWorker, ToWorker, WorkerSetup } from "./messages.js";

const setup = workerData as WorkerSetup;
yieldToTheLab();
const { records, events, flag } = setup;
const send = (m: FromWorker): void => events.postMessage(m);

// One clock with the lab's side: both read time since the same origin.
const recorder = createRecorder({
  header: setup.header,
  ...(setup.file ? { file: setup.file } : {}),
  clock: () => performance.timeOrigin + performance.now(),
  origin: setup.origin,
  ...(setup.windowSize !== undefined ? { windowSize: setup.windowSize } : {}),
  ...(setup.windowBytes !== undefined ? { windowBytes: setup.windowBytes } : {}),
});
const capture = createCaptureSet(recorder, setup.shape, { onStopped: (id) => send({ untap: id }) });
const queue = capture.correlator.queue;
// While the lab's side has written records it has not sent, it is busy: they wait (see RecordQueue.receive).
queue.watchSender(flag.subarray(3, 4));
// The lab's side waits on this when the worker falls too far behind (see remote-captures.ts).
queue.onApplied = (bytes) => {
  Atomics.add(flag, 2, Math.ceil(bytes / 1024));
  Atomics.notify(flag, 2);
};
// Batches go to the lab's side only while someone there listens (the page, a step's wait).
let unsubscribe: (() => void) | undefined;
const subscribe = (on: boolean): void => {
  if (on) unsubscribe ??= recorder.subscribe((batch) => batch.length > 0 && send({ events: JSON.stringify(batch), count: batch.length, last: batch[batch.length - 1]!.id }));
  else {
    unsubscribe?.();
    unsubscribe = undefined;
  }
};

const calls = {
  connections: () => capture.connections.connectionInfos(),
  bound: (token: unknown) => capture.api.bound(token as number),
  recent: () => recorder.recent(),
  since: (id: unknown) => recorder.since(id as number),
  count: () => recorder.count,
  close: () => {
    const window = recorder.recent();
    recorder.close();
    return window;
  },
};
const requests = {
  closedAll: (host: unknown, maxMs: unknown) => capture.connections.closedAll(host as string | undefined, maxMs as number),
};

// An exit (an uncaught error here) wakes a call the lab's side waits in: no answer will come.
process.on("exit", () => {
  // Batches kept for the lab's next pause are applied and written first: a crash keeps every
  // record that reached the worker (the recorder's own exit flush does not catch up with them).
  try {
    queue.drain();
    recorder.flush();
  } catch {
    // The records themselves fail: what was recorded before them stays.
  }
  Atomics.store(flag, 1, 1);
  Atomics.add(flag, 0, 1);
  Atomics.notify(flag, 0);
  Atomics.notify(flag, 2);
});

records.on("message", (m: ToWorker) => {
  // Kept until the lab pauses (see RecordQueue.receive); a fence or a request applies everything first.
  if ("batch" in m) queue.receive(m.batch);
  else if ("subscribe" in m) subscribe(m.subscribe);
  else if ("fence" in m) {
    let answer: FromWorker;
    try {
      queue.drain();
      const result = m.call ? (calls[m.call.op] as (...args: unknown[]) => unknown)(...m.call.args) : undefined;
      recorder.flush();
      answer = { fence: m.fence, lastEventId: capture.correlator.lastEventId, ...(result !== undefined ? { result } : {}) };
    } catch (err) {
      // Records it cannot read: nothing after them can be read either; the worker stops, and the lab says so.
      if (err instanceof UnreadableRecords) throw err;
      answer = { fence: m.fence, lastEventId: capture.correlator.lastEventId, error: (err as Error)?.message ?? String(err) };
    }
    send(answer);
    Atomics.add(flag, 0, 1);
    Atomics.notify(flag, 0);
  } else {
    queue.drain();
    const reply = m.request;
    Promise.resolve()
      .then(() => (requests[m.op] as (...args: unknown[]) => unknown)(...m.args))
      .then(
        (result) => send({ reply, result }),
        (err: unknown) => send({ reply, error: (err as Error)?.message ?? String(err) }),
      );
  }
});

/**
 * The captures give way to the lab they watch: on Linux this thread runs at the lowest
 * priority (nice 19), so that under a load that fills every core the Socket.IO thread keeps
 * its pace and the trace catches up after (its times were taken on the lab's side); with a
 * core to spare, nothing changes. Elsewhere, or where it is not allowed, it runs as it is.
 */
function yieldToTheLab(): void {
  if (process.platform !== "linux" || process.env.SOCKETSCOPE_CAPTURE_PRIORITY === "normal") return;
  try {
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, 19);
  } catch {
    /* no /proc/thread-self, or not allowed: the worker keeps the lab's priority */
  }
}

send({ ready: true });
