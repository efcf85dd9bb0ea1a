// Lines of a trace file's text arriving in pieces, cut the same way in Node and in the page:
// "\n", "\r\n" and a lone "\r" each end a line (JSON text holds no raw CR, so a CR can only be
// an old-style line break); a line cut by a piece boundary waits for the rest; the last line
// may lack its break, and says so (a file cut while it was written ends in such a line).

export interface LineSplitter {
  /** Hands every line this piece completes to the callback, in order. */
  push(text: string): void;
  /** Hands over the last line, if the text did not end with a line break. */
  end(): void;
}

export type OnLine = (line: string, terminated: boolean) => void;

export function createLineSplitter(onLine: OnLine): LineSplitter {
  let rest = "";
  /** A line cut at "\n", its CRLF's CR removed; any CR left inside breaks it further. */
  const take = (line: string): void => {
    const end = line.length > 0 && line.charCodeAt(line.length - 1) === 13 ? line.length - 1 : line.length;
    const text = end === line.length ? line : line.slice(0, end);
    if (text.indexOf("\r") < 0) onLine(text, true);
    else for (const part of text.split("\r")) onLine(part, true);
  };
  return {
    push(text) {
      let start = 0;
      let nl = text.indexOf("\n");
      if (nl >= 0 && rest !== "") {
        const line = rest + text.slice(0, nl);
        rest = "";
        take(line);
        start = nl + 1;
        nl = text.indexOf("\n", start);
      }
      while (nl >= 0) {
        take(text.slice(start, nl));
        start = nl + 1;
        nl = text.indexOf("\n", start);
      }
      rest += text.slice(start);
    },
    end() {
      const line = rest;
      rest = "";
      if (line === "") return;
      const parts = line.split("\r");
      const last = parts.pop()!;
      for (const part of parts) onLine(part, true);
      if (last !== "") onLine(last, false);
    },
  };
}
