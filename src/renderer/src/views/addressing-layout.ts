// Geometry of the Addressing view: hosts in tiers, from the ones that only listen at the top
// (Redis, then the Socket.IO servers, then a load balancer) to the clients at the bottom, each
// tier in as many rows as its boxes need; one line per TCP connection from the client box's top
// to the server's listening-socket tab, with a numbered badge near its client end. The 4-tuples
// are not drawn on the lines: the table under the drawing lists them by number. Nothing
// overlaps: when the panel is too short, the drawing grows taller than it (the panel scrolls).

import type { Addressing, ConnLink, HostNode } from "../selectors/addressing";
import type { HostRole } from "../../../shared/trace/types";

export interface HostBox {
  host: HostNode;
  x: number;
  y: number;
  width: number;
  height: number;
  sockets: { x: number; y: number; port: number; ip: string; width: number; height: number }[];
}

export interface LinkLine {
  link: ConnLink;
  /** 1-based number shared with the table. */
  n: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** The numbered badge's centre, near the client end; null when the client's badges would not fit apart. */
  badge: { x: number; y: number; r: number } | null;
}

export interface AddressingLayout {
  boxes: HostBox[];
  lines: LinkLine[];
  font: number;
  /** Height of the drawing: the panel's, or more when the hosts need it. */
  height: number;
  /** The least height the drawing needs (its hosts, tabs and the bands between tiers). */
  needed: number;
}

export interface AddressingFonts {
  /** Host names. */
  font: number;
  /** IP addresses in the boxes. */
  ipFont: number;
  /** Badge numbers and ports. */
  labelFont: number;
}

/** Monospace text is about 0.6 em per character; proportional text a little more. */
const MONO = 0.6;
const SANS = 0.62;

/** Tiers from top to bottom: a host that only answers sits above the hosts that connect to it. */
const TIER: Record<HostRole, number> = { redis: 0, server: 1, balancer: 2, client: 3, external: 3 };

export function layoutAddressing(a: Addressing, width: number, height: number, fonts: AddressingFonts): AddressingLayout {
  const { font, ipFont, labelFont } = fonts;
  const pad = 10;
  const gap = 6;
  const boxH = font * 1.3 + ipFont * 1.6;
  // A listening socket's tab hangs under its box by this much.
  const tabH = labelFont * 1.35;
  const tabBelow = tabH * 0.55;
  const textW = (h: HostNode): number => Math.max(h.label.length * SANS * font, h.ips.join(", ").length * MONO * ipFont) + font;
  const tabW = (port: number): number => (String(port).length + 1) * MONO * labelFont + labelFont * 0.8;
  const boxW = (h: HostNode): number => Math.max(font * 6, textW(h), h.listens.reduce((w, l) => w + tabW(l.port) + gap, gap));

  const tiers = new Map<number, HostNode[]>();
  for (const h of a.hosts) tiers.set(TIER[h.role], [...(tiers.get(TIER[h.role]) ?? []), h]);
  const order = [...tiers.keys()].sort((p, q) => p - q);

  // Rows: each tier's hosts, as many per row as fit at their natural width.
  interface Row {
    hosts: HostNode[];
    w: number;
    h: number;
    below: number;
  }
  const rows: { tier: number; rows: Row[] }[] = [];
  for (const t of order) {
    const hosts = tiers.get(t) ?? [];
    const needW = Math.min(width - pad * 2, Math.max(...hosts.map(boxW)));
    const perRow = Math.max(1, Math.floor((width - pad * 2 + gap) / (needW + gap)));
    const list: Row[] = [];
    for (let i = 0; i < hosts.length; i += perRow) {
      const these = hosts.slice(i, i + perRow);
      const listens = these.some((h) => h.listens.length > 0);
      // A box with listening sockets is taller: its tabs sit on the bottom edge, under the IP.
      list.push({ hosts: these, w: needW, h: listens ? boxH + tabH * 0.55 : boxH, below: listens ? tabBelow : 0 });
    }
    rows.push({ tier: t, rows: list });
  }

  // Vertical room: boxes and their tabs, a row gap inside a tier, and a wider band between tiers
  // for the lines and their badges. Spare height widens the bands (up to a point).
  const badgeR = labelFont * 0.75;
  const minBand = badgeR * 2 + font * 1.5;
  // Rows of one tier leave room between them for the badges of the lower row's links.
  const rowGap = badgeR * 2 + font * 0.8;
  const fixed = rows.reduce((sum, t) => sum + t.rows.reduce((s, r) => s + r.h + r.below, 0) + rowGap * Math.max(0, t.rows.length - 1), 0);
  const bands = Math.max(0, rows.length - 1);
  const spare = height - pad * 2 - fixed - bands * minBand;
  const band = bands > 0 ? minBand + Math.max(0, Math.min(spare / bands, font * 10)) : 0;
  const used = pad * 2 + fixed + bands * band;
  // With one tier only (no connections yet), centre it.
  let y = bands === 0 ? Math.max(pad, (height - used) / 2 + pad) : pad + Math.max(0, (height - used) / 2);

  const boxes: HostBox[] = [];
  rows.forEach((t, ti) => {
    t.rows.forEach((r, ri) => {
      const n = r.hosts.length;
      const slot = (width - pad * 2) / n;
      const w = Math.min(r.w, slot - gap);
      r.hosts.forEach((host, i) => {
        const box: HostBox = { host, x: pad + slot * i + (slot - w) / 2, y, width: w, height: r.h, sockets: [] };
        const k = host.listens.length;
        host.listens.forEach((l, j) => {
          const tw = Math.min(tabW(l.port), (w - gap) / k - gap);
          box.sockets.push({ x: box.x + (w * (j + 0.5)) / k, y: y + r.h, port: l.port, ip: l.ip, width: tw, height: tabH });
        });
        boxes.push(box);
      });
      y += r.h + r.below + (ri < t.rows.length - 1 ? rowGap : 0);
    });
    if (ti < rows.length - 1) y += band;
  });
  const needed = Math.ceil(pad * 2 + fixed + bands * minBand);
  const contentHeight = Math.max(height, needed, Math.ceil(y + pad));

  const boxOf = (id: string): HostBox | undefined => boxes.find((b) => b.host.id === id);
  // Several connections from one client fan out over its box's top edge.
  const perClient = new Map<string, ConnLink[]>();
  for (const link of a.links) perClient.set(link.clientHost, [...(perClient.get(link.clientHost) ?? []), link]);
  // ...and several connections to one socket spread over its tab.
  const perSocket = new Map<string, ConnLink[]>();
  for (const link of a.links) {
    const k = `${link.serverHost} ${link.server.port}`;
    perSocket.set(k, [...(perSocket.get(k) ?? []), link]);
  }
  const lines: LinkLine[] = [];
  a.links.forEach((link, index) => {
    const c = boxOf(link.clientHost);
    const s = boxOf(link.serverHost);
    if (!c || !s) return;
    const mine = perClient.get(link.clientHost) ?? [link];
    const k = mine.indexOf(link);
    const sock = s.sockets.find((x) => x.port === link.server.port);
    const atSock = perSocket.get(`${link.serverHost} ${link.server.port}`) ?? [link];
    const j = atSock.indexOf(link);
    const spread = sock ? Math.min(sock.width * 0.8, (atSock.length - 1) * 6) : 0;
    const x2 = (sock?.x ?? s.x + s.width / 2) + (atSock.length > 1 ? (j / (atSock.length - 1) - 0.5) * spread : 0);
    const y2 = sock ? sock.y + tabBelow : s.y + s.height;
    const x1 = c.x + (c.width * (k + 1)) / (mine.length + 1);
    const y1 = c.y;
    // The badge sits on the line a little above the client box, where lines from one client are
    // still apart; it is left out when they are too close for badges side by side.
    const lift = badgeR + font * 0.5;
    const f = lift / Math.max(1, y1 - y2);
    const badgeFits = c.width / (mine.length + 1) >= badgeR * 2 + 2 && y1 - y2 > lift + badgeR * 2;
    lines.push({ link, n: index + 1, x1, y1, x2, y2, badge: badgeFits ? { x: x1 + (x2 - x1) * f, y: y1 - lift, r: badgeR } : null });
  });
  // Badges that would touch another badge or a box are left out (open links keep theirs first);
  // the table still lists every link by number.
  const taken: { x0: number; x1: number; y0: number; y1: number }[] = boxes.map((b) => ({ x0: b.x, x1: b.x + b.width, y0: b.y, y1: b.y + b.height + (b.sockets.length > 0 ? tabBelow : 0) }));
  for (const ln of [...lines].sort((p, q) => Number(q.link.open) - Number(p.link.open) || p.n - q.n)) {
    if (!ln.badge) continue;
    const r = { x0: ln.badge.x - ln.badge.r - 1, x1: ln.badge.x + ln.badge.r + 1, y0: ln.badge.y - ln.badge.r - 1, y1: ln.badge.y + ln.badge.r + 1 };
    if (taken.some((t) => r.x0 < t.x1 && t.x0 < r.x1 && r.y0 < t.y1 && t.y0 < r.y1)) ln.badge = null;
    else taken.push(r);
  }
  return { boxes, lines, font, height: contentHeight, needed };
}

/** Where a host's stack meets its link: the client box's top or the server socket. */
export function anchorOf(line: LinkLine, host: string): [number, number] {
  return host === line.link.clientHost ? [line.x1, line.y1] : [line.x2, line.y2];
}
