// What one probe tells another on the thread that runs Socket.IO, without asking a capture:
// per host, how many EVENT packets with an ack id its traced encoder has encoded (the api probe
// reads it around an emit to know whether the emit's packet was encoded: its ack callback then
// waits for that packet's ACK; if not, dropped or held, the callback must not keep its place),
// what the host's sending runs for now, and whose application code runs now (what its
// `console.log` names): the probes' references. Also the references themselves, allocated here.

import { HostStacks } from "./host-stacks.js";

/**
 * References the probes give what they report (a receive, an ack-receive, a broadcast, a bus
 * message), so later records can name it; ack-callback tokens too. Allocated here, on the
 * Socket.IO thread, never read back from a capture; a capture maps each to its event.
 */
let nextRef = 1;
export const newRef = (): number => nextRef++;

/** A cause that names no record of the probes: the last RESP value this host read from Redis (the capture knows which). */
export const LAST_RESP_READ = -2;

export class ProbeSignals {
  private readonly ackedEncodes = new Map<string, number>();
  /** Per host: the references of what its sending runs for now, innermost last (see `ApiCapture.causedBy`). */
  private readonly causes = new HostStacks();
  /** Per host: the receives and ack-receives (references) whose application code runs now, innermost last. */
  private readonly running = new HostStacks();

  /** The traced encoder of `host` encoded an EVENT with an ack id. */
  encodedWithAck(host: string): void {
    this.ackedEncodes.set(host, (this.ackedEncodes.get(host) ?? 0) + 1);
  }

  /** How many EVENTs with an ack id `host` has encoded so far. */
  ackedEncodesOf(host: string): number {
    return this.ackedEncodes.get(host) ?? 0;
  }

  /** What `host` sends for now, if anything (a reference, or LAST_RESP_READ). */
  causeOf(host: string): number | undefined {
    return this.causes.top(host);
  }

  enterCause(host: string, ref: number): void {
    this.causes.push(host, ref);
  }

  leaveCause(host: string): void {
    this.causes.pop(host);
  }

  /** Calls `fn` on `self` with `args` as the code caused by the receive or ack-receive `ref` on `host` (what it logs names that event). */
  runAs<A extends unknown[], T>(host: string, ref: number | undefined, fn: (...args: A) => T, self: unknown, args: A): T {
    if (ref === undefined) return fn.apply(self, args);
    this.running.push(host, ref);
    try {
      return fn.apply(self, args);
    } finally {
      this.running.pop(host);
    }
  }

  /** The receive or ack-receive whose code runs now on `host`, if any. */
  runningOf(host: string): number | undefined {
    return this.running.top(host);
  }

  forgetHost(host: string): void {
    this.ackedEncodes.delete(host);
    this.causes.forget(host);
    this.running.forget(host);
  }
}
