// A stack of numbers per host, innermost last: what a host's sending runs for now (causes), or
// whose code runs now (for `console.log`). Entered and left around synchronous calls.

export class HostStacks {
  private readonly stacks = new Map<string, number[]>();

  push(host: string, value: number): void {
    let stack = this.stacks.get(host);
    if (!stack) this.stacks.set(host, (stack = []));
    stack.push(value);
  }

  pop(host: string): void {
    const stack = this.stacks.get(host);
    stack?.pop();
    if (stack?.length === 0) this.stacks.delete(host);
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
