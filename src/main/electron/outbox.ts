// Messages from main to the renderer wait here until the page says it is ready (`lab:ready`),
// and again after every reload. Only the newest status is kept while waiting. Trace batches do
// not wait here: the trace batcher holds them (and slices them) while the page is not ready.

import type { LabStatus, TraceBatch } from "../../shared/lab-api.js";
import type { MainToRendererChannel } from "../../shared/ipc-channels.js";
import type { ShellRequest } from "../../shared/page-api.js";

export interface OutboxMessages {
  "trace:batch": TraceBatch;
  "lab:status": LabStatus;
  "shell:request": ShellRequest;
}

type Message = { [C in MainToRendererChannel]: { channel: C; payload: OutboxMessages[C] } }[MainToRendererChannel];

export interface Outbox {
  post<C extends MainToRendererChannel>(channel: C, payload: OutboxMessages[C]): void;
  /** The page is ready: send what waited, in order; later posts go straight out. */
  markReady(): void;
  /** The page is going away (reload, crash): hold messages again. */
  markNotReady(): void;
  readonly ready: boolean;
  /** How many messages wait (for tests and logs). */
  readonly queued: number;
}

export function createOutbox(send: (channel: MainToRendererChannel, payload: unknown) => void, onReady: () => void = () => undefined): Outbox {
  let ready = false;
  let queue: Message[] = [];

  const enqueue = (message: Message): void => {
    // Status is a state, not a stream: only the newest matters.
    if (message.channel === "lab:status") queue = queue.filter((m) => m.channel !== "lab:status");
    queue.push(message);
  };

  return {
    post(channel, payload) {
      const message = { channel, payload } as Message;
      if (ready) send(message.channel, message.payload);
      else enqueue(message);
    },
    markReady() {
      ready = true;
      const waiting = queue;
      queue = [];
      for (const m of waiting) send(m.channel, m.payload);
      onReady();
    },
    markNotReady() {
      ready = false;
    },
    get ready() {
      return ready;
    },
    get queued() {
      return queue.length;
    },
  };
}
