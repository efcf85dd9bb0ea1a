// The convenience check of an arguments field before a command is sent: the text must be a
// JSON array, as the lab requires. The lab checks again and has the last word.

export type ArgsCheck = { ok: true; args: unknown[] } | { ok: false; message: string };

export function checkArgs(text: string): ArgsCheck {
  if (text.trim() === "") return { ok: false, message: 'Arguments are required: a JSON array such as ["world"], or [] for none.' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, message: `Not valid JSON: ${(err as Error).message}` };
  }
  if (!Array.isArray(value)) return { ok: false, message: `Arguments must be a JSON array: write [${text.trim()}] to send it as one argument.` };
  return { ok: true, args: value };
}

/** The arguments as they would appear in a call: `"world", 42`. */
export const argList = (args: readonly unknown[]): string => args.map((a) => JSON.stringify(a)).join(", ");
