// A token bucket per student: `burst` events at once, then `perSecond`. Sans-I/O: the
// caller passes the clock, so tests need no timers.

export interface Bucket {
  tokens: number;
  at: number;
}

export const fullBucket = (burst: number, now: number): Bucket => ({ tokens: burst, at: now });

/** Takes one token if there is one; the bucket refills continuously up to `burst`. */
export function take(bucket: Bucket, now: number, burst: number, perSecond: number): boolean {
  bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
  bucket.at = now;
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}
