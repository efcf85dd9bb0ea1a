// A Map that keeps at most `limit` entries: setting one more drops the oldest (in insertion
// order, as Map iterates). The captures' pending links use it: an entry nobody took after
// thousands of newer ones could only be stale.
//
// Dropping the oldest with `map.delete(map.keys().next().value)` looks O(1) but is not: V8
// leaves a hole for each deleted entry until the table is rebuilt, and a new iterator walks
// every hole at the front, so once full that costs one walk over up to `limit` holes per set
// (6.5 µs per set at 10,000 entries, measured; ~10 % of the capture's time in a 20,000-emit
// run). One iterator kept for the map's life walks each hole once: a Map iterator survives the
// table's rebuilds and sees entries added after it was made.

export class BoundedMap<K, V> extends Map<K, V> {
  private oldest: Iterator<K> | undefined;

  constructor(readonly limit: number) {
    super();
  }

  override set(key: K, value: V): this {
    super.set(key, value);
    // `super()` calls no set (no initial entries), so `limit` is always assigned here.
    if (this.size > this.limit) this.dropOldest();
    return this;
  }

  private dropOldest(): void {
    // Every entry before the iterator's place was dropped through it, so the live ones are all
    // ahead of it and, the map being non-empty, it is never done; were it ever (after a clear),
    // a new one starts from the front.
    this.oldest ??= this.keys();
    let next = this.oldest.next();
    if (next.done) {
      this.oldest = this.keys();
      next = this.oldest.next();
    }
    if (!next.done) this.delete(next.value);
  }
}
