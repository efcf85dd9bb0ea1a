// Trace files a shell offers the page: the shell picks a file (Electron's Open dialog or Open
// Recent; web mode's `--open`), and the page fetches it from its own origin at /opened/<token>
// and reads it like any file it opened itself (in the trace worker). Only offered paths are served.

import { randomUUID } from "node:crypto";
import { basename } from "node:path";
import { OPENED_PATH, type ShellRequest } from "../../shared/page-api.js";

export interface OpenedFiles {
  /** Offers `path` to the page: the request that asks the page to open it. */
  offer(path: string): Extract<ShellRequest, { type: "open-trace" }>;
  /** The file behind a request path, if it is one the shell offered. */
  lookup(pathname: string): string | null;
}

/** Offers are kept for the session (a page may reload and fetch again); at most `keep` of them. */
export function createOpenedFiles(options: { token?: () => string; keep?: number } = {}): OpenedFiles {
  const token = options.token ?? randomUUID;
  const keep = options.keep ?? 20;
  const offered = new Map<string, string>();
  return {
    offer(path) {
      const t = token();
      offered.set(t, path);
      while (offered.size > keep) offered.delete(offered.keys().next().value as string);
      return { type: "open-trace", name: basename(path), url: `${OPENED_PATH}/${t}` };
    },
    lookup(pathname) {
      if (!pathname.startsWith(`${OPENED_PATH}/`)) return null;
      return offered.get(pathname.slice(OPENED_PATH.length + 1)) ?? null;
    },
  };
}
