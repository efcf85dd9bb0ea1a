// What one probe tells another on the thread that runs Socket.IO, without asking a capture:
// per host, how many EVENT packets with an ack id its traced encoder has encoded. The api probe
// reads it around an emit to know whether the emit's packet was encoded (its ack callback then
// waits for that packet's ACK) or not (dropped or held: the callback must not keep its place).

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
  private readonly causes = new Map<string, number[]>();

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
    const stack = this.causes.get(host);
    return stack?.[stack.length - 1];
  }

  enterCause(host: string, ref: number): void {
    let stack = this.causes.get(host);
    if (!stack) this.causes.set(host, (stack = []));
    stack.push(ref);
  }

  leaveCause(host: string): void {
    const stack = this.causes.get(host);
    stack?.pop();
    if (stack?.length === 0) this.causes.delete(host);
  }

  forgetHost(host: string): void {
    this.ackedEncodes.delete(host);
    this.causes.delete(host);
  }
}
