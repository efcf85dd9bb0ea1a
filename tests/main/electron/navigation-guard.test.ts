// @vitest-environment node
// Navigation, window.open and <webview> are refused; only allow-listed documentation links go to
// the system browser, decided by URL parsing (look-alike hosts and schemes do not pass).

import { describe, expect, it, vi } from "vitest";
import { decideLink, guardWebContents } from "../../../src/main/electron/navigation-guard.js";
import { allowedExternalUrl, EXTERNAL_LINK_ALLOW_LIST } from "../../../src/main/electron/external-links.js";
import { FakeEvent, FakeWebContents } from "./fakes.js";

function guarded() {
  const contents = new FakeWebContents();
  const openExternal = vi.fn();
  const log = vi.fn();
  guardWebContents(contents, { openExternal, log });
  return { contents, openExternal, log };
}

const HOSTILE = [
  "https://evil.example/",
  "file:///etc/passwd",
  "file:///app/out/renderer/index.html",
  "javascript:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "https://socket.io.evil.example/docs/v4/",
  "https://socket.io@evil.example/docs/v4/",
  "https://user:pw@socket.io/docs/v4/",
  "http://socket.io/docs/v4/",
  "https://socket.io:8443/docs/v4/",
  "https://socket.io/docs/v4/../../evil",
  "https://socket.io/docs/v4/x",
  "not a url",
];

describe("will-navigate", () => {
  it.each([...HOSTILE, "https://socket.io/docs/v4/"])("is prevented for %s", (url) => {
    const { contents } = guarded();
    const event = new FakeEvent(url);
    contents.emit("will-navigate", event, url);
    expect(event.defaultPrevented).toBe(true);
  });

  it("opens an allow-listed page in the system browser, and nothing else", () => {
    const { contents, openExternal } = guarded();
    for (const url of HOSTILE) contents.emit("will-navigate", new FakeEvent(url), url);
    expect(openExternal).not.toHaveBeenCalled();
    contents.emit("will-navigate", new FakeEvent("https://socket.io/docs/v4/#intro"), "https://socket.io/docs/v4/#intro");
    expect(openExternal).toHaveBeenCalledWith("https://socket.io/docs/v4/");
  });

  it("prevents redirects and subframe navigation", () => {
    const { contents } = guarded();
    const redirect = new FakeEvent("https://evil.example/");
    contents.emit("will-redirect", redirect, "https://evil.example/");
    expect(redirect.defaultPrevented).toBe(true);
    const sub = new FakeEvent("https://evil.example/", false);
    contents.emit("will-frame-navigate", sub);
    expect(sub.defaultPrevented).toBe(true);
  });
});

describe("window.open", () => {
  it.each([...HOSTILE, "https://socket.io/docs/v4/rooms/"])("is denied for %s", (url) => {
    const { contents } = guarded();
    expect(contents.windowOpenHandler!({ url })).toEqual({ action: "deny" });
  });

  it("hands an allow-listed link to the system browser while denying the window", () => {
    const { contents, openExternal } = guarded();
    expect(contents.windowOpenHandler!({ url: "https://socket.io/docs/v4/rooms/?x=1" })).toEqual({ action: "deny" });
    expect(openExternal).toHaveBeenCalledWith("https://socket.io/docs/v4/rooms/");
    contents.windowOpenHandler!({ url: "https://evil.example/" });
    expect(openExternal).toHaveBeenCalledTimes(1);
  });
});

describe("<webview>", () => {
  it("is never attached", () => {
    const { contents, log } = guarded();
    const event = new FakeEvent();
    contents.emit("will-attach-webview", event, { nodeIntegration: true }, { src: "https://evil.example/" });
    expect(event.defaultPrevented).toBe(true);
    expect(log).toHaveBeenCalledWith(expect.stringContaining("refused"));
  });
});

describe("the external-link allow-list", () => {
  it("holds only https pages on socket.io", () => {
    for (const url of EXTERNAL_LINK_ALLOW_LIST) expect(new URL(url).origin).toBe("https://socket.io");
  });

  it("is matched by parsed URL, not by prefix", () => {
    for (const url of HOSTILE) expect(allowedExternalUrl(url), url).toBeNull();
    expect(decideLink("https://SOCKET.IO/docs/v4/")).toEqual({ action: "deny-and-open-external", url: "https://socket.io/docs/v4/" });
  });

  it("guards a webContents once, however often it is asked", () => {
    const contents = new FakeWebContents();
    guardWebContents(contents, { openExternal: vi.fn(), log: vi.fn() });
    guardWebContents(contents, { openExternal: vi.fn(), log: vi.fn() });
    expect(contents.listeners.get("will-navigate")).toHaveLength(1);
  });
});
