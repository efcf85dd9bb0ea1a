// JSON text from the page (a free-play command's arguments), parsed only after a linear scan
// has bounded its size, nesting depth and number of values: Socket.IO's encoder and the
// capture walk arguments recursively, so a 30,000-level array would overflow the stack there.

import { FREE_PLAY_ARGS_MAX } from "../../shared/lab-api.js";

export interface JsonLimits {
  /** Characters of text. */
  maxLength: number;
  /** Arrays and objects inside one another; `[]` is depth 1. */
  maxDepth: number;
  /** Values of any kind (an array and each of its items count one each). */
  maxValues: number;
}

export const ARGS_LIMITS: JsonLimits = { maxLength: FREE_PLAY_ARGS_MAX, maxDepth: 32, maxValues: 10_000 };

export type JsonChecked = { ok: true; value: unknown } | { ok: false; error: string };

export function parseBoundedJson(text: string, limits: JsonLimits = ARGS_LIMITS): JsonChecked {
  if (text.length > limits.maxLength) return { ok: false, error: `must have at most ${limits.maxLength} characters` };
  const shape = scan(text, limits);
  if (shape) return { ok: false, error: shape };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, error: `not valid JSON: ${(err as Error).message}` };
  }
}

/** Depth and value count from the brackets and separators outside strings; JSON.parse judges the rest. */
function scan(text: string, limits: JsonLimits): string | undefined {
  let depth = 0;
  let values = 0;
  let inString = false;
  let valueOpen = false; // inside a number, literal or string that was already counted
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x5b || c === 0x7b) {
      // [ {
      if (++depth > limits.maxDepth) return `nests deeper than ${limits.maxDepth} levels`;
      values++;
      valueOpen = false;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
      valueOpen = false;
    } else if (c === 0x2c || c === 0x3a || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      valueOpen = false;
    } else if (!valueOpen) {
      // the first character of a string, number or literal (object keys count too: a fair bound)
      values++;
      valueOpen = true;
      if (c === 0x22) inString = true;
    } else if (c === 0x22) {
      inString = true;
    }
    if (values > limits.maxValues) return `holds more than ${limits.maxValues} values`;
  }
  return undefined;
}
