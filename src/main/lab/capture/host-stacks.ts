// A stack of numbers per host, innermost last: what a host's sending runs for now (causes), or
// whose code runs now (for `console.log`). Entered and left around synchronous calls.

export class HostStacks {
  private readonly stacks = new Map<string, number[]>();

  push(host: string, value: number): void {
    let stack = this.stacks.get(host);
    if (!stack) this.stacks.set(host, (stack = []));
    stack.push(value);
  }

  /** Leaves the innermost value (an emptied stack stays, for the host's next push: `forget` drops it). */
  pop(host: string): void {
    this.stacks.get(host)?.pop();
  }

  /** The innermost value for `host`, if any. */
  top(host: string): number | undefined {
    const stack = this.stacks.get(host);
    return stack?.[stack.length - 1];
  }

  forget(host: string): void {
    this.stacks.delete(host);
  }
}
