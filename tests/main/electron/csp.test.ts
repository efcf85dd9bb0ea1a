// @vitest-environment node
// The Content Security Policy: the renderer's meta tag equals the exported policy, the policy is
// strict, and the response-header hook replaces whatever CSP a response carried.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY, installCspHeader, parseCsp, withCspHeader } from "../../../src/main/electron/csp.js";
import { FakeSession } from "./fakes.js";

const html = readFileSync(join(import.meta.dirname, "../../../src/renderer/index.html"), "utf8");

function metaPolicy(): string {
  const tag = /<meta\s[^>]*http-equiv\s*=\s*"Content-Security-Policy"[^>]*>/i.exec(html);
  expect(tag, "index.html has a CSP meta tag").not.toBeNull();
  const content = /content\s*=\s*"([^"]*)"/i.exec(tag![0]);
  expect(content).not.toBeNull();
  return content![1]!.replace(/\s+/g, " ").trim();
}

const LOOPBACK = /^(ws|wss|http|https):\/\/(127\.0\.0\.1|localhost|\[::1\])(:(\d+|\*))?$/;

describe("the Content Security Policy", () => {
  const csp = parseCsp(CONTENT_SECURITY_POLICY);

  it("is the same text as the meta tag in src/renderer/index.html, which leaves out only frame-ancestors (ignored in a meta tag, with a console error)", () => {
    expect(metaPolicy()).toBe(META_CONTENT_SECURITY_POLICY);
    expect(metaPolicy()).not.toContain("frame-ancestors");
    const header = parseCsp(CONTENT_SECURITY_POLICY);
    header.delete("frame-ancestors");
    expect(header).toEqual(parseCsp(META_CONTENT_SECURITY_POLICY));
  });

  it("has default-src 'self'", () => {
    expect(csp.get("default-src")).toEqual(["'self'"]);
  });

  it("allows scripts from the app only: no unsafe-eval, no unsafe-inline, no wasm-unsafe-eval", () => {
    expect(csp.get("script-src")).toEqual(["'self'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|wasm-unsafe-eval|unsafe-hashes/);
    for (const d of ["script-src", "script-src-elem", "script-src-attr", "default-src"]) {
      expect(csp.get(d) ?? []).not.toContain("'unsafe-inline'");
    }
  });

  it("blocks plugins, <base> rewriting, form posts and framing", () => {
    expect(csp.get("object-src")).toEqual(["'none'"]);
    expect(csp.get("base-uri")).toEqual(["'none'"]);
    expect(csp.get("form-action")).toEqual(["'none'"]);
    expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
  });

  it("names no remote origin: every source is a keyword, data:/blob:, or loopback", () => {
    for (const [directive, sources] of csp) {
      for (const source of sources) {
        const fine = /^'(self|none)'$/.test(source) || source === "data:" || source === "blob:" || LOOPBACK.test(source);
        expect(fine, `${directive} ${source}`).toBe(true);
      }
    }
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/(^|\s)(\*|https?:|wss?:)(\s|;|$)/);
  });

  it("lets the page connect only to itself and loopback WebSockets (web mode)", () => {
    expect(csp.get("connect-src")).toEqual(["'self'", "ws://127.0.0.1:*"]);
  });
});

describe("the CSP response header", () => {
  it("replaces any CSP the response had, whatever its case, and keeps other headers", () => {
    const out = withCspHeader({ "content-security-policy": ["default-src *"], "Content-Type": ["text/html"] });
    expect(out).toEqual({ "Content-Security-Policy": [CONTENT_SECURITY_POLICY], "Content-Type": ["text/html"] });
  });

  it("is added by the session hook to every response", () => {
    const session = new FakeSession();
    installCspHeader(session.webRequest);
    let got: unknown;
    session.headersListener!({ url: "http://localhost:5173/", responseHeaders: { "X-A": "1" } }, (r) => (got = r));
    expect(got).toEqual({ responseHeaders: { "X-A": "1", "Content-Security-Policy": [CONTENT_SECURITY_POLICY] } });
    session.headersListener!({ url: "file:///app/index.html" }, (r) => (got = r));
    expect(got).toEqual({ responseHeaders: { "Content-Security-Policy": [CONTENT_SECURITY_POLICY] } });
  });
});
