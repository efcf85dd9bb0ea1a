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
  dot: SVGCircleElement;
  label: SVGTextElement;
}

export function createFlightScene(g: SVGGElement, store: TraceStore, pathFor: PathFor): { update(pathFor: PathFor): void; destroy(): void } {
  const packets: Packet[] = [];
  const packet = (i: number): Packet => {
    let p = packets[i];
    if (!p) {
      const pg = document.createElementNS(SVG_NS, "g");
      const dot = document.createElementNS(SVG_NS, "circle");
      dot.setAttribute("r", "9");
      const label = document.createElementNS(SVG_NS, "text");
      label.setAttribute("class", "flight-label");
      label.setAttribute("dy", "-14");
      label.setAttribute("text-anchor", "middle");
      pg.append(dot, label);
      g.append(pg);
      p = { g: pg, dot, label };
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
      p.dot.setAttribute("cx", x.toFixed(1));
      p.dot.setAttribute("cy", y.toFixed(1));
      p.dot.setAttribute("class", `flight-dot ${path.className}`);
      p.label.setAttribute("x", x.toFixed(1));
      p.label.setAttribute("y", y.toFixed(1));
      p.label.textContent = path.label ?? "";
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
