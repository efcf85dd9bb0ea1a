// The send buffer: the bytes the application has written, kept so any range can be cut into a
// segment (new data or a retransmission). Segments are at most MSS bytes and never cross the
// end of what was written; the one that empties the buffer carries PSH.

export interface SendBuffer {
  /** Written chunks in offset order, without gaps. */
  chunks: { offset: number; bytes: Uint8Array }[];
  /** Bytes written so far (the next write's offset). */
  end: number;
}

export function createSendBuffer(): SendBuffer {
  return { chunks: [], end: 0 };
}

/** Appends a write; a write must start where the previous one ended. */
export function appendWrite(buf: SendBuffer, offset: number, bytes: Uint8Array): void {
  if (offset !== buf.end) throw new Error(`write at ${offset}, expected ${buf.end}`);
  if (bytes.length === 0) return;
  buf.chunks.push({ offset, bytes });
  buf.end += bytes.length;
}

/** The chunk holding byte `offset` (binary search). */
function chunkIndex(buf: SendBuffer, offset: number): number {
  let lo = 0;
  let hi = buf.chunks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (buf.chunks[mid]!.offset <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Bytes `[from, to)` of the stream: a view when they lie in one chunk, else a copy. */
/** The payload of every segment without data: one shared, empty (so unwritable) array. */
export const NO_BYTES = new Uint8Array(0);

export function sliceBytes(buf: SendBuffer, from: number, to: number): Uint8Array {
  if (from < 0 || to > buf.end || from > to) throw new Error(`slice [${from}, ${to}) outside [0, ${buf.end})`);
  if (from === to) return NO_BYTES;
  let i = chunkIndex(buf, from);
  const first = buf.chunks[i]!;
  if (to <= first.offset + first.bytes.length) return first.bytes.subarray(from - first.offset, to - first.offset);
  const out = new Uint8Array(to - from);
  let pos = from;
  while (pos < to) {
    const c = buf.chunks[i++]!;
    const start = pos - c.offset;
    const n = Math.min(c.bytes.length - start, to - pos);
    out.set(c.bytes.subarray(start, start + n), pos - from);
    pos += n;
  }
  return out;
}

/** Length of the next segment starting at `from`: MSS, what is written, and `usable` window. */
export function segmentLength(buf: SendBuffer, from: number, mss: number, usable: number): number {
  return Math.max(0, Math.min(mss, buf.end - from, usable));
}
