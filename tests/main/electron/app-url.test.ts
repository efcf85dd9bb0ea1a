// @vitest-environment node
// Which URL counts as the app's own page (app://socketscope/, or the dev server), decided by URL parsing.

import { describe, expect, it } from "vitest";
import { createAppUrl } from "../../../src/main/electron/app-url.js";

describe("the app URL", () => {
  const built = createAppUrl();

  it("loads the built page over the app's own protocol", () => {
    expect(built.url).toBe("app://socketscope/index.html");
  });

  it.each([
    ["app://socketscope/index.html", true],
    ["app://socketscope/", true],
    ["app://socketscope/index.html?x=1#y", true],
    ["app://socketscope/other.html", false],
    ["app://socketscope/opened/abc", false],
    ["app://socketscope.evil/index.html", false],
    ["app://user@socketscope/index.html", false],
    ["file:///app/out/renderer/index.html", false],
    ["http://localhost:5173/", false],
    ["https://evil.example/app://socketscope/index.html", false],
    ["garbage", false],
  ])("%s → %s", (url, expected) => {
    expect(built.isAppUrl(url)).toBe(expected);
  });

  it("in development, accepts the dev server's origin only", () => {
    const dev = createAppUrl({ devUrl: "http://localhost:5173" });
    expect(dev.url).toBe("http://localhost:5173/");
    expect(dev.isAppUrl("http://localhost:5173/src/main.tsx")).toBe(true);
    expect(dev.isAppUrl("http://localhost:5174/")).toBe(false);
    expect(dev.isAppUrl("http://localhost.evil.example:5173/")).toBe(false);
    expect(dev.isAppUrl("http://user@localhost:5173/")).toBe(false);
    expect(dev.isAppUrl("app://socketscope/index.html")).toBe(false);
  });

  it("refuses a dev URL that is not on loopback or not http(s)", () => {
    expect(() => createAppUrl({ devUrl: "http://example.com:5173" })).toThrow(/loopback/);
    expect(() => createAppUrl({ devUrl: "file:///x" })).toThrow(/http/);
  });
});
