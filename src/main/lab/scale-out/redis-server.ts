// A real Redis for the Redis adapters: Debian's `redis-server`, started by the lab on a free
// loopback port with nothing written to disk, and stopped with the lab (SIGTERM; SIGKILL if
// it lingers, or if this process exits first). Where no redis-server exists, it says so.

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer, type AddressInfo } from "node:net";

export const NO_REDIS_SERVER =
  "redis-server is not installed on this machine, and the Redis adapters need a real Redis (on Debian: apt-get install -y redis-server). The adapters none and cluster work without it.";

let found: string | null | undefined;

/** The redis-server program on PATH, or undefined (looked up once). */
export function redisServerPath(): string | undefined {
  if (found === undefined) {
    const r = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" });
    found = r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null;
  }
  return found ?? undefined;
}

export interface RedisServer {
  readonly ip: string;
  readonly port: number;
  readonly version: string;
  stop(): Promise<void>;
}

function freePort(ip: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, ip, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const START_MS = 10_000;
const STOP_MS = 3_000;

/**
 * Starts `redis-server --port P --bind ip --save "" --appendonly no --protected-mode no` and
 * resolves once it accepts connections. Protected mode would refuse the nodes' own loopback
 * addresses (it lets in 127.0.0.1 and ::1 only); the server listens on loopback alone.
 */
export async function startRedisServer(ip = "127.0.0.1", wantedPort = 0): Promise<RedisServer> {
  const program = redisServerPath();
  if (!program) throw new Error(NO_REDIS_SERVER);
  const port = wantedPort || (await freePort(ip));
  const child: ChildProcess = spawn(program, ["--port", String(port), "--bind", ip, "--save", "", "--appendonly", "no", "--protected-mode", "no"], { stdio: ["ignore", "pipe", "pipe"] });
  const killOnExit = (): void => void child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => process.off("exit", killOnExit));
  let output = "";
  const version = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`redis-server did not start within ${START_MS / 1000} s: ${output.trim().slice(-300)}`)), START_MS);
    const fail = (err: Error): void => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(err);
    };
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        resolve(/version=([\d.]+)/.exec(output)?.[1] ?? /v=([\d.]+)/.exec(output)?.[1] ?? "");
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", fail);
    void exited.then(() => fail(new Error(`redis-server exited before it was ready: ${output.trim().slice(-300)}`)));
  });
  // Its log is not read any more: drained, never left to fill the pipe.
  child.stdout?.resume();
  child.stderr?.resume();
  let stopping: Promise<void> | undefined;
  return {
    ip,
    port,
    version,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), STOP_MS);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}
