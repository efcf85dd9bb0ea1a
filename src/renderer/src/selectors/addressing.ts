// Addressing: hosts with their IPs and listening sockets, and every TCP connection as a
// link labelled with its 4-tuple, as of the playhead.

import type { Endpoint, HostRole } from "../../../shared/trace/types";
import type { TraceState } from "../store/initial-state";
import { memo } from "./memo";

export interface HostNode {
  id: string;
  label: string;
  role: HostRole;
  ips: string[];
  listens: { ip: string; port: number; service: string }[];
}

export interface ConnLink {
  /** Canonical key: the client endpoint then the server endpoint. */
  key: string;
  clientHost: string;
  serverHost: string;
  client: Endpoint;
  server: Endpoint;
  tuple: string;
  /** Connection ids of both ends (client side first). */
  conns: string[];
  open: boolean;
}

export interface Addressing {
  hosts: HostNode[];
  links: ConnLink[];
}

export const endpointText = (e: Endpoint): string => `${e.ip}:${e.port}`;
export const tupleText = (client: Endpoint, server: Endpoint): string => `${endpointText(client)} ↔ ${endpointText(server)}`;

export const selectAddressing = memo(
  // Only events up to the playhead count, and appends never change those: no `length` here.
  (s: TraceState) => [s.trace, s.cursor],
  (s: TraceState): Addressing => {
    const hosts = new Map<string, HostNode>();
    const links = new Map<string, ConnLink>();
    const linkOfConn = new Map<string, ConnLink>();
    const hostByIp = (ip: string): string | undefined => {
      const found = [...hosts.values()].filter((h) => h.role !== "server" && h.ips.includes(ip));
      return found.length === 1 ? found[0]?.id : undefined;
    };
    const ensureHost = (id: string, role: HostRole, ip?: string): HostNode => {
      let h = hosts.get(id);
      if (!h) {
        h = { id, label: id, role, ips: [], listens: [] };
        hosts.set(id, h);
      }
      if (ip && !h.ips.includes(ip)) h.ips.push(ip);
      return h;
    };
    for (const i of s.trace.structural) {
      if (i > s.cursor) break;
      const e = s.trace.events[i];
      if (!e) continue;
      if (e.layer === "lab" && e.kind === "host") {
        if (e.removed) {
          hosts.delete(e.host);
          continue;
        }
        const h = ensureHost(e.host, e.role);
        h.label = e.label;
        h.role = e.role;
        for (const ip of e.ips) if (!h.ips.includes(ip)) h.ips.push(ip);
      } else if (e.layer === "lab" && e.kind === "listen") {
        const h = ensureHost(e.host, "server", e.ip);
        if (!h.listens.some((l) => l.ip === e.ip && l.port === e.port)) h.listens.push({ ip: e.ip, port: e.port, service: e.service });
      } else if (e.layer === "tcp" && e.kind === "open") {
        const client = e.role === "client" ? e.local : e.remote;
        const server = e.role === "client" ? e.remote : e.local;
        const key = tupleText(client, server);
        let link = links.get(key);
        if (!link) {
          link = {
            key,
            clientHost: e.role === "client" ? e.host : (e.peer ?? hostByIp(client.ip) ?? `peer ${client.ip}`),
            serverHost: e.role === "server" ? e.host : (e.peer ?? "server"),
            client,
            server,
            tuple: key,
            conns: [],
            open: true,
          };
          links.set(key, link);
        }
        // The server's end may be recorded first; the client's own open names the client host.
        if (e.role === "client" && link.clientHost !== e.host) {
          if (link.clientHost.startsWith("peer ")) hosts.delete(link.clientHost);
          link.clientHost = e.host;
        }
        if (e.conn && !link.conns.includes(e.conn)) {
          if (e.role === "client") link.conns.unshift(e.conn);
          else link.conns.push(e.conn);
          linkOfConn.set(e.conn, link);
        }
        link.open = true;
        ensureHost(link.clientHost, "client", client.ip);
        ensureHost(link.serverHost, "server", server.ip);
      } else if (e.layer === "tcp" && e.kind === "close" && e.conn) {
        const link = linkOfConn.get(e.conn);
        if (link) link.open = false;
      }
    }
    const order: Record<HostRole, number> = { server: 0, client: 1, external: 2 };
    return {
      hosts: [...hosts.values()].sort((a, b) => order[a.role] - order[b.role]),
      links: [...links.values()],
    };
  },
);

/** The link a connection id belongs to (either end). */
export function linkForConn(a: Addressing, conn: string | undefined): ConnLink | undefined {
  return conn === undefined ? undefined : a.links.find((l) => l.conns.includes(conn));
}
