// The not-yet-parsed bytes of one direction, with the stream offset of the first one.
// Views it hands out are only valid until the next push: copy what must be kept.
import { Buffer } from "node:buffer";

export class ByteQueue {
  private buf: Buffer = Buffer.alloc(0);
  private start = 0;
  private end = 0;
  /** Stream offset of the first queued byte. */
  offset = 0;

  get length(): number {
    return this.end - this.start;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.end + chunk.length > this.buf.length) {
      const live = this.length;
      const next = Buffer.allocUnsafe(Math.max(4096, 2 * (live + chunk.length)));
      this.buf.copy(next, 0, this.start, this.end);
      this.buf = next;
      this.start = 0;
      this.end = live;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }

  /** Bytes `[from, to)` relative to the queue's start, as a view (not a copy). */
  view(from = 0, to = this.length): Buffer {
    return this.buf.subarray(this.start + from, this.start + Math.min(to, this.length));
  }

  byteAt(i: number): number | undefined {
    return i < this.length ? this.buf[this.start + i] : undefined;
  }

  /** Position of `needle` at or after `from`, relative to the queue's start; -1 if absent. */
  indexOf(needle: string, from: number): number {
    return this.view().indexOf(needle, from, "latin1");
  }

  /** Drops `n` bytes from the front; returns the stream offset they started at. */
  consume(n: number): number {
    const at = this.offset;
    this.start += n;
    this.offset += n;
    if (this.start === this.end) this.start = this.end = 0;
    return at;
  }
}
