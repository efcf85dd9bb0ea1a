// A bug in capture must never take the lab down: a wire parser that throws on one connection
// stops the capture of that connection only (one CAPTURE_FAILED lab error), its traffic goes on
// untraced, and the other connections are still traced.
import { afterEach, describe, expect, it, vi } from "vitest";

vi.mock("../../../src/main/lab/capture/wire/wire-parser.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../../src/main/lab/capture/wire/wire-parser.js")>();
  return {
    ...real,
    createWireParser: (role: "client" | "server") => {
      const parser = real.createWireParser(role);
      const feed = parser.feed.bind(parser);
      // Only the server's side of a connection that carries "BOOM" (unmasked: in a polling POST) breaks.
      parser.feed = (dir, chunk) => {
        if (role === "server" && Buffer.from(chunk).includes("BOOM")) throw new Error("a parser bug, for the test");
        return feed(dir, chunk);
      };
      return parser;
    },
  };
});

const { createLab } = await import("../../../src/main/lab/lab.js");
const { emitWithAck } = await import("../../../src/main/lab/scenarios/scenario.js");
type Lab = Awaited<ReturnType<typeof createLab>>;

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.dispose();
  lab = undefined;
});

describe("a capture hook that throws", () => {
  it("is one lab error for that connection; the emit is still answered and other connections still traced", async () => {
    // The wire parser is mocked in this process: the captures must run here, not in a worker.
    lab = await createLab({ port: 0, captureIn: "thread" });
    const a = await lab.addClient({ transports: "polling" });
    const b = await lab.addClient({ transports: "websocket" });
    const sa = a.socket("/");
    const sb = b.socket("/");
    await Promise.all([sa, sb].map((s) => new Promise<void>((r) => (s.connected ? r() : void s.once("connect", () => r())))));
    expect(await emitWithAck(sa, "hello", "BOOM")).toEqual(["got it"]);
    expect(await emitWithAck(sa, "hello", "after the failure")).toEqual(["got it"]);
    expect(await emitWithAck(sb, "hello", "world")).toEqual(["got it"]);
    await new Promise((r) => setTimeout(r, 50));
    const events = lab.recorder.recent();
    const failures = events.filter((e) => e.layer === "lab" && e.kind === "error" && e.code === "CAPTURE_FAILED");
    expect(failures).toHaveLength(1);
    expect(failures[0]!.layer === "lab" && failures[0]!.kind === "error" && failures[0]!.message).toMatch(/capture stopped on server\/tcp\d+: a parser bug, for the test; its traffic goes on untraced/);
    // Client 2's emit is traced end to end on the server.
    expect(events.some((e) => e.layer === "api" && e.kind === "receive" && e.host === "server" && e.args?.[0] === "world")).toBe(true);
  });
});
