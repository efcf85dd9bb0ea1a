// Addressing layout: nothing overlaps (host boxes, listening-socket tabs, link badges), at
// desktop and presenter sizes, in a panel too short for its hosts (the drawing grows and the
// panel scrolls), with a class of free-play clients, and with several server nodes behind a
// load balancer and Redis (tiers from Redis at the top to the clients at the bottom).
import { describe, expect, it } from "vitest";
import { layoutAddressing, type AddressingLayout } from "../../src/renderer/src/views/addressing-layout";
import type { Addressing, ConnLink, HostNode } from "../../src/renderer/src/selectors/addressing";
import type { HostRole } from "../../src/shared/trace/types";

const host = (id: string, role: HostRole, ip: string, ports: number[] = []): HostNode => ({ id, label: id.replace("-", " "), role, ips: [ip], listens: ports.map((port) => ({ ip, port, service: "socket.io" })) });

function link(clientHost: string, clientIp: string, clientPort: number, serverHost: string, serverIp: string, serverPort: number, open = true): ConnLink {
  const tuple = `${clientIp}:${clientPort} ↔ ${serverIp}:${serverPort}`;
  return { key: tuple, clientHost, serverHost, client: { ip: clientIp, port: clientPort }, server: { ip: serverIp, port: serverPort }, tuple, conns: [`${clientHost}/tcp${clientPort}`], open };
}

function classroom(clients: number, perClient = 2, label = (i: number) => `client-${i}`): Addressing {
  const hosts: HostNode[] = [host("server", "server", "127.0.0.1", [3000, 3001])];
  const links: ConnLink[] = [];
  for (let i = 1; i <= clients; i++) {
    const ip = `127.0.0.${i + 1}`;
    hosts.push({ ...host(`client-${i}`, "client", ip), label: label(i) });
    for (let k = 0; k < perClient; k++) links.push(link(`client-${i}`, ip, 40000 + i * 10 + k, "server", "127.0.0.1", k === 0 ? 3000 : 3001, k === 0));
  }
  return { hosts, links };
}

type Rect = { x0: number; x1: number; y0: number; y1: number; what: string };
const overlaps = (a: Rect, b: Rect) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/** Every drawn rectangle: boxes, their tabs, and badges. */
function rects(l: AddressingLayout): { boxes: Rect[]; tabs: Rect[]; badges: Rect[] } {
  return {
    boxes: l.boxes.map((b) => ({ x0: b.x, x1: b.x + b.width, y0: b.y, y1: b.y + b.height, what: b.host.id })),
    tabs: l.boxes.flatMap((b) => b.sockets.map((k) => ({ x0: k.x - k.width / 2, x1: k.x + k.width / 2, y0: k.y - k.height * 0.45, y1: k.y + k.height * 0.55, what: `${b.host.id}:${k.port}` }))),
    badges: l.lines.flatMap((ln) => (ln.badge ? [{ x0: ln.badge.x - ln.badge.r, x1: ln.badge.x + ln.badge.r, y0: ln.badge.y - ln.badge.r, y1: ln.badge.y + ln.badge.r, what: `#${ln.n}` }] : [])),
  };
}

function expectNoOverlap(l: AddressingLayout, width: number): void {
  const { boxes, tabs, badges } = rects(l);
  const all = [...boxes, ...badges];
  for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) expect(overlaps(all[i]!, all[j]!), `${all[i]!.what} overlaps ${all[j]!.what}`).toBe(false);
  // A tab overlaps only its own box (it hangs from its bottom edge), never another box or a badge.
  for (const t of tabs) {
    for (const r of [...boxes.filter((b) => !t.what.startsWith(`${b.what}:`)), ...badges]) expect(overlaps(t, r), `${t.what} overlaps ${r.what}`).toBe(false);
    for (const u of tabs) if (u !== t) expect(overlaps(t, u), `${t.what} overlaps ${u.what}`).toBe(false);
  }
  for (const r of [...all, ...tabs]) {
    expect(r.x0).toBeGreaterThanOrEqual(0);
    expect(r.x1).toBeLessThanOrEqual(width);
    expect(r.y0).toBeGreaterThanOrEqual(0);
    expect(r.y1).toBeLessThanOrEqual(l.height);
  }
}

describe("addressing layout", () => {
  for (const [name, width, height, fonts] of [
    ["desktop", 400, 210, { font: 14, ipFont: 13, labelFont: 13 }],
    ["presenter", 330, 500, { font: 20, ipFont: 18, labelFont: 18 }],
    ["presenter key view", 900, 560, { font: 19, ipFont: 18, labelFont: 18 }],
  ] as const) {
    it(`${name}: 5 clients, 10 connections: no box, tab or badge overlaps another, all inside the drawing`, () => {
      const l = layoutAddressing(classroom(5, 2), width, height, fonts);
      expectNoOverlap(l, width);
      expect(l.lines).toHaveLength(10);
      expect(l.height).toBeGreaterThanOrEqual(Math.max(height, l.needed));
      // Every line goes up from its client's box to the server's socket.
      for (const ln of l.lines) expect(ln.y2).toBeLessThan(ln.y1);
      // Open links keep their numbered badge (closed ones give theirs up first when crowded).
      expect(l.lines.filter((ln) => ln.link.open && !ln.badge).map((ln) => ln.n)).toEqual([]);
    });
  }

  it("a panel too short for its hosts: the drawing grows past it instead of stacking clients onto the server's tabs", () => {
    const l = layoutAddressing(classroom(3, 2), 420, 90, { font: 15, ipFont: 14, labelFont: 14 });
    expect(l.height).toBeGreaterThan(90);
    expect(l.needed).toBeGreaterThan(90);
    expectNoOverlap(l, 420);
  });

  it("free play's class: 12 clients with long names wrap into rows that stay apart", () => {
    const l = layoutAddressing(classroom(12, 1, (i) => `free play client ${i}`), 420, 260, { font: 15, ipFont: 14, labelFont: 14 });
    expectNoOverlap(l, 420);
    const rows = new Set(l.boxes.filter((b) => b.host.role === "client").map((b) => b.y));
    expect(rows.size).toBeGreaterThan(1);
  });

  it("each line gets the number of its place in the list, as the table numbers it", () => {
    const l = layoutAddressing(classroom(2, 2), 500, 300, { font: 14, ipFont: 13, labelFont: 13 });
    expect(l.lines.map((ln) => ln.n)).toEqual([1, 2, 3, 4]);
    expect(l.lines.every((ln) => ln.badge !== null)).toBe(true);
  });

  it("scale-out: Redis above the server nodes, the balancer under them, clients at the bottom; every link goes up", () => {
    const hosts = [
      host("client-1", "client", "127.0.0.10"),
      host("client-2", "client", "127.0.0.11"),
      host("balancer", "balancer", "127.0.0.5", [3000]),
      host("server-1", "server", "127.0.0.1", [3001]),
      host("server-2", "server", "127.0.0.2", [3002]),
      host("server-3", "server", "127.0.0.3", [3003]),
      host("redis", "redis", "127.0.0.9", [6379]),
    ];
    const links = [
      link("client-1", "127.0.0.10", 50001, "balancer", "127.0.0.5", 3000),
      link("client-2", "127.0.0.11", 50002, "balancer", "127.0.0.5", 3000),
      link("balancer", "127.0.0.5", 50003, "server-1", "127.0.0.1", 3001),
      link("balancer", "127.0.0.5", 50004, "server-2", "127.0.0.2", 3002),
      link("server-1", "127.0.0.1", 50005, "redis", "127.0.0.9", 6379),
      link("server-2", "127.0.0.2", 50006, "redis", "127.0.0.9", 6379),
      link("server-3", "127.0.0.3", 50007, "redis", "127.0.0.9", 6379),
    ];
    for (const [w, h] of [[420, 260], [900, 600]] as const) {
      const l = layoutAddressing({ hosts, links }, w, h, { font: 15, ipFont: 14, labelFont: 14 });
      const y = (id: string) => l.boxes.find((b) => b.host.id === id)!.y;
      expect(y("redis")).toBeLessThan(y("server-1"));
      expect(y("server-1")).toBe(y("server-3"));
      expect(y("server-1")).toBeLessThan(y("balancer"));
      expect(y("balancer")).toBeLessThan(y("client-1"));
      expect(l.lines).toHaveLength(7);
      for (const ln of l.lines) expect(ln.y2, `link ${ln.n}`).toBeLessThan(ln.y1);
      expectNoOverlap(l, w);
    }
  });
});
