// "What comes next?": a class poll built from the trace at the playhead. The right choice is
// the next Engine.IO packet on the wire, written as it travels (`42["hello"]`: Engine.IO type
// 4, Socket.IO type 2); the others are packets of other types, taken from the trace where it
// has them, otherwise typical ones. Pure: the same trace and playhead give the same poll.

import type { TraceEvent } from "./trace/types.js";
import { CLASS_LIMITS } from "./class-mode.js";

const ENGINE_DIGIT = { open: "0", close: "1", ping: "2", pong: "3", message: "4", upgrade: "5", noop: "6" } as const;

/** Typical packets of each kind, for kinds the trace does not show. */
const TYPICAL: readonly string[] = ["2", "3", "5", "6", '40{"sid":"…"}', "41", '42["message"]', "430[]", '44{"message":"…"}', "1"];

export interface PredictPoll {
  question: string;
  choices: string[];
  answer: number;
  /** The event the right choice is (the poll is revealed once the playhead passes it). */
  eventId: number;
}

/** The packet's text on the wire, or undefined for binary packets (no text to choose from). */
export function wireText(e: TraceEvent): string | undefined {
  if (e.layer !== "engine" || e.kind !== "packet" || e.binary) return undefined;
  return `${ENGINE_DIGIT[e.type]}${e.data ?? ""}`;
}

/** Packets of one kind: Engine.IO's type, and for messages Socket.IO's type too (`42`, `43`). */
const kindOf = (text: string): string => (text.startsWith("4") ? text.slice(0, 2) : text.slice(0, 1));

const clip = (text: string): string => (text.length <= CLASS_LIMITS.choice.max ? text : `${text.slice(0, CLASS_LIMITS.choice.max - 1)}…`);

/**
 * The poll for the packet after event `afterId`, or undefined when the trace holds none yet
 * (the playhead is at the live end: step back, or pause before the packet).
 */
export function predictNextPacket(events: readonly TraceEvent[], afterId: number, labels: ReadonlyMap<string, string> = new Map(), count = 4): PredictPoll | undefined {
  const start = events.findIndex((e) => e.id > afterId);
  if (start < 0) return undefined;
  let target: { event: TraceEvent; text: string } | undefined;
  for (let i = start; i < events.length && !target; i++) {
    const e = events[i]!;
    const text = e.dir === "out" ? wireText(e) : undefined;
    if (text !== undefined) target = { event: e, text };
  }
  if (!target) return undefined;
  const right = clip(target.text);
  const kinds = new Set([kindOf(right)]);
  const others: string[] = [];
  const take = (text: string): void => {
    if (others.length >= count - 1 || kinds.has(kindOf(text))) return;
    kinds.add(kindOf(text));
    others.push(clip(text));
  };
  // Real packets nearest the target first, then typical ones.
  const at = events.indexOf(target.event);
  for (let d = 1; d < events.length && others.length < count - 1; d++) {
    for (const e of [events[at - d], events[at + d]]) {
      const text = e?.dir === "out" ? wireText(e) : undefined;
      if (text !== undefined) take(text);
    }
  }
  for (const text of TYPICAL) take(text);
  // The right answer's place follows from its event id, so it is not always first.
  const answer = target.event.id % (others.length + 1);
  const choices = [...others.slice(0, answer), right, ...others.slice(answer)];
  const from = labels.get(target.event.host) ?? target.event.host;
  return { question: `What does ${from} send next?`, choices, answer, eventId: target.event.id };
}
