// Removes an HTTP content coding (gzip, deflate, br) from a body, synchronously and bounded:
// engine.io gzips polling responses of 1 KB or more when the client sends Accept-Encoding,
// and a peer can send a 1 KB body that inflates to gigabytes.
import type { Buffer } from "node:buffer";
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync, type ZlibOptions } from "node:zlib";
import { MAX_INFLATED_BYTES } from "./types";

export type Decoded = { ok: true; body: Buffer } | { ok: false; error: string };

export function decodeContent(body: Buffer, contentEncoding: string | undefined, limit = MAX_INFLATED_BYTES): Decoded {
  const codings = (contentEncoding ?? "")
    .toLowerCase()
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "" && s !== "identity");
  const options: ZlibOptions = { maxOutputLength: limit };
  let out = body;
  // codings are listed in the order they were applied: undo them last first
  for (const coding of codings.reverse()) {
    try {
      if (coding === "gzip" || coding === "x-gzip") out = gunzipSync(out, options);
      else if (coding === "br") out = brotliDecompressSync(out, options);
      else if (coding === "deflate") out = inflateZlibOrRaw(out, options);
      else return { ok: false, error: `unknown content-encoding ${coding}` };
    } catch (e) {
      if (isOverLimit(e)) return { ok: false, error: inflatedTooLarge(limit) };
      return { ok: false, error: `cannot decode ${coding} body: ${(e as Error).message}` };
    }
  }
  return { ok: true, body: out };
}

/** The message a unit carries instead of its payload when inflating it passes the limit. */
export function inflatedTooLarge(limit: number): string {
  return `inflated payload exceeds ${limit} bytes`;
}

/** zlib's synchronous calls throw ERR_BUFFER_TOO_LARGE when `maxOutputLength` is reached. */
export function isOverLimit(e: unknown): boolean {
  return e instanceof RangeError && (e as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE";
}

// "deflate" means zlib-wrapped (RFC 9110 §8.4.1.2), but some servers send raw deflate.
function inflateZlibOrRaw(body: Buffer, options: ZlibOptions): Buffer {
  try {
    return inflateSync(body, options);
  } catch (e) {
    if (isOverLimit(e)) throw e;
    return inflateRawSync(body, options);
  }
}
