// The renderer's Content Security Policy. The meta tag in src/renderer/index.html carries
// META_CONTENT_SECURITY_POLICY (a test keeps them equal); the response header for everything the
// window loads carries the whole policy, which adds frame-ancestors: browsers ignore that
// directive in a meta tag and log an error on every load for it.

export const META_CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; worker-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
  "connect-src 'self' ws://127.0.0.1:*; object-src 'none'; base-uri 'none'; form-action 'none'";

export const CONTENT_SECURITY_POLICY = `${META_CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`;

/** Directive name → its sources, in order. */
export function parseCsp(policy: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of policy.split(";")) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) out.set(name.toLowerCase(), sources);
  }
  return out;
}

type Headers = Record<string, string | string[]>;

/** `headers` with any CSP the response carried replaced by ours. */
export function withCspHeader(headers: Headers | undefined, policy = CONTENT_SECURITY_POLICY): Headers {
  const out: Headers = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== "content-security-policy") out[name] = value;
  }
  out["Content-Security-Policy"] = [policy];
  return out;
}

/** The slice of Electron's `session.webRequest` this module uses. */
export interface WebRequestLike {
  onHeadersReceived(
    listener: (
      details: { url: string; responseHeaders?: Headers },
      callback: (response: { responseHeaders?: Headers; cancel?: boolean }) => void,
    ) => void,
  ): void;
}

/** Adds the policy header to every response in the session (the dev server's pages). */
export function installCspHeader(webRequest: WebRequestLike, policy = CONTENT_SECURITY_POLICY): void {
  webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCspHeader(details.responseHeaders, policy) });
  });
}
