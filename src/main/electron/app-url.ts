// Which URL is the app's own page: the built index.html on disk, or electron-vite's dev server
// in development. Decided by parsing URLs, never by comparing string prefixes.

import { pathToFileURL } from "node:url";

export interface AppUrl {
  /** What the window loads. */
  readonly url: string;
  /** True if `candidate` is the app's own page (any query or fragment). */
  isAppUrl(candidate: string): boolean;
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** `devUrl` (http://localhost:5173 style) wins when given; otherwise the file `indexFile`. */
export function createAppUrl(options: { indexFile: string; devUrl?: string | undefined }): AppUrl {
  if (options.devUrl) {
    const dev = parse(options.devUrl);
    if (!dev || (dev.protocol !== "http:" && dev.protocol !== "https:")) {
      throw new Error(`the renderer dev URL must be http(s): ${options.devUrl}`);
    }
    if (!["localhost", "127.0.0.1", "[::1]"].includes(dev.hostname)) {
      throw new Error(`the renderer dev URL must be on loopback: ${options.devUrl}`);
    }
    return {
      url: dev.href,
      isAppUrl(candidate) {
        const u = parse(candidate);
        return u !== null && u.origin === dev.origin && u.username === "" && u.password === "";
      },
    };
  }
  const file = pathToFileURL(options.indexFile);
  return {
    url: file.href,
    isAppUrl(candidate) {
      const u = parse(candidate);
      return u !== null && u.protocol === "file:" && u.host === file.host && u.pathname === file.pathname;
    },
  };
}
