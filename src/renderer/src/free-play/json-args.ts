// The convenience check of an arguments field before a command is sent: the text must be a
// JSON array, as the lab requires. The lab checks again and has the last word.

import { FREE_PLAY_ARGS_MAX } from "../../../shared/lab-api";

export type ArgsCheck = { ok: true; args: unknown[] } | { ok: false; message: string };

export function checkArgs(text: string): ArgsCheck {
  if (text.length > FREE_PLAY_ARGS_MAX) {
    return { ok: false, message: `The arguments are ${Math.ceil(text.length / 1024)} KiB; the lab takes at most ${FREE_PLAY_ARGS_MAX / 1024} KiB.` };
  }
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
