// @vitest-environment node
// Which URL counts as the app's own page, decided by URL parsing.

import { describe, expect, it } from "vitest";
import { createAppUrl } from "../../../src/main/electron/app-url.js";

describe("the app URL", () => {
  const file = createAppUrl({ indexFile: "/app/out/renderer/index.html" });

  it("loads the built index.html as a file URL", () => {
    expect(file.url).toBe("file:///app/out/renderer/index.html");
  });

  it.each([
    ["file:///app/out/renderer/index.html", true],
    ["file:///app/out/renderer/index.html?x=1#y", true],
    ["file:///app/out/renderer/other.html", false],
    ["file:///app/out/renderer/index.html/../../../etc/passwd", false],
    ["file://host/app/out/renderer/index.html", false],
    ["http://localhost:5173/", false],
    ["https://evil.example/file:///app/out/renderer/index.html", false],
    ["garbage", false],
  ])("%s → %s", (url, expected) => {
    expect(file.isAppUrl(url)).toBe(expected);
  });

  it("in development, accepts the dev server's origin only", () => {
    const dev = createAppUrl({ indexFile: "/x", devUrl: "http://localhost:5173" });
    expect(dev.url).toBe("http://localhost:5173/");
    expect(dev.isAppUrl("http://localhost:5173/src/main.tsx")).toBe(true);
    expect(dev.isAppUrl("http://localhost:5174/")).toBe(false);
    expect(dev.isAppUrl("http://localhost.evil.example:5173/")).toBe(false);
    expect(dev.isAppUrl("http://user@localhost:5173/")).toBe(false);
    expect(dev.isAppUrl("file:///app/out/renderer/index.html")).toBe(false);
  });

  it("refuses a dev URL that is not on loopback or not http(s)", () => {
    expect(() => createAppUrl({ indexFile: "/x", devUrl: "http://example.com:5173" })).toThrow(/loopback/);
    expect(() => createAppUrl({ indexFile: "/x", devUrl: "file:///x" })).toThrow(/http/);
  });
});
