// A Map that keeps at most `limit` entries: setting one more drops the oldest (in insertion
// order, as Map iterates). The captures' pending links use it: an entry nobody took after
// thousands of newer ones could only be stale.
//
// Dropping the oldest with `map.delete(map.keys().next().value)` looks O(1) but is not: V8
// leaves a hole for each deleted entry until the table is rebuilt, and a new iterator walks
// every hole at the front, so once full that costs one walk over up to `limit` holes per set
// (6.5 µs per set at 10,000 entries, measured alone). One iterator kept while the map is full
// walks each hole once: a Map iterator follows the table through its rebuilds and sees entries
// added after it was made.
//
// But an iterator also keeps every table the map had since the iterator last moved (V8 links
// an old table to its successor and moves the iterator on only at `next()`): a map that stops
// evicting and goes on adding and deleting would keep all of them. So the iterator is let go
// after `limit` sets in a row that dropped nothing (the walk it saves is at most `limit` holes
// long, so one new iterator per `limit` sets costs as little), and on `clear()`.

export class BoundedMap<K, V> extends Map<K, V> {
  private oldest: Iterator<K> | undefined;
  /** Sets since the last one that dropped an entry. */
  private quiet = 0;

  constructor(readonly limit: number) {
    super();
  }

  override set(key: K, value: V): this {
    super.set(key, value);
    // `super()` calls no set (no initial entries), so `limit` is always assigned here.
    if (this.size > this.limit) this.dropOldest();
    else if (this.oldest !== undefined && ++this.quiet > this.limit) this.oldest = undefined;
    return this;
  }

  override clear(): void {
    super.clear();
    this.oldest = undefined;
    this.quiet = 0;
  }

  private dropOldest(): void {
    this.quiet = 0;
    // Every entry behind the iterator's place was deleted (dropped through it, or by a caller),
    // so the first live entry ahead of it is the oldest; the map being over its limit, there is one.
    this.oldest ??= this.keys();
    const next = this.oldest.next();
    if (!next.done) this.delete(next.value);
  }
}

/**
 * The events of the probes' references (see `newRef`): the newest `size` of them, in a ring
 * indexed by the reference itself. References only grow, so a slot another one took since
 * holds a newer one and an old reference reads as unknown, as an entry a BoundedMap dropped.
 * No map and no eviction walk: every receive and ack-receive sets one (a BoundedMap of 10,000
 * was full under any flood and dropped its oldest at each set).
 */
export class RefTable {
  private readonly refs: Float64Array;
  private readonly ids: Float64Array;

  constructor(readonly size: number) {
    this.refs = new Float64Array(size).fill(-1);
    this.ids = new Float64Array(size);
  }

  set(ref: number, id: number): void {
    const slot = ref % this.size;
    this.refs[slot] = ref;
    this.ids[slot] = id;
  }

  get(ref: number): number | undefined {
    const slot = ref % this.size;
    return this.refs[slot] === ref ? this.ids[slot] : undefined;
  }
}
