// The recent-traces list: newest first, no duplicates, at most ten, kept in a small JSON file
// in the user's data folder. Reading a damaged file gives an empty list, never an error.

import { readFile, writeFile } from "node:fs/promises";

export const MAX_RECENT = 10;

export function addRecent(list: readonly string[], path: string, max = MAX_RECENT): string[] {
  return [path, ...list.filter((p) => p !== path)].slice(0, max);
}

export function parseRecent(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    if (!Array.isArray(value)) return [];
    return value.filter((p): p is string => typeof p === "string" && p.length > 0 && p.length < 4096).slice(0, MAX_RECENT);
  } catch {
    return [];
  }
}

export async function loadRecent(file: string): Promise<string[]> {
  try {
    return parseRecent(await readFile(file, "utf8"));
  } catch {
    return [];
  }
}

export async function saveRecent(file: string, list: readonly string[]): Promise<void> {
  await writeFile(file, JSON.stringify(list, null, 2) + "\n", "utf8");
}
