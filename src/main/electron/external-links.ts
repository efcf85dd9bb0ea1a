// The only links the app will hand to the system browser: a fixed list of Socket.IO documentation
// pages. Anything else (including what a page or a peer's payload asks for) is refused. The trace
// format doc ships inside the app and is opened as a file, not a link.

/** Exact pages, compared after URL parsing (scheme, host, path); query and fragment are dropped. */
export const EXTERNAL_LINK_ALLOW_LIST: readonly string[] = [
  "https://socket.io/docs/v4/",
  "https://socket.io/docs/v4/how-it-works/",
  "https://socket.io/docs/v4/socket-io-protocol/",
  "https://socket.io/docs/v4/engine-io-protocol/",
  "https://socket.io/docs/v4/emitting-events/",
  "https://socket.io/docs/v4/rooms/",
  "https://socket.io/docs/v4/namespaces/",
  "https://socket.io/docs/v4/connection-state-recovery",
];

function canonical(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== "https:" || u.username !== "" || u.password !== "" || u.port !== "") return null;
  return `https://${u.hostname}${u.pathname}`;
}

const allowed = new Set(EXTERNAL_LINK_ALLOW_LIST.map((u) => canonical(u)));

/** The canonical URL to open if `url` is on the allow-list, else null. */
export function allowedExternalUrl(url: string): string | null {
  const c = canonical(url);
  return c !== null && allowed.has(c) ? c : null;
}
