// Removes an HTTP content coding (gzip, deflate, br) from a body, synchronously. Engine.io
// gzips polling responses of 1 KB or more when the client sends Accept-Encoding.
import { Buffer } from "node:buffer";
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from "node:zlib";

export type Decoded = { ok: true; body: Buffer } | { ok: false; error: string };

export function decodeContent(body: Buffer, contentEncoding: string | undefined): Decoded {
  const codings = (contentEncoding ?? "")
    .toLowerCase()
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "" && s !== "identity");
  let out = body;
  // codings are listed in the order they were applied: undo them last first
  for (const coding of codings.reverse()) {
    try {
      if (coding === "gzip" || coding === "x-gzip") out = gunzipSync(out);
      else if (coding === "br") out = brotliDecompressSync(out);
      else if (coding === "deflate") out = inflateZlibOrRaw(out);
      else return { ok: false, error: `unknown content-encoding ${coding}` };
    } catch (e) {
      return { ok: false, error: `cannot decode ${coding} body: ${(e as Error).message}` };
    }
  }
  return { ok: true, body: out };
}

// "deflate" means zlib-wrapped (RFC 9110 §8.4.1.2), but some servers send raw deflate.
function inflateZlibOrRaw(body: Buffer): Buffer {
  try {
    return inflateSync(body);
  } catch {
    return inflateRawSync(body);
  }
}
