// A short trace as a link: the trace file's text deflated (raw DEFLATE, the web's
// CompressionStream) and base64url-encoded in the URL fragment, `#trace=…`, which never
// leaves the browser. Pure but for the streams, which browsers and Node both have.

/** Longest fragment a link carries: past it, "Save as web page" is the way to share. */
export const MAX_LINK_CHARS = 64 * 1024;

async function through(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Response(new Blob([new Uint8Array(bytes)]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

function toBase64Url(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("the link's trace is not base64url text");
  const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The fragment for a trace's text, or an error saying why it is too long for a link. */
export async function traceToFragment(text: string): Promise<{ fragment: string } | { error: string }> {
  const data = toBase64Url(await through(new TextEncoder().encode(text), new CompressionStream("deflate-raw")));
  if (data.length > MAX_LINK_CHARS) {
    return { error: `this trace needs ${data.length.toLocaleString("en")} characters in a link (at most ${MAX_LINK_CHARS.toLocaleString("en")}): save it as a web page instead` };
  }
  return { fragment: `trace=${data}` };
}

/** The trace text a `#trace=…` fragment carries, or null when it carries none. Throws on a damaged one. */
export async function fragmentToTrace(hash: string): Promise<string | null> {
  const data = new URLSearchParams(hash.replace(/^#/, "")).get("trace");
  if (data === null) return null;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(await through(fromBase64Url(data), new DecompressionStream("deflate-raw")));
  } catch (err) {
    throw new Error(`the link's trace is damaged (${err instanceof Error ? err.message : String(err)}): ask for the link again`);
  }
}
