// Geometry of the Addressing view: servers along the top with their listening sockets on
// the bottom edge, clients and peers below (in as many rows as their boxes need to stay
// readable), one link per TCP connection, and each link's 4-tuple on a row of its own in
// the space between, so no two labels overlap however many connections there are.

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
  /** Where the 4-tuple goes; null when there was no room left for it (closed links go first). */
  label: { x: number; y: number } | null;
}

export interface AddressingLayout {
  boxes: HostBox[];
  lines: LinkLine[];
  font: number;
  /** Links whose label had no room (closed ones lose theirs first). */
  unlabelled: number;
}

export interface AddressingFonts {
  /** Host names. */
  font: number;
  /** IP addresses in the boxes. */
  ipFont: number;
  /** 4-tuple labels. */
  labelFont: number;
}

/** Monospace text is about 0.6 em per character; proportional text a little more. */
const MONO = 0.6;
const SANS = 0.62;

export function layoutAddressing(a: Addressing, width: number, height: number, fonts: AddressingFonts, currentConn?: string): AddressingLayout {
  const { font, ipFont, labelFont } = fonts;
  const pad = 10;
  const boxH = font * 1.3 + ipFont * 1.6;
  const top = a.hosts.filter((h) => h.role === "server");
  const bottom = a.hosts.filter((h) => h.role !== "server");
  const boxes: HostBox[] = [];
  const place = (hosts: HostNode[], y: number, maxW: number, h: number, gap = pad): void => {
    const n = Math.max(1, hosts.length);
    const slot = (width - gap * 2) / n;
    const w = Math.min(maxW, slot - gap);
    hosts.forEach((host, i) => boxes.push({ host, x: gap + slot * i + (slot - w) / 2, y, width: w, height: h, sockets: [] }));
  };
  // Servers are a little taller: their listening sockets sit on the bottom edge, under the IP.
  place(top, pad, font * 22, boxH + font * 0.5);
  // Clients: as many per row as fit at a readable size; further rows stack upwards.
  // Boxes as narrow as their text allows, so a class of five fits one row in a narrow panel.
  const gap = 3;
  const needW = Math.max(font * 4, ...bottom.map((h) => Math.max(h.label.length * SANS * font, h.ips.join(", ").length * MONO * ipFont) + 4));
  const perRow = Math.max(1, Math.floor((width - gap) / (needW + gap)));
  const rows = Math.ceil(bottom.length / perRow);
  for (let r = 0; r < rows; r++) {
    const hosts = bottom.slice(r * perRow, (r + 1) * perRow);
    place(hosts, height - pad - boxH - r * (boxH + pad * 0.8), Math.max(font * 11, needW), boxH, gap);
  }
  for (const b of boxes) {
    const n = b.host.listens.length;
    b.host.listens.forEach((l, i) => b.sockets.push({ x: b.x + (b.width * (i + 1)) / (n + 1), y: b.y + b.height, port: l.port, ip: l.ip }));
  }
  const boxOf = (id: string): HostBox | undefined => boxes.find((b) => b.host.id === id);
  // Several connections from one client fan out over its box.
  const perClient = new Map<string, ConnLink[]>();
  for (const link of a.links) perClient.set(link.clientHost, [...(perClient.get(link.clientHost) ?? []), link]);
  const lines: LinkLine[] = [];
  for (const link of a.links) {
    const c = boxOf(link.clientHost);
    const s = boxOf(link.serverHost);
    if (!c || !s) continue;
    const mine = perClient.get(link.clientHost) ?? [link];
    const k = mine.indexOf(link);
    const sock = s.sockets.find((x) => x.port === link.server.port);
    const x2 = (sock?.x ?? s.x + s.width / 2) + (k - (mine.length - 1) / 2) * 8;
    const y2 = (sock?.y ?? s.y + s.height) + font * 0.7;
    lines.push({ link, x1: c.x + (c.width * (k + 1)) / (mine.length + 1), y1: c.y, x2, y2, label: null });
  }

  // Label rows: the band between the servers' sockets and the highest client row.
  const serverBottom = Math.max(pad, ...boxes.filter((b) => b.host.role === "server").map((b) => b.y + b.height)) + font * 0.7;
  const clientTop = Math.min(height - pad, ...boxes.filter((b) => b.host.role !== "server").map((b) => b.y));
  const lineH = labelFont * 1.2;
  const first = serverBottom + labelFont * 1.1;
  const last = clientTop - labelFont * 0.4;
  const capacity = Math.max(0, Math.floor((last - first) / lineH) + 1);
  // The playhead's connection is labelled first, then open ones, then closed ones while there is room.
  const rank = (l: LinkLine): number => (currentConn !== undefined && l.link.conns.includes(currentConn) ? 0 : l.link.open ? 1 : 2);
  const order = [...lines].sort((p, q) => rank(p) - rank(q) || p.x1 - q.x1);
  const labelled = order.slice(0, capacity).sort((p, q) => p.x1 - q.x1 || p.x2 - q.x2);
  const spacing = labelled.length > 1 ? Math.min(lineH * 1.8, (last - first) / (labelled.length - 1)) : 0;
  const start = first + Math.max(0, (last - first - spacing * (labelled.length - 1)) / 2);
  labelled.forEach((line, i) => {
    const y = start + i * spacing;
    const f = (y - line.y2) / (line.y1 - line.y2 || 1);
    // Keep the whole 4-tuple inside the view.
    const half = (line.link.tuple.length * labelFont * MONO) / 2;
    line.label = { x: Math.min(width - 4 - half, Math.max(4 + half, line.x2 + (line.x1 - line.x2) * f)), y };
  });
  return { boxes, lines, font, unlabelled: lines.length - labelled.length };
}

/** Where a host's stack meets its link: the client box's top or the server socket. */
export function anchorOf(layout: AddressingLayout, line: LinkLine, host: string): [number, number] {
  return host === line.link.clientHost ? [line.x1, line.y1] : [line.x2, line.y2];
}
