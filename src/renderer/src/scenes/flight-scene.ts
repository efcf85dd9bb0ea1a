// A flight scene owns one <g> and draws the packets in flight for the current step (one,
// or several when a step sends several TCP segments). It follows the playhead through
// `store.subscribe` and animates with requestAnimationFrame, so React renders once per
// step while the packets move every frame.

import { easeCubicInOut } from "d3-ease";
import { interpolateNumber } from "d3-interpolate";
import type { TraceState } from "../store/initial-state";
import type { TraceStore } from "../store/trace-store";

export interface FlightPath {
  /** Polyline the packet follows, in the view's pixel coordinates. */
  points: [number, number][];
  className: string;
  label?: string;
  /** Lost segments stop part-way and fade. */
  lostAt?: number;
  /** The event it stands for: clicking the packet opens its envelope. */
  eventId?: number;
  /** Text size of the envelope's label, in px (the view's base font). */
  size?: number;
}

export type PathFor = (s: TraceState) => FlightPath | FlightPath[] | null;

const SVG_NS = "http://www.w3.org/2000/svg";

function pointAt(points: [number, number][], t: number): [number, number] {
  if (points.length === 1) return points[0] as [number, number];
  const seg = Math.min(points.length - 2, Math.floor(t * (points.length - 1)));
  const local = t * (points.length - 1) - seg;
  const a = points[seg] as [number, number];
  const b = points[seg + 1] as [number, number];
  return [interpolateNumber(a[0], b[0])(local), interpolateNumber(a[1], b[1])(local)];
}

interface Packet {
  g: SVGGElement;
  body: SVGRectElement;
  flap: SVGPathElement;
  label: SVGTextElement;
  eventId?: number;
}

/**
 * Envelope geometry around (0, 0) for a label at `size` px: wide enough for the label, the flap
 * a shallow V over it. Big enough to follow from the back of a room (the size is the view's base
 * font, which presenter mode raises).
 */
export function envelopeShape(label: string, size: number): { w: number; h: number; flap: string; baseline: number } {
  const w = Math.max(size * 2.6, label.length * size * 0.64 + size * 1.2);
  const h = size * 2.1;
  const flap = `M${(-w / 2).toFixed(1)},${(-h / 2).toFixed(1)} L0,${(h * -0.08).toFixed(1)} L${(w / 2).toFixed(1)},${(-h / 2).toFixed(1)}`;
  return { w, h, flap, baseline: h * 0.36 };
}

export function createFlightScene(g: SVGGElement, store: TraceStore, pathFor: PathFor, onPick?: (eventId: number) => void): { update(pathFor: PathFor): void; destroy(): void } {
  const packets: Packet[] = [];
  const packet = (i: number): Packet => {
    let p = packets[i];
    if (!p) {
      const pg = document.createElementNS(SVG_NS, "g");
      const body = document.createElementNS(SVG_NS, "rect");
      body.setAttribute("rx", "4");
      const flap = document.createElementNS(SVG_NS, "path");
      flap.setAttribute("class", "flight-flap");
      const label = document.createElementNS(SVG_NS, "text");
      label.setAttribute("class", "flight-label");
      label.setAttribute("text-anchor", "middle");
      pg.append(body, flap, label);
      g.append(pg);
      const made: Packet = { g: pg, body, flap, label };
      // A flying packet is a button for the pointer: it opens its envelope.
      pg.addEventListener("click", () => {
        if (made.eventId !== undefined) onPick?.(made.eventId);
      });
      p = made;
      packets[i] = p;
    }
    return p;
  };
  g.setAttribute("visibility", "hidden");
  let current = pathFor;
  let frame = 0;
  let paths: FlightPath[] = [];

  const draw = (now: number): void => {
    const { flight: f, reducedMotion } = store.getState();
    // A jump (no duration) and a viewer who asked for less motion: packets land without travelling.
    if (!f || paths.length === 0 || f.duration <= 0 || reducedMotion) {
      g.setAttribute("visibility", "hidden");
      frame = 0;
      return;
    }
    const raw = Math.min(1, Math.max(0, (now - f.startedAt) / f.duration));
    paths.forEach((path, i) => {
      const p = packet(i);
      const t = easeCubicInOut(raw) * (path.lostAt ?? 1);
      const [x, y] = pointAt(path.points, t);
      const label = path.label ?? "";
      const size = path.size ?? 14;
      if (p.label.textContent !== label || p.g.dataset.size !== String(size)) {
        const shape = envelopeShape(label, size);
        p.body.setAttribute("x", (-shape.w / 2).toFixed(1));
        p.body.setAttribute("y", (-shape.h / 2).toFixed(1));
        p.body.setAttribute("width", shape.w.toFixed(1));
        p.body.setAttribute("height", shape.h.toFixed(1));
        p.flap.setAttribute("d", shape.flap);
        p.label.setAttribute("y", shape.baseline.toFixed(1));
        p.label.setAttribute("font-size", `${size}px`);
        p.label.textContent = label;
        p.g.dataset.size = String(size);
      }
      p.g.setAttribute("transform", `translate(${x.toFixed(1)},${y.toFixed(1)})`);
      p.g.setAttribute("class", `flight-envelope ${path.className}${onPick && path.eventId !== undefined ? " pickable" : ""}`);
      p.eventId = path.eventId;
      p.g.setAttribute("visibility", "inherit");
      p.g.setAttribute("opacity", path.lostAt !== undefined && raw > 0.8 ? String((1 - raw) * 5) : "1");
    });
    for (let i = paths.length; i < packets.length; i++) packets[i]?.g.setAttribute("visibility", "hidden");
    // Once landed, the packets give way to the highlighted elements underneath.
    g.setAttribute("visibility", raw >= 1 ? "hidden" : "visible");
    frame = raw < 1 ? requestAnimationFrame(draw) : 0;
  };

  const resolve = (): FlightPath[] => {
    const p = current(store.getState());
    return p === null ? [] : Array.isArray(p) ? p : [p];
  };

  const start = (): void => {
    paths = resolve();
    if (frame) cancelAnimationFrame(frame);
    frame = requestAnimationFrame(draw);
  };

  const unsubscribe = store.subscribe((s, prev) => {
    if (s.flight !== prev.flight || s.trace !== prev.trace) start();
  });
  start();

  return {
    update(next) {
      current = next;
      paths = resolve();
      if (!frame) frame = requestAnimationFrame(draw);
    },
    destroy() {
      unsubscribe();
      if (frame) cancelAnimationFrame(frame);
      for (const p of packets) p.g.remove();
    },
  };
}
