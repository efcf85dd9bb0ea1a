// Lines of text that arrives in pieces: each "\n" ends one, a line cut by a piece boundary
// waits for the rest, and the last line may lack its "\n". Used by the trace parser on the main
// thread and by the trace worker when it reads a file again for the model.

export interface LineSplitter {
  /** Hands every line this piece completes to the callback, in order. */
  push(text: string): void;
  /** Hands over the last line, if the text did not end with "\n". */
  end(): void;
}

export function createLineSplitter(onLine: (line: string) => void): LineSplitter {
  let rest = "";
  return {
    push(text) {
      let start = 0;
      let nl = text.indexOf("\n");
      if (nl >= 0 && rest !== "") {
        const line = rest + text.slice(0, nl);
        rest = "";
        onLine(line);
        start = nl + 1;
        nl = text.indexOf("\n", start);
      }
      while (nl >= 0) {
        onLine(text.slice(start, nl));
        start = nl + 1;
        nl = text.indexOf("\n", start);
      }
      rest += text.slice(start);
    },
    end() {
      const line = rest;
      rest = "";
      if (line !== "") onLine(line);
    },
  };
}
