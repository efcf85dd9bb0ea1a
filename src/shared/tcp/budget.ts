// The TCP model's work budget: a trace (or a setting) that would have it send more segments
// than a learner's machine can model in a moment is refused up front, in words, instead of
// hanging the TCP view or the `tcp` command.

import type { NetworkSettings } from "../network-settings.js";
import type { ConnectionInput } from "./types.js";

/** Segments the model sends over all connections, retransmissions and duplicates included. */
export const MAX_MODEL_SEGMENTS = 200_000;

export class ModelBudgetError extends Error {
  /** `asked` is the expected count, or undefined when the model found out by running past the limit. */
  constructor(
    readonly asked: number | undefined,
    readonly limit: number,
  ) {
    super(`this trace asks the model for ${asked === undefined ? `more than ${limit}` : asked} segments; the limit is ${limit}`);
    this.name = "ModelBudgetError";
  }
}

/**
 * Segments the model can be expected to send: each direction cut into MSS-sized pieces (a
 * small window can only make it more), handshake and close, times the sends a loss rate costs
 * on average, plus duplicates.
 */
export function expectedSegments(inputs: readonly ConnectionInput[], settings: NetworkSettings): number {
  const mss = Math.max(1, settings.mss);
  let segments = 0;
  for (const input of inputs) {
    const bytes = { client: 0, server: 0 };
    for (const c of input.chunks) bytes[c.from] += c.bytes.length;
    // data, one ACK for every second segment at least, SYN/SYN-ACK/ACK and FIN/ACK each way
    const data = Math.ceil(bytes.client / mss) + Math.ceil(bytes.server / mss);
    segments += data + Math.ceil(data / 2) + 7;
  }
  const loss = Math.min(Math.max(settings.loss, 0), 0.999);
  return Math.ceil((segments / (1 - loss)) * (1 + Math.min(Math.max(settings.duplication, 0), 1)));
}

/** Throws ModelBudgetError when the expected work is over the limit. */
export function checkModelBudget(inputs: readonly ConnectionInput[], settings: NetworkSettings, limit = MAX_MODEL_SEGMENTS): void {
  const asked = expectedSegments(inputs, settings);
  if (asked > limit) throw new ModelBudgetError(asked, limit);
}
