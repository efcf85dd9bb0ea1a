// HTTP/1.x start lines and header fields (RFC 9112 §3, §4, §5), parsed from the head's
// latin1 text. Validates what the grammar allows; knows nothing of bodies or Engine.IO.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const VERSION = /^HTTP\/1\.[01]$/;

export interface RequestLine {
  method: string;
  target: string;
}
export interface StatusLine {
  status: number;
  reason: string;
}
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export function parseRequestLine(line: string): Parsed<RequestLine> {
  const [method, target, version, ...extra] = line.split(" ");
  if (method === undefined || !TOKEN.test(method) || !target || !version || !VERSION.test(version) || extra.length > 0) {
    return { ok: false, error: "bad HTTP request line" };
  }
  return { ok: true, value: { method, target } };
}

export function parseStatusLine(line: string): Parsed<StatusLine> {
  const m = /^(HTTP\/1\.[01]) ([0-9]{3})(?: (.*))?$/.exec(line);
  if (!m || m[2] === undefined) return { ok: false, error: "bad HTTP status line" };
  return { ok: true, value: { status: Number(m[2]), reason: m[3] ?? "" } };
}

/**
 * Can `prefix` (the bytes of a start line received so far, no CRLF yet) still begin a
 * valid start line? Lets rogue bytes fail at once instead of waiting for a line end.
 */
export function startLinePrefixOk(prefix: string, kind: "request" | "response"): boolean {
  if (kind === "response") {
    const lead = "HTTP/1.";
    return prefix.length <= lead.length ? lead.startsWith(prefix) : prefix.startsWith(lead);
  }
  const sp = prefix.indexOf(" ");
  const method = sp < 0 ? prefix : prefix.slice(0, sp);
  return method === "" ? sp < 0 : TOKEN.test(method);
}

/**
 * Header lines (without the start line) into lower-case keys; repeated fields join with ", ".
 * The object has no prototype: a peer's header named `constructor` or `__proto__` is data.
 */
export function parseHeaderLines(lines: readonly string[]): Parsed<Record<string, string>> {
  const headers = Object.create(null) as Record<string, string>;
  for (const line of lines) {
    const colon = line.indexOf(":");
    const name = colon < 0 ? "" : line.slice(0, colon);
    if (!TOKEN.test(name)) return { ok: false, error: `bad HTTP header line ${JSON.stringify(line.slice(0, 40))}` };
    const key = name.toLowerCase();
    const value = line.slice(colon + 1).trim();
    const prev = headers[key];
    headers[key] = prev === undefined ? value : `${prev}, ${value}`;
  }
  return { ok: true, value: headers };
}
