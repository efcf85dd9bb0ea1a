// Which URL is the app's own page: the built page served over the app's own protocol
// (app://socketscope/, see app-protocol.ts), or electron-vite's dev server in development.
// Decided by parsing URLs, never by comparing string prefixes.

/** The app's own scheme and host: the page's origin is app://socketscope. */
export const APP_SCHEME = "app";
export const APP_HOST = "socketscope";
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

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

/** `devUrl` (http://localhost:5173 style) wins when given; otherwise app://socketscope/index.html. */
export function createAppUrl(options: { devUrl?: string | undefined } = {}): AppUrl {
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
  return {
    url: `${APP_ORIGIN}/index.html`,
    isAppUrl(candidate) {
      const u = parse(candidate);
      return (
        u !== null &&
        u.protocol === `${APP_SCHEME}:` &&
        u.host === APP_HOST &&
        u.username === "" &&
        u.password === "" &&
        (u.pathname === "/" || u.pathname === "/index.html")
      );
    },
  };
}
