// A trace in a link's fragment: it round-trips, says when it is too long, and refuses a damaged one.
import { describe, expect, it } from "vitest";
import { fragmentToTrace, MAX_LINK_CHARS, traceToFragment } from "../../src/shared/export/trace-link.js";

describe("trace links", () => {
  it("round-trips a trace's text through #trace=…, deflated well below its size", async () => {
    const text = `${JSON.stringify({ format: "socketscope-trace", version: 1 })}\n${Array.from({ length: 200 }, (_, i) => JSON.stringify({ id: i + 1, t: i, host: "server", layer: "lab", kind: "log", text: "hello ✓ </script>" })).join("\n")}\n`;
    const out = await traceToFragment(text);
    if (!("fragment" in out)) throw new Error(out.error);
    expect(out.fragment).toMatch(/^trace=[A-Za-z0-9_-]+$/);
    expect(out.fragment.length).toBeLessThan(text.length / 4);
    expect(await fragmentToTrace(`#${out.fragment}&step=2`)).toBe(text);
  });

  it("says a trace is too long for a link, and reads no trace from a fragment without one", async () => {
    // 120,000 characters no compressor can shrink much (a seeded xorshift's).
    let x = 2463534242;
    let noise = "";
    for (let i = 0; i < 120_000; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      noise += String.fromCharCode(33 + ((x >>> 0) % 90));
    }
    const out = await traceToFragment(noise);
    expect(out).toEqual({ error: expect.stringMatching(new RegExp(`at most ${MAX_LINK_CHARS.toLocaleString("en")}\\): save it as a web page instead$`)) });
    expect(await fragmentToTrace("#step=3")).toBeNull();
  });

  it("refuses a damaged link with a reason", async () => {
    await expect(fragmentToTrace("#trace=not*base64")).rejects.toThrow(/damaged/);
    await expect(fragmentToTrace("#trace=AAAA")).rejects.toThrow(/damaged/);
  });
});
