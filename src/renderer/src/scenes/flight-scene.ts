// A flight scene owns one <g> and draws the packet in flight for the current step. It
// follows the playhead through `store.subscribe` and animates with requestAnimationFrame,
// so React renders once per step while the packet moves every frame.

import { easeCubicInOut, interpolateNumber } from "d3";
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

export type PathFor = (s: TraceState) => FlightPath | null;

const SVG_NS = "http://www.w3.org/2000/svg";

function pointAt(points: [number, number][], t: number): [number, number] {
  if (points.length === 1) return points[0] as [number, number];
  const seg = Math.min(points.length - 2, Math.floor(t * (points.length - 1)));
  const local = t * (points.length - 1) - seg;
  const a = points[seg] as [number, number];
  const b = points[seg + 1] as [number, number];
  return [interpolateNumber(a[0], b[0])(local), interpolateNumber(a[1], b[1])(local)];
}

export function createFlightScene(g: SVGGElement, store: TraceStore, pathFor: PathFor): { update(pathFor: PathFor): void; destroy(): void } {
  const dot = document.createElementNS(SVG_NS, "circle");
  dot.setAttribute("r", "9");
  const label = document.createElementNS(SVG_NS, "text");
  label.setAttribute("class", "flight-label");
  label.setAttribute("dy", "-14");
  label.setAttribute("text-anchor", "middle");
  g.append(dot, label);
  g.setAttribute("visibility", "hidden");
  let current = pathFor;
  let frame = 0;
  let path: FlightPath | null = null;

  const draw = (now: number): void => {
    const s = store.getState();
    const f = s.flight;
    if (!f || !path) {
      g.setAttribute("visibility", "hidden");
      frame = 0;
      return;
    }
    const raw = Math.min(1, Math.max(0, (now - f.startedAt) / f.duration));
    const stop = path.lostAt ?? 1;
    const t = easeCubicInOut(raw) * stop;
    const [x, y] = pointAt(path.points, t);
    dot.setAttribute("cx", x.toFixed(1));
    dot.setAttribute("cy", y.toFixed(1));
    dot.setAttribute("class", `flight-dot ${path.className}`);
    label.setAttribute("x", x.toFixed(1));
    label.setAttribute("y", y.toFixed(1));
    label.textContent = path.label ?? "";
    // Once landed, the packet gives way to the highlighted element underneath.
    g.setAttribute("visibility", raw >= 1 ? "hidden" : "visible");
    g.setAttribute("opacity", path.lostAt !== undefined && raw > 0.8 ? String((1 - raw) * 5) : "1");
    frame = raw < 1 ? requestAnimationFrame(draw) : 0;
  };

  const start = (): void => {
    path = current(store.getState());
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
      path = current(store.getState());
      if (!frame) frame = requestAnimationFrame(draw);
    },
    destroy() {
      unsubscribe();
      if (frame) cancelAnimationFrame(frame);
      dot.remove();
      label.remove();
    },
  };
}
