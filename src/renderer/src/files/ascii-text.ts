// UTF-8 bytes of NDJSON to text whose characters are all ASCII, so that V8 holds it as a one-byte
// string: half the bytes of a two-byte string to copy between threads, and faster to JSON.parse.
// A line of JSON can hold non-ASCII characters only inside string literals, where the escape
// \uXXXX means the same character, so each decoded non-ASCII UTF-16 code unit is written as one
// (surrogate pairs as two): JSON.parse of a line gives the same values, and a line that was not
// JSON still is not. Decoding is TextDecoder's own (invalid bytes become U+FFFD, a BOM at the
// very start is dropped), applied to each run of non-ASCII bytes; runs end at ASCII bytes, where
// a UTF-8 decoder's state resets anyway, so the characters are those of decoding the whole text.
// Two cases keep the decoded characters as they are, so the text is what decoding gives:
// - a run after an odd number of backslashes (a `\` escaping a non-ASCII character is not JSON;
//   "\" + "\u2026" would be);
// - the whitespace that String.prototype.trim removes (U+00A0, U+2028, U+FEFF…), so a line
//   holding nothing else stays blank.
// Such text is a two-byte string; files hardly ever hold it.

/** Non-ASCII code units that String.prototype.trim removes (WhiteSpace and LineTerminator). */
const trimmed = (u: number): boolean =>
  u === 0xa0 || u === 0x1680 || (u >= 0x2000 && u <= 0x200a) || u === 0x2028 || u === 0x2029 || u === 0x202f || u === 0x205f || u === 0x3000 || u === 0xfeff;

const HEX = [..."0123456789abcdef"].map((c) => c.charCodeAt(0));
const BACKSLASH = 0x5c;

export interface AsciiEscaper {
  /** The text of these bytes (the next part of the file); a character split by the cut waits for the next part. */
  push(bytes: Uint8Array): string;
  /** The rest: U+FFFD for a sequence the file ended in the middle of. */
  end(): string;
}

export function createAsciiEscaper(): AsciiEscaper {
  // Drops a BOM at the start of the file only, as one TextDecoder over the whole file would.
  const atStart = new TextDecoder("utf-8");
  const inside = new TextDecoder("utf-8", { ignoreBOM: true });
  // Output bytes are ASCII, or whole characters re-encoded: each part decodes alone.
  const output = new TextDecoder("utf-8", { ignoreBOM: true });
  let offset = 0;
  /** A run of non-ASCII bytes reached the end of the last part: its decoder and whether it is kept as decoded. */
  let open: { decoder: TextDecoder; raw: boolean } | null = null;
  /** Backslashes that ended the last part. */
  let trailingBackslashes = 0;

  let out = new Uint8Array(0);
  let at = 0;
  const room = (n: number): void => {
    if (at + n <= out.length) return;
    const grown = new Uint8Array(Math.max(out.length * 2, at + n));
    grown.set(out.subarray(0, at));
    out = grown;
  };
  /** Writes decoded characters: escaped, or (raw, or whitespace trim removes) re-encoded as UTF-8. */
  const write = (text: string, raw: boolean): void => {
    room(text.length * 6);
    for (let k = 0; k < text.length; k++) {
      let u = text.charCodeAt(k);
      if (!raw && !trimmed(u)) {
        out[at++] = BACKSLASH;
        out[at++] = 0x75; // u
        out[at++] = HEX[u >> 12]!;
        out[at++] = HEX[(u >> 8) & 15]!;
        out[at++] = HEX[(u >> 4) & 15]!;
        out[at++] = HEX[u & 15]!;
        continue;
      }
      if (u >= 0xd800 && u < 0xdc00 && k + 1 < text.length) {
        // TextDecoder writes surrogates only in pairs.
        u = 0x10000 + ((u - 0xd800) << 10) + (text.charCodeAt(++k) - 0xdc00);
        out[at++] = 0xf0 | (u >> 18);
        out[at++] = 0x80 | ((u >> 12) & 63);
      } else if (u >= 0x800) out[at++] = 0xe0 | (u >> 12);
      if (u >= 0x800) out[at++] = 0x80 | ((u >> 6) & 63);
      else out[at++] = 0xc0 | (u >> 6);
      out[at++] = 0x80 | (u & 63);
    }
  };
  const flush = (): void => {
    if (!open) return;
    write(open.decoder.decode(), open.raw);
    open = null;
  };

  return {
    push(bytes) {
      const n = bytes.length;
      if (n === 0) return "";
      const start = offset;
      offset += n;
      // Where the first non-ASCII byte is (four bytes at a time while aligned).
      let i = 0;
      if (!open) {
        const words = bytes.byteOffset % 4 === 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset, n >> 2) : null;
        if (words) {
          let w = 0;
          while (w < words.length && (words[w]! & 0x80808080) === 0) w++;
          i = w << 2;
        }
        while (i < n && bytes[i]! < 0x80) i++;
        if (i === n) {
          let b = 0;
          while (b < n && bytes[n - 1 - b] === BACKSLASH) b++;
          trailingBackslashes = b === n ? trailingBackslashes + n : b;
          return output.decode(bytes);
        }
      }
      at = 0;
      room(n + (n >> 3));
      let from = 0;
      while (from < n) {
        // ASCII up to i.
        if (i > from) {
          flush();
          room(i - from);
          out.set(bytes.subarray(from, i), at);
          at += i - from;
        }
        if (i === n) break;
        // Non-ASCII from i to j.
        let j = i;
        while (j < n && bytes[j]! >= 0x80) j++;
        if (!open) {
          let b = 0;
          while (b < i && bytes[i - 1 - b] === BACKSLASH) b++;
          if (b === i) b += trailingBackslashes;
          open = { decoder: start + i === 0 ? atStart : inside, raw: b % 2 === 1 };
        }
        const run = bytes.subarray(i, j);
        if (j < n) {
          write(open.decoder.decode(run), open.raw);
          open = null;
        } else write(open.decoder.decode(run, { stream: true }), open.raw);
        from = j;
        i = j;
        while (i < n && bytes[i]! < 0x80) i++;
      }
      let b = 0;
      while (b < n && bytes[n - 1 - b] === BACKSLASH) b++;
      trailingBackslashes = b === n ? trailingBackslashes + n : b;
      return output.decode(out.subarray(0, at));
    },
    end() {
      at = 0;
      flush();
      return at === 0 ? "" : output.decode(out.subarray(0, at));
    },
  };
}
