// Web mode's process: starts the lab service and the web server on 127.0.0.1, prints the
// URL, and stops both cleanly on SIGINT/SIGTERM. Run by scripts/web.mjs through tsx.

import { resolve } from "node:path";
import { createLabService } from "../lab/lab-service.js";
import { startWebServer } from "./web-server.js";

export interface WebArgs {
  port: number;
  labPort?: number;
  rendererDir: string;
}

export function parseWebArgs(argv: readonly string[], cwd: string): WebArgs {
  const args: WebArgs = { port: 5173, rendererDir: resolve(cwd, "out/renderer") };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const port = (v: string): number => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${a}: "${v}" is not a port number`);
      return n;
    };
    if (a === "--port") args.port = port(value());
    else if (a === "--lab-port") args.labPort = port(value());
    else if (a === "--renderer") args.rendererDir = resolve(cwd, value());
    else if (a === "--help" || a === "-h") throw new Error("usage: npm run web [-- --port N] [--lab-port N] [--renderer DIR]");
    else throw new Error(`unknown option ${a} (try --help)`);
  }
  return args;
}

async function main(): Promise<void> {
  let args: WebArgs;
  try {
    args = parseWebArgs(process.argv.slice(2), process.cwd());
  } catch (err) {
    console.error((err as Error).message);
    process.exitCode = 2;
    return;
  }
  const service = createLabService({ ...(args.labPort !== undefined ? { port: args.labPort } : {}), rendererDir: args.rendererDir });
  const server = await startWebServer({ port: args.port, service, rendererDir: args.rendererDir, log: (m) => console.log(m) });
  console.log(`SocketScope web mode: open ${server.url}`);
  console.log("Press Ctrl+C to stop.");
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    void Promise.allSettled([server.close(), service.dispose()]).then(() => process.exit(0));
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
