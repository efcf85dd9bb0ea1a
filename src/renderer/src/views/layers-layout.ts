// Geometry of the Layers view: the sender's stack on the left (read downwards) and the
// receiver's on the right (read upwards), rows aligned by layer so the two sides compare.

import type { LayerStacks, StackLevel } from "../selectors/layers";
import { STACK_LEVELS } from "../selectors/layers";

export interface LayersLayout {
  colX: [number, number];
  colW: number;
  rowY: (i: number) => number;
  /** Height of row `i`: every line of both sides' text fits, whole. */
  rowHeight: (i: number) => number;
  /** The smallest row height (the flight scene's unit). */
  rowH: number;
  top: number;
  font: number;
  /** Height of everything drawn: more than the panel when the text needs it (the panel scrolls). */
  contentHeight: number;
  /** How many monospace characters fit on a row. */
  maxChars: number;
}

/** Line height of row text, in fonts, and where a row's first text line sits. */
const LINE = 1.12;
const FIRST_LINE = 1.2;

export function charsPerRow(width: number, font: number): number {
  const pad = 10;
  const gap = Math.max(28, font * 2.4);
  const colW = (width - pad * 2 - gap) / 2;
  return Math.max(8, Math.floor((colW - font) / (font * 0.62)));
}

/**
 * `lines[i]`: the most text lines row `i` needs on either side (its level line included).
 * Rows share the panel's height while their lines fit, and grow past it when they do not.
 */
export function layoutLayers(width: number, height: number, font: number, lines: readonly number[] = []): LayersLayout {
  const pad = 10;
  const gap = Math.max(28, font * 2.4);
  const colW = (width - pad * 2 - gap) / 2;
  const top = font * 2.2;
  const share = Math.min(font * 4.6, (height - top - pad) / STACK_LEVELS.length);
  const heights = STACK_LEVELS.map((_, i) => Math.max(share, font * (FIRST_LINE + LINE * Math.max(1, lines[i] ?? 2)) + font * 0.5 + 6));
  const ys: number[] = [];
  let y = top;
  for (const h of heights) {
    ys.push(y);
    y += h;
  }
  return {
    colX: [pad, pad + colW + gap],
    colW,
    rowY: (i) => ys[i] ?? top,
    rowHeight: (i) => heights[i] ?? share,
    rowH: Math.min(...heights),
    top,
    font,
    contentHeight: Math.max(height, y + pad),
    maxChars: charsPerRow(width, font),
  };
}

/** A row's lines: the level with its detail (wrapped when it does not fit), then the text, whole. */
export function rowLines(level: string, detail: string, text: string, maxChars: number): { head: string; details: string[]; text: string[] } {
  // The level, a gap, the detail, and room at the right for the row's "Open" handle.
  const room = maxChars - level.length - 2 - 5;
  const detailFits = detail.length <= room;
  return {
    head: detailFits ? detail : "",
    details: detailFits || !detail ? [] : wrap(detail, maxChars, Infinity),
    text: text ? wrap(text, maxChars, Infinity) : [],
  };
}

export const rowLineY = (l: LayersLayout, i: number, k: number): number => l.rowY(i) + l.font * (FIRST_LINE + LINE * (k + 1)) + l.font * 0.05;

/** Splits text into at most `lines` lines of `max` characters, breaking after ", " or "&" where it can. */
export function wrap(text: string, max: number, lines: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > 0 && out.length < lines) {
    if (rest.length <= max || out.length === lines - 1) {
      out.push(clip(rest, max));
      break;
    }
    const window = rest.slice(0, max);
    const at = Math.max(window.lastIndexOf(",") + 1, window.lastIndexOf("&"), window.lastIndexOf(" "));
    const cut = at > max / 2 ? at : max;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^ /, "");
  }
  return out;
}

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Centre of a level's box on one side (0 sender, 1 receiver). */
export function rowCentre(l: LayersLayout, side: 0 | 1, level: StackLevel): [number, number] {
  const i = STACK_LEVELS.indexOf(level);
  return [l.colX[side] + l.colW / 2, l.rowY(i) + (l.rowHeight(i) - 6) / 2];
}

/** Path of the packet for the event under the playhead: one level down or up, or across. */
export function layersPath(stacks: LayerStacks | null, l: LayersLayout, eventId: number | undefined): [number, number][] | null {
  if (!stacks || eventId === undefined) return null;
  for (const [sideIndex, side] of [[0, stacks.sender], [1, stacks.receiver]] as const) {
    if (!side) continue;
    const i = side.rows.findIndex((r) => r.ids.includes(eventId) && r.level !== "IP");
    if (i < 0) continue;
    const level = STACK_LEVELS[i] as StackLevel;
    const to = rowCentre(l, sideIndex, level);
    if (sideIndex === 0) {
      const from = i > 0 ? rowCentre(l, 0, STACK_LEVELS[i - 1] as StackLevel) : [to[0], to[1] - l.rowHeight(i) / 2];
      return [from as [number, number], to];
    }
    if (level === "TCP") {
      // Bytes cross from the sender's wire to the receiver's, under both stacks.
      const sIp = rowCentre(l, 0, "IP");
      const rIp = rowCentre(l, 1, "IP");
      return [rowCentre(l, 0, "TCP"), sIp, rIp, to];
    }
    const below = rowCentre(l, 1, STACK_LEVELS[i + 1] as StackLevel);
    return [below, to];
  }
  return null;
}
