// One-slot memoisation for selectors: recompute only when an input changes identity.

export function memo<A extends readonly unknown[], R>(inputs: (...args: A) => readonly unknown[], compute: (...args: A) => R): (...args: A) => R {
  let last: readonly unknown[] | null = null;
  let value: R;
  return (...args: A): R => {
    const next = inputs(...args);
    if (last && last.length === next.length && last.every((v, i) => Object.is(v, next[i]))) return value;
    last = next;
    value = compute(...args);
    return value;
  };
}
