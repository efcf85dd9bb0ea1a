// One self-contained HTML file of a lesson: the built viewer (its script and styles inlined)
// with the trace inlined as data, so it opens from file:// in any current browser, offline,
// with no server. The page finds the trace in a non-executable <script> element and opens it
// as a file; its CSP allows exactly the inlined script and style (by hash) and no network.

/** The element the page reads an inlined trace from (see the renderer's embedded-trace.ts). */
export const EMBEDDED_TRACE_ID = "socketscope-trace";
export const EMBEDDED_TRACE_TYPE = "application/x-ndjson";

export interface StandaloneParts {
  /** The built index.html of the renderer. */
  html: string;
  /** The module script and stylesheet it references, as text. */
  script: string;
  style: string;
  /** The trace file's text (NDJSON). */
  trace: string;
  /** File name shown when the page opens it. */
  name: string;
  title: string;
  /** SHA-256 of a text, base64 (Web Crypto or node:crypto, whichever the caller has). */
  sha256: (text: string) => Promise<string>;
}

/** `</script` can only occur inside a JSON string here, where `<\/` means the same. */
const inert = (text: string): string => text.replace(/<\//g, "<\\/");

const escapeHtml = (text: string): string => text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

export async function standaloneHtml(p: StandaloneParts): Promise<string> {
  // A module script may not contain `</script`; the bundle never does, but make sure.
  if (/<\/script/i.test(p.script)) throw new Error("the viewer's script contains </script> and cannot be inlined");
  if (/<\/style/i.test(p.style)) throw new Error("the viewer's stylesheet contains </style> and cannot be inlined");
  const csp = [
    "default-src 'none'",
    `script-src 'sha256-${await p.sha256(p.script)}'`,
    `style-src 'sha256-${await p.sha256(p.style)}'`,
    "img-src data: blob:",
    "connect-src 'none'",
    "worker-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  let html = p.html;
  html = html.replace(/<meta\s+http-equiv="Content-Security-Policy"[^>]*>/i, `<meta http-equiv="Content-Security-Policy" content="${csp}" />`);
  html = html.replace(/<script\b[^>]*\bsrc="[^"]*"[^>]*><\/script>/i, "");
  html = html.replace(/<link\b[^>]*rel="stylesheet"[^>]*>/gi, "");
  html = html.replace(/<link\b[^>]*rel="modulepreload"[^>]*>/gi, "");
  html = html.replace(/<title>[^<]*<\/title>/i, `<title>${escapeHtml(p.title)}</title>`);
  const data = `<script type="${EMBEDDED_TRACE_TYPE}" id="${EMBEDDED_TRACE_ID}" data-name="${escapeHtml(p.name)}">${inert(p.trace)}</script>`;
  // Functions as replacements: `$` in the bundle must not be read as a replacement pattern.
  html = html.replace(/<\/head>/i, () => `<style>${p.style}</style>\n</head>`);
  html = html.replace(/<\/body>/i, () => `${data}\n<script type="module">${p.script}</script>\n</body>`);
  return html;
}
