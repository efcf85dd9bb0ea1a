// What one probe tells another on the thread that runs Socket.IO, without asking a capture:
// per host, how many EVENT packets with an ack id its traced encoder has encoded. The api probe
// reads it around an emit to know whether the emit's packet was encoded (its ack callback then
// waits for that packet's ACK) or not (dropped or held: the callback must not keep its place).

export class ProbeSignals {
  private readonly ackedEncodes = new Map<string, number>();

  /** The traced encoder of `host` encoded an EVENT with an ack id. */
  encodedWithAck(host: string): void {
    this.ackedEncodes.set(host, (this.ackedEncodes.get(host) ?? 0) + 1);
  }

  /** How many EVENTs with an ack id `host` has encoded so far. */
  ackedEncodesOf(host: string): number {
    return this.ackedEncodes.get(host) ?? 0;
  }

  forgetHost(host: string): void {
    this.ackedEncodes.delete(host);
  }
}
