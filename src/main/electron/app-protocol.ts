// The app's own protocol, app://socketscope/: serves the built page with the Content Security
// Policy as a header (Electron's security checklist: no file:// for the app's page), and the
// trace files main offers the page (/opened/<token>). Registered in src/main/index.ts.

import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { appHeaders, resolveAppFile } from "../protocol/app-files.js";
import type { OpenedFiles } from "../protocol/opened-files.js";
import { APP_HOST, APP_SCHEME } from "./app-url.js";

/** What protocol.registerSchemesAsPrivileged needs before the app is ready. */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true },
};

async function fileResponse(file: string, headers: Record<string, string>): Promise<Response> {
  const st = await stat(file).catch(() => null);
  if (!st?.isFile()) return new Response("not found", { status: 404 });
  const body = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
  return new Response(body, { status: 200, headers: { ...headers, "Content-Length": String(st.size) } });
}

/** The handler for protocol.handle("app", …). */
export function createAppProtocolHandler(options: { rendererDir: string; opened: OpenedFiles }): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return new Response("unknown host", { status: 404 });
    if (request.method !== "GET" && request.method !== "HEAD") return new Response(null, { status: 405 });
    const offered = options.opened.lookup(url.pathname);
    if (offered) return fileResponse(offered, { ...appHeaders(offered), "Content-Type": "application/x-ndjson" });
    const found = resolveAppFile(options.rendererDir, url.pathname);
    if (!found.ok) return new Response(null, { status: found.status });
    return fileResponse(found.file, appHeaders(found.file));
  };
}
