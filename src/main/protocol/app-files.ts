// The page's files as both shells serve them (web mode over HTTP, Electron over app://): which
// file a request path names inside the built renderer, its type, and the headers every response
// carries, the Content Security Policy among them. Paths are resolved, never compared as text.

import { extname, join, normalize, resolve, sep } from "node:path";
import { CONTENT_SECURITY_POLICY } from "../electron/csp.js";

const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".map": "application/json",
  ".ndjson": "application/x-ndjson",
};

export const mimeType = (file: string): string => MIME[extname(file)] ?? "application/octet-stream";

/** The headers of every response that carries the page or one of its files. */
export function appHeaders(file: string): Record<string, string> {
  return {
    "Content-Type": mimeType(file),
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
  };
}

/** The file a URL path names under `root` ("/" is index.html), or why not. */
export function resolveAppFile(root: string, pathname: string): { ok: true; file: string } | { ok: false; status: 400 | 403 } {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { ok: false, status: 400 };
  }
  const base = resolve(root);
  const rel = decoded === "/" ? "index.html" : normalize(decoded).replace(/^([/\\])+/, "");
  const file = resolve(join(base, rel));
  if (file !== base && !file.startsWith(base + sep)) return { ok: false, status: 403 };
  return { ok: true, file };
}
