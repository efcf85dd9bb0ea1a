// Loopback source addresses for lab clients: on Linux every 127.x.y.z is local, so client n
// gets 127.0.0.(n+1); where the OS has only 127.0.0.1 (macOS, Windows) all clients share it.

import { createServer } from "node:net";

let aliases: Promise<boolean> | undefined;

/** Whether an address to listen on is this machine's loopback (reachable from it alone). */
export { isLoopbackHost as isLoopback } from "../../shared/loopback.js";

/** Whether this machine can bind 127.0.0.2 (checked once). */
export function loopbackAliases(): Promise<boolean> {
  aliases ??= new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(0, "127.0.0.2", () => probe.close(() => resolve(true)));
  });
  return aliases;
}

/** Source address of client `index` (1-based): client 1 is 127.0.0.2. */
export function clientAddress(index: number, haveAliases: boolean): string {
  if (!haveAliases) return "127.0.0.1";
  const n = index + 1;
  return `127.0.${Math.floor(n / 250)}.${n % 250}`;
}
