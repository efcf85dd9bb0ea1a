// The trace worker's text: UTF-8 bytes cut anywhere become ASCII-only text whose lines JSON.parse
// to the same values as TextDecoder's text (invalid bytes as U+FFFD, a first BOM dropped), whose
// non-JSON lines stay non-JSON and whose blank lines stay blank.
import { describe, expect, it } from "vitest";
import { createAsciiEscaper } from "../../src/renderer/src/files/ascii-text";

function escapeInParts(bytes: Uint8Array, size: number): string {
  const e = createAsciiEscaper();
  let text = "";
  // Parts at odd offsets too, so the word-at-a-time scan sees unaligned views.
  for (let i = 0; i < bytes.length; i += size) text += e.push(bytes.subarray(i, i + size));
  return text + e.end();
}

/** Each line as JSON.parse sees it: its value, "blank", or "not JSON". */
const lines = (text: string): unknown[] =>
  text.split("\n").map((l) => {
    if (l.trim() === "") return "blank";
    try {
      return JSON.parse(l) as unknown;
    } catch {
      return "not JSON";
    }
  });

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const concat = (...parts: (string | number[])[]): Uint8Array => {
  const arrays = parts.map((p) => (typeof p === "string" ? utf8(p) : Uint8Array.from(p)));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
};

const SAMPLES: Uint8Array[] = [
  utf8('{"a":"wait…","b":"café · naïve","c":"🌍🎉 x","d":"\\\\…"}\n{"n":1}\n'),
  // Invalid UTF-8: a lone continuation byte, a truncated sequence before ASCII, an overlong form, 0xFF.
  concat('{"a":"x', [0x80], 'y","b":"', [0xe2, 0x80], '","c":"', [0xc0, 0xaf], '","d":"', [0xff], '"}\n'),
  // A BOM at the start is dropped; one later is a character.
  concat([0xef, 0xbb, 0xbf], '{"a":"\uFEFF"}\n'),
  // Non-ASCII outside a string, and after an escaping backslash: not JSON either way.
  utf8('{"a":1}…\n{"a":"\\…"}\n{"a":"\\\\\\é"}\n'),
  // Lines of whitespace that trim() removes are blank; inside strings it is kept.
  utf8('\u00a0\n \u2028 \n{"a":"\u00a0\u3000"}\n\uFEFF\n'),
  // A file ending mid-character.
  concat('{"a":1}\n{"a":"', [0xf0, 0x9f, 0x8c]),
];

describe("ASCII text of UTF-8 NDJSON", () => {
  it("parses to the same values as the decoded text, whatever the parts, and holds only ASCII where it can", () => {
    for (const bytes of SAMPLES) {
      const decoded = new TextDecoder().decode(bytes);
      for (const size of [1, 2, 3, 5, 7, 64, bytes.length]) {
        const text = escapeInParts(bytes, size);
        expect(lines(text)).toEqual(lines(decoded));
      }
    }
    const text = escapeInParts(SAMPLES[0]!, 7) + escapeInParts(SAMPLES[1]!, 3);
    expect(/^[\x00-\x7f]*$/.test(text)).toBe(true);
    expect(lines(text)[0]).toEqual({ a: "wait…", b: "café · naïve", c: "🌍🎉 x", d: "\\…" });
    expect(lines(escapeInParts(SAMPLES[1]!, 1))[0]).toEqual({ a: "x\uFFFDy", b: "\uFFFD", c: "\uFFFD\uFFFD", d: "\uFFFD" });
    expect(lines(escapeInParts(SAMPLES[3]!, 4))).toEqual(["not JSON", "not JSON", "not JSON", "blank"]);
    expect(lines(escapeInParts(SAMPLES[4]!, 4))).toEqual(["blank", "blank", { a: "\u00a0\u3000" }, "blank", "blank"]);
  });

  it("matches TextDecoder on random bytes cut anywhere", () => {
    let seed = 7;
    const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
    const pick = ['"', "\\", "\n", "a", "{", "}", ":", ",", " ", "…", "é", "🌍", "\u00a0", "\u2028"];
    for (let round = 0; round < 300; round++) {
      const parts: (string | number[])[] = [];
      for (let k = 0; k < 40; k++) parts.push(rand(4) === 0 ? [0x80 + rand(128)] : pick[rand(pick.length)]!);
      const bytes = concat(...parts);
      const decoded = new TextDecoder().decode(bytes);
      const text = escapeInParts(bytes, 1 + rand(9));
      expect(lines(text)).toEqual(lines(decoded));
    }
  });
});
