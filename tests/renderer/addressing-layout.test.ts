// Addressing layout with many connections: every 4-tuple label that is drawn lies inside the
// view and overlaps no other label, at desktop and presenter sizes; the playhead's connection
// is always labelled; client boxes never overlap.
import { describe, expect, it } from "vitest";
import { layoutAddressing } from "../../src/renderer/src/views/addressing-layout";
import type { Addressing, ConnLink, HostNode } from "../../src/renderer/src/selectors/addressing";

function classroom(clients: number, extraPerClient = 1): Addressing {
  const server: HostNode = { id: "server", label: "Socket.IO server", role: "server", ips: ["127.0.0.1"], listens: [{ ip: "127.0.0.1", port: 3000, service: "socket.io" }, { ip: "127.0.0.1", port: 3001, service: "http-status" }] };
  const hosts: HostNode[] = [server];
  const links: ConnLink[] = [];
  for (let i = 1; i <= clients; i++) {
    const ip = `127.0.0.${i + 1}`;
    hosts.push({ id: `client-${i}`, label: `client ${i}`, role: "client", ips: [ip], listens: [] });
    for (let k = 0; k < extraPerClient; k++) {
      const client = { ip, port: 40000 + i * 10 + k };
      const srv = { ip: "127.0.0.1", port: k === 0 ? 3000 : 3001 };
      const tuple = `${ip}:${client.port} ↔ 127.0.0.1:${srv.port}`;
      links.push({ key: tuple, clientHost: `client-${i}`, serverHost: "server", client, server: srv, tuple, conns: [`client-${i}/tcp${k + 1}`], open: k === 0 });
    }
  }
  return { hosts, links };
}

type Box = { x0: number; x1: number; y0: number; y1: number };
const overlaps = (a: Box, b: Box) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

describe("addressing layout", () => {
  for (const [name, width, height, fonts] of [
    ["desktop", 400, 210, { font: 14, ipFont: 13, labelFont: 13 }],
    ["presenter", 330, 500, { font: 20, ipFont: 18, labelFont: 15 }],
  ] as const) {
    it(`${name}: 5 clients, 10 connections: labels apart and inside the view`, () => {
      const a = classroom(5, 2);
      const current = "client-4/tcp2";
      const layout = layoutAddressing(a, width, height, fonts, current);
      const labelled = layout.lines.filter((l) => l.label);
      expect(labelled.length).toBeGreaterThanOrEqual(name === "desktop" ? 4 : 10);
      expect(labelled.length + layout.unlabelled).toBe(10);
      const rects = labelled.map((l) => {
        const half = (l.link.tuple.length * fonts.labelFont * 0.6) / 2;
        return { x0: l.label!.x - half, x1: l.label!.x + half, y0: l.label!.y - fonts.labelFont, y1: l.label!.y };
      });
      for (const r of rects) {
        expect(r.x0).toBeGreaterThanOrEqual(0);
        expect(r.x1).toBeLessThanOrEqual(width);
        expect(r.y0).toBeGreaterThanOrEqual(0);
      }
      for (let i = 0; i < rects.length; i++) for (let j = i + 1; j < rects.length; j++) expect(overlaps(rects[i]!, rects[j]!)).toBe(false);
      // Labels stay out of the host boxes.
      const boxes = layout.boxes.map((b) => ({ x0: b.x, x1: b.x + b.width, y0: b.y, y1: b.y + b.height }));
      for (const r of rects) for (const b of boxes) expect(overlaps(r, b)).toBe(false);
      for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) expect(overlaps(boxes[i]!, boxes[j]!)).toBe(false);
      expect(layout.lines.find((l) => l.link.conns.includes(current))?.label).not.toBeNull();
      // After the playhead's own, open connections are labelled before closed ones.
      const closedLabelled = labelled.filter((l) => !l.link.open && !l.link.conns.includes(current)).length;
      if (closedLabelled > 0) expect(layout.lines.filter((l) => l.link.open && !l.label)).toHaveLength(0);
    });
  }
});
