// Waiting on the trace itself: a step that must hold a packet nothing in the API announces
// (an ACK that arrives after its callback gave up, a log line of the server's code) waits
// until the recorder has it.

import type { TraceEvent } from "../../../shared/trace/types.js";
import type { Lab } from "../lab.js";

const WAIT_MS = 15_000;

/** Resolves with the first event recorded from now on that matches (rejects after a generous timeout). */
export function recorded(lab: Lab, match: (e: TraceEvent) => boolean, what: string): Promise<TraceEvent> {
  return new Promise((resolve, reject) => {
    const stop = lab.recorder.subscribe((events) => {
      const hit = events.find(match);
      if (!hit) return;
      clearTimeout(timer);
      stop();
      resolve(hit);
    });
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out waiting for ${what}`));
    }, WAIT_MS);
    timer.unref();
  });
}

/** A lab `log` line of `host`'s code with exactly this text. */
export const logged = (host: string, text: string) => (e: TraceEvent): boolean => e.layer === "lab" && e.kind === "log" && e.host === host && e.text === text;
