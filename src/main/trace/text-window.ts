// The recorder's window of recent events, kept as JSON text: one string per batch the recorder
// flushed, read back only when someone asks (a page that connects, a lesson that looks back).
//
// Kept as objects, the window cost more than the capture that made it: every event and its
// arrays and strings survived the young generation and were copied into the old one, and a lab
// that kept 200,000 of them ran 25 % slower than one that kept 10 (20,000 acked emits, three
// runs each; see docs/performance.md). A batch's text is one flat string the collector copies
// without looking inside: about 212 characters an event, stored two bytes each (every receive's
// `code` has a "…"), so ~425 bytes against ~565 as objects. Its length is the exact JSON size
// (in characters) the window is bounded by, where the objects' size had to be estimated.

import type { TraceEvent } from "../../shared/trace/types.js";

export interface TextWindow {
  /** Keeps a flushed batch (its ids in order, one after another). */
  add(batch: readonly TraceEvent[]): void;
  /** The events kept, oldest first (at most `size`), read back from their text. */
  events(): TraceEvent[];
  /** The events kept whose id is above `id`: only the batches that hold some are read back. */
  since(id: number): TraceEvent[];
  /** Events and bytes (of JSON) kept now. */
  readonly count: number;
  readonly bytes: number;
}

/** At most `size` events and `maxBytes` bytes of their JSON; the oldest batches go first. */
export function createTextWindow(size: number, maxBytes: number): TextWindow {
  // texts[head..] are the batches kept; firstIds/counts/sizes say what each holds
  let texts: string[] = [];
  let firstIds: number[] = [];
  let counts: number[] = [];
  let lengths: number[] = [];
  let head = 0;
  let count = 0;
  let bytes = 0;

  const drop = (): void => {
    count -= counts[head]!;
    bytes -= lengths[head]!;
    texts[head] = "";
    head++;
  };

  const read = (from: number): TraceEvent[] => {
    let out: TraceEvent[] = [];
    for (let i = from; i < texts.length; i++) out = out.concat(JSON.parse(texts[i]!) as TraceEvent[]);
    return out;
  };

  return {
    get count() {
      return count;
    },
    get bytes() {
      return bytes;
    },
    add(batch) {
      if (batch.length === 0) return;
      const text = batchText(batch);
      if (text === undefined) return;
      texts.push(text.json);
      firstIds.push(batch[0]!.id);
      counts.push(text.count);
      lengths.push(text.json.length);
      count += text.count;
      bytes += text.json.length;
      // A batch goes when the newer ones hold `size` events without it, or the bytes are over.
      while (head < texts.length && (count - counts[head]! >= size || bytes > maxBytes)) drop();
      if (head > 1024 && head * 2 > texts.length) {
        texts = texts.slice(head);
        firstIds = firstIds.slice(head);
        counts = counts.slice(head);
        lengths = lengths.slice(head);
        head = 0;
      }
    },
    events() {
      const all = read(head);
      return all.length > size ? all.slice(all.length - size) : all;
    },
    since(id) {
      let from = texts.length;
      while (from > head && firstIds[from - 1]! > id) from--;
      // The batch before holds `id` itself, and maybe events after it.
      if (from > head) from--;
      const all = read(from);
      let i = 0;
      while (i < all.length && all[i]!.id <= id) i++;
      const after = i > 0 ? all.slice(i) : all;
      return after.length > size ? after.slice(after.length - size) : after;
    },
  };
}

/**
 * A batch as one JSON array. An event JSON cannot hold (a cycle, a BigInt: the capture sanitizes
 * so none should come) is left out of the window alone, not with its batch.
 */
function batchText(batch: readonly TraceEvent[]): { json: string; count: number } | undefined {
  try {
    return { json: JSON.stringify(batch), count: batch.length };
  } catch {
    const lines: string[] = [];
    for (const ev of batch) {
      try {
        lines.push(JSON.stringify(ev));
      } catch {
        // left out
      }
    }
    return lines.length > 0 ? { json: `[${lines.join(",")}]`, count: lines.length } : undefined;
  }
}
