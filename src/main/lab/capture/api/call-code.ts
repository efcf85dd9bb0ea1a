// The source text of an API call as a learner would write it: `socket.emit("hello", "world", cb)`.

export function callCode(callee: string, args: unknown[], withCallback: boolean): string {
  const shown = args.map((a) => {
    if (a && typeof a === "object" && "_binary" in a) return "<Buffer>";
    const text = JSON.stringify(a);
    return text === undefined ? String(a) : text.length > 60 ? text.slice(0, 57) + "…" : text;
  });
  if (withCallback) shown.push("cb");
  return `${callee}(${shown.join(", ")})`;
}
