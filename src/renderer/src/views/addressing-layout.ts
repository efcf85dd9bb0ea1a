// Geometry of the Addressing view: servers along the top with their listening sockets on
// the bottom edge, clients and peers along the bottom, one link per TCP connection.

import type { Addressing, ConnLink, HostNode } from "../selectors/addressing";

export interface HostBox {
  host: HostNode;
  x: number;
  y: number;
  width: number;
  height: number;
  sockets: { x: number; y: number; port: number; ip: string }[];
}

export interface LinkLine {
  link: ConnLink;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  labelX: number;
  labelY: number;
}

export interface AddressingLayout {
  boxes: HostBox[];
  lines: LinkLine[];
  font: number;
}

export function layoutAddressing(a: Addressing, width: number, height: number, font: number, labelFont = font - 1): AddressingLayout {
  const pad = 12;
  const boxH = font * 3.5;
  const top = a.hosts.filter((h) => h.role === "server");
  const bottom = a.hosts.filter((h) => h.role !== "server");
  const row = (hosts: HostNode[], y: number, maxW: number): HostBox[] => {
    const n = Math.max(1, hosts.length);
    const slot = (width - pad * 2) / n;
    const w = Math.min(maxW, slot - pad);
    return hosts.map((host, i) => ({ host, x: pad + slot * i + (slot - w) / 2, y, width: w, height: boxH, sockets: [] }));
  };
  const boxes = [...row(top, pad, font * 22), ...row(bottom, height - pad - boxH, font * 11)];
  for (const b of boxes) {
    const n = b.host.listens.length;
    b.host.listens.forEach((l, i) => b.sockets.push({ x: b.x + (b.width * (i + 1)) / (n + 1), y: b.y + b.height, port: l.port, ip: l.ip }));
  }
  const boxOf = (id: string): HostBox | undefined => boxes.find((b) => b.host.id === id);
  const lines: LinkLine[] = [];
  // Several connections from one client fan out over its box; labels stack down the gap.
  const perClient = new Map<string, ConnLink[]>();
  for (const link of a.links) perClient.set(link.clientHost, [...(perClient.get(link.clientHost) ?? []), link]);
  a.links.forEach((link, i) => {
    const c = boxOf(link.clientHost);
    const s = boxOf(link.serverHost);
    if (!c || !s) return;
    const mine = perClient.get(link.clientHost) ?? [link];
    const k = mine.indexOf(link);
    const sock = s.sockets.find((x) => x.port === link.server.port);
    const x2 = (sock?.x ?? s.x + s.width / 2) + (k - (mine.length - 1) / 2) * 8;
    const y2 = (sock?.y ?? s.y + s.height) + font * 0.7;
    const x1 = c.x + (c.width * (k + 1)) / (mine.length + 1);
    const y1 = c.y;
    // The label stack is centred in the gap between the rows of boxes.
    const stack = a.links.length * font * 1.3;
    const labelY = Math.min(y1 - 6, y2 + Math.max(font * 1.2, (y1 - y2 - stack) / 2 + font) + i * font * 1.3);
    const f = (labelY - y2) / (y1 - y2 || 1);
    // Keep the whole 4-tuple inside the view (monospace: about 0.6 em per character).
    const half = (link.tuple.length * labelFont * 0.6) / 2;
    lines.push({ link, x1, y1, x2, y2, labelX: Math.min(width - 4 - half, Math.max(4 + half, x2 + (x1 - x2) * f)), labelY });
  });
  return { boxes, lines, font };
}

/** Where a host's stack meets its link: the client box's top or the server socket. */
export function anchorOf(layout: AddressingLayout, line: LinkLine, host: string): [number, number] {
  return host === line.link.clientHost ? [line.x1, line.y1] : [line.x2, line.y2];
}
