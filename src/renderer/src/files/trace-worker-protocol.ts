// Messages between the renderer and the trace worker, which reads a trace file off the main
// thread (the main thread parses and validates its text) and runs the TCP model over it.

import type { NetworkSettings } from "../../../shared/network-settings";
import type { ConnectionOutput } from "../../../shared/tcp/index";

export type ToWorker =
  | { type: "open"; file: Blob }
  /** The main thread has parsed one piece: the worker may read one more ahead. */
  | { type: "more" }
  /**
   * Models the whole file with these settings (the worker parses it again the first time; the
   * main thread has validated it and holds `events` events); answered by a `model` message.
   */
  | { type: "model"; key: string; settings: NetworkSettings; events: number }
  /** The modelled connection one of whose ends has this trace conn id, under the model `key`. */
  | { type: "connection"; key: string; conn: string };

export type FromWorker =
  /**
   * The next piece of the file's text. Text, not parsed events: receiving objects (structured
   * clone) costs the main thread more than parsing them; decoding here leaves it free to parse.
   * Non-ASCII characters come as JSON \u escapes (see ascii-text.ts): one-byte strings, half
   * the bytes to receive, and their lines JSON.parse to the same values.
   */
  | { type: "text"; text: string; progress: number }
  | { type: "end" }
  /** The file could not be read. */
  | { type: "failed"; message: string }
  /** Model time of each event by trace index (transferred), or why the model could not run. */
  | { type: "model"; key: string; times: Float64Array; error: string | null }
  | { type: "connection"; key: string; conn: string; output: ConnectionOutput | null };

/** The TCP model of a file, computed in its worker; see selectors/tcp-model. */
export interface TraceModeller {
  /**
   * Event times by trace index and the model's error for these settings, or null while the
   * worker computes them; the first call for new settings asks the worker (once).
   */
  model(settings: NetworkSettings): { times: Float64Array; error: string | null } | null;
  /** The modelled connection of a trace conn id (null: none), or "pending" while asked for. */
  connection(settings: NetworkSettings, conn: string): ConnectionOutput | null | "pending";
  /** Called whenever an answer arrives (the store then lets selectors recompute). */
  onChange: () => void;
  dispose(): void;
}
