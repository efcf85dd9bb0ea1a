// Test helpers over a recorded trace: lookups by id, ancestors through `parents`.
import type { TraceEvent } from "../../src/shared/trace/types.js";

export function indexTrace(events: readonly TraceEvent[]) {
  const byId = new Map(events.map((e) => [e.id, e] as const));
  const children = new Map<number, number[]>();
  for (const e of events) for (const p of e.parents ?? []) children.set(p, [...(children.get(p) ?? []), e.id]);
  const ancestors = (id: number): TraceEvent[] => {
    const seen = new Set<number>();
    const stack = [id];
    while (stack.length) {
      const cur = stack.pop()!;
      for (const p of byId.get(cur)?.parents ?? []) if (!seen.has(p)) {
        seen.add(p);
        stack.push(p);
      }
    }
    return [...seen].map((i) => byId.get(i)!).sort((a, b) => a.id - b.id);
  };
  return { byId, children, ancestors };
}
