// The students' page, served on the class address: the built renderer's index.html (its CSP opened to
// exactly the lab's Socket.IO address, which it is told in a meta tag) and its assets, nothing
// else of the renderer. Untraced: the lesson is the students' Socket.IO traffic, not page loads.

import { createServer, type Server } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { AddressInfo } from "node:net";
import { mimeType, resolveAppFile } from "../../protocol/app-files.js";

/** The renderer's page; its entry shows the student page when it finds the class meta tag. */
export const STUDENT_PAGE = "index.html";

export interface StudentPageServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const html = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

/** The page's policy: its own files, and Socket.IO (polling and WebSocket) at `labOrigin` only. */
export function studentCsp(labOrigin: string): string {
  const ws = labOrigin.replace(/^http:/, "ws:");
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src 'self' ${labOrigin} ${ws}`,
    "img-src 'self' data: blob:",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export async function startStudentPageServer(options: { host: string; rendererDir: string | undefined; labOrigin: string }): Promise<StudentPageServer> {
  const csp = studentCsp(options.labOrigin);
  const root = options.rendererDir ? resolve(options.rendererDir) : undefined;
  const headers = (file: string): Record<string, string> => ({
    "Content-Type": mimeType(file),
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": csp,
  });
  const server: Server = createServer((req, res) => {
    void (async () => {
      if (req.method !== "GET" && req.method !== "HEAD") return void res.writeHead(405, { Allow: "GET, HEAD" }).end();
      const pathname = new URL(req.url ?? "/", "http://x").pathname;
      if (!root) return void res.writeHead(503, { "Content-Type": "text/plain; charset=utf-8" }).end("The student page is not built: run `npx electron-vite build`.\n");
      if (pathname === "/" || pathname === "/index.html") {
        const file = join(root, STUDENT_PAGE);
        const text = await readFile(file, "utf8").catch(() => undefined);
        if (text === undefined) return void res.writeHead(503, { "Content-Type": "text/plain; charset=utf-8" }).end("The student page is not built: run `npx electron-vite build`.\n");
        const page = text
          .replace(/<meta\s+http-equiv="Content-Security-Policy"[^>]*>/i, `<meta http-equiv="Content-Security-Policy" content="${html(csp.replace(/; frame-ancestors[^;]*/, ""))}" />`)
          .replace(/<title>[^<]*<\/title>/i, "<title>SocketScope class</title>")
          .replace(/<\/head>/i, () => `<meta name="viewport" content="width=device-width, initial-scale=1" />\n<meta name="socketscope-class" content="${html(options.labOrigin)}" />\n</head>`);
        const body = Buffer.from(page);
        res.writeHead(200, { ...headers(file), "Content-Length": body.length });
        return void res.end(req.method === "HEAD" ? undefined : body);
      }
      // Only the built assets; never the teacher's page or anything else of the renderer.
      if (!pathname.startsWith("/assets/")) return void res.writeHead(404).end();
      const found = resolveAppFile(root, pathname);
      if (!found.ok) return void res.writeHead(found.status).end();
      const st = await stat(found.file).catch(() => null);
      if (!st?.isFile()) return void res.writeHead(404).end();
      const body = await readFile(found.file);
      res.writeHead(200, { ...headers(found.file), "Content-Length": body.length });
      res.end(req.method === "HEAD" ? undefined : body);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 20_000;
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(0, options.host, () => {
      server.off("error", fail);
      ok();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shown = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    url: `http://${shown}:${port}/`,
    port,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
