// An ack callback waits for the packet of its own emit. A volatile emit that socket.io-client
// drops (the polling transport is busy) encodes nothing: its callback must give up its place,
// or the next acked emit's ACK would be credited to it. The probes decide that on their own
// (did an acked EVENT encode run during the emit?), without asking the capture.
import { afterEach, describe, expect, it } from "vitest";
import { createLab, type Lab } from "../../../../src/main/lab/lab.js";
import type { ApiEvent } from "../../../../src/shared/trace/types.js";
import { collectEvents } from "../../../helpers/lab-events.js";

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.dispose();
  lab = undefined;
});

describe("ack callbacks and the emits they answer", () => {
  it("a dropped volatile emit's callback never takes the place of the next emit's", async () => {
    lab = await createLab({ port: 0 });
    const events = collectEvents(lab);
    const client = await lab.addClient({ transports: "polling" });
    const socket = client.socket("/");
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));

    let droppedCalled = false;
    const first = new Promise<void>((resolve) => socket.emit("hello", "first", () => resolve()));
    // The first emit's POST is in flight: the transport is not writable, so this one is dropped.
    socket.volatile.emit("hello", "dropped", () => {
      droppedCalled = true;
    });
    await first;
    await new Promise<void>((resolve) => socket.emit("hello", "third", () => resolve()));
    lab.recorder.flush();

    const emits = events.filter((e) => e.layer === "api" && e.kind === "emit" && e.host === client.id) as ApiEvent[];
    expect(emits.map((e) => [e.args?.[0], e.dropped ?? false])).toEqual([
      ["first", false],
      ["dropped", true],
      ["third", false],
    ]);
    expect(droppedCalled).toBe(false);
    const acks = events.filter((e) => e.layer === "api" && e.kind === "ack-receive" && e.host === client.id);
    expect(acks).toHaveLength(2);
    // Each ack-receive names the emit it answers: the first's, then the third's.
    expect(acks.map((a) => a.parents?.includes(emits[0]!.id))).toEqual([true, false]);
    expect(acks.map((a) => a.parents?.includes(emits[2]!.id))).toEqual([false, true]);
  });
});
