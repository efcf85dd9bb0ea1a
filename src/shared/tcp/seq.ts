// Sequence and acknowledgment numbers: unsigned 32-bit values compared modulo 2^32 (RFC 793
// §3.3, RFC 1982 serial arithmetic). A branded type so a byte offset is never mistaken for one.

export type Seq = number & { readonly __seq: unique symbol };

const MOD = 2 ** 32;

/** Wraps any integer into [0, 2^32). */
export function seq(n: number): Seq {
  return (((n % MOD) + MOD) % MOD) as Seq;
}

export function seqAdd(a: Seq, n: number): Seq {
  return seq(a + n);
}

/** Signed distance from `b` to `a`, in (-2^31, 2^31]: positive when `a` is after `b`. */
export function seqDiff(a: Seq, b: Seq): number {
  const d = (a - b + MOD) % MOD;
  return d > MOD / 2 ? d - MOD : d;
}

export function seqLt(a: Seq, b: Seq): boolean {
  return seqDiff(a, b) < 0;
}

export function seqLe(a: Seq, b: Seq): boolean {
  return seqDiff(a, b) <= 0;
}
