// Addressing: hosts with their IPs and listening sockets, and every TCP connection as a
// link labelled with its 4-tuple, as of the playhead; and the few of them worth drawing
// when a long session has thousands (those open at the playhead and the latest closed).

import type { Endpoint, HostRole } from "../../../shared/trace/types";
import type { TraceState } from "../store/initial-state";
import { countUpTo, type TraceBuffer } from "../store/trace-buffer";
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
  /** Trace index of the close that closed it last (absent while open). */
  closedAt?: number;
}

export interface Addressing {
  hosts: HostNode[];
  links: ConnLink[];
}

export const endpointText = (e: Endpoint): string => `${e.ip}:${e.port}`;
export const tupleText = (client: Endpoint, server: Endpoint): string => `${endpointText(client)} ↔ ${endpointText(server)}`;

/**
 * Hosts and links as structural events arrive. Records are replaced, never changed, once a
 * result has handed them out, so each result stays as it was (views compare them by identity).
 */
interface Build {
  trace: TraceBuffer;
  /** Structural events applied so far. */
  applied: number;
  hosts: Map<string, HostNode>;
  links: Map<string, ConnLink>;
  /** Link key of each connection id. */
  keyOfConn: Map<string, string>;
  /** Host of each connection id (a tcp open's `peer` names the other end's connection, not its host). */
  hostOfConn: Map<string, string>;
}

const newBuild = (trace: TraceBuffer): Build => ({ trace, applied: 0, hosts: new Map(), links: new Map(), keyOfConn: new Map(), hostOfConn: new Map() });

function apply(b: Build, upTo: number): void {
  const { hosts, links, keyOfConn, hostOfConn } = b;
  // Records made in this call are handed out by none of the earlier results: changed in place.
  const fresh = new Set<HostNode | ConnLink>();
  const ownHost = (id: string): HostNode | undefined => {
    const h = hosts.get(id);
    if (!h || fresh.has(h)) return h;
    const copy = { ...h, ips: [...h.ips], listens: [...h.listens] };
    fresh.add(copy);
    hosts.set(id, copy);
    return copy;
  };
  const ownLink = (key: string): ConnLink | undefined => {
    const l = links.get(key);
    if (!l || fresh.has(l)) return l;
    const copy = { ...l, conns: [...l.conns] };
    fresh.add(copy);
    links.set(key, copy);
    return copy;
  };
  const hostByIp = (ip: string): string | undefined => {
    let found: HostNode | undefined;
    for (const h of hosts.values()) {
      if (h.role === "server" || !h.ips.includes(ip)) continue;
      if (found) return undefined;
      found = h;
    }
    return found?.id;
  };
  const ensureHost = (id: string, role: HostRole, ip?: string): HostNode => {
    let h = hosts.get(id);
    if (!h) {
      h = { id, label: id, role, ips: [], listens: [] };
      fresh.add(h);
      hosts.set(id, h);
    }
    if (ip && !h.ips.includes(ip)) (ownHost(id) as HostNode).ips.push(ip);
    return hosts.get(id) as HostNode;
  };
  const { events, structural } = b.trace;
  for (; b.applied < upTo; b.applied++) {
    const i = structural[b.applied] as number;
    const e = events[i];
    if (!e) continue;
    if (e.layer === "lab" && e.kind === "host") {
      if (e.removed) {
        hosts.delete(e.host);
        continue;
      }
      ensureHost(e.host, e.role);
      const h = ownHost(e.host) as HostNode;
      h.label = e.label;
      h.role = e.role;
      for (const ip of e.ips) if (!h.ips.includes(ip)) h.ips.push(ip);
    } else if (e.layer === "lab" && e.kind === "listen") {
      const h = ensureHost(e.host, "server", e.ip);
      if (!h.listens.some((l) => l.ip === e.ip && l.port === e.port)) (ownHost(e.host) as HostNode).listens.push({ ip: e.ip, port: e.port, service: e.service });
    } else if (e.layer === "tcp" && e.kind === "open") {
      const client = e.role === "client" ? e.local : e.remote;
      const server = e.role === "client" ? e.remote : e.local;
      const key = tupleText(client, server);
      if (e.conn) hostOfConn.set(e.conn, e.host);
      const peerHost = e.peer !== undefined ? hostOfConn.get(e.peer) : undefined;
      let link = ownLink(key);
      if (!link) {
        link = {
          key,
          clientHost: e.role === "client" ? e.host : (peerHost ?? hostByIp(client.ip) ?? `peer ${client.ip}`),
          serverHost: e.role === "server" ? e.host : (peerHost ?? "server"),
          client,
          server,
          tuple: key,
          conns: [],
          open: true,
        };
        fresh.add(link);
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
        keyOfConn.set(e.conn, key);
      }
      link.open = true;
      delete link.closedAt;
      ensureHost(link.clientHost, "client", client.ip);
      ensureHost(link.serverHost, "server", server.ip);
    } else if (e.layer === "tcp" && e.kind === "close" && e.conn) {
      const key = keyOfConn.get(e.conn);
      const link = key === undefined ? undefined : ownLink(key);
      if (link) {
        link.open = false;
        link.closedAt = i;
      }
    }
  }
}

const ROLE_ORDER: Record<HostRole, number> = { server: 0, redis: 1, balancer: 2, client: 3, external: 4 };
let build: Build | null = null;

/** Addressing as of `count` structural events: carried on from the last result when the playhead moved on. */
const addressingAt = memo(
  (s: TraceState, count: number) => [s.trace, count],
  (s: TraceState, count: number): Addressing => {
    if (!build || build.trace !== s.trace || build.applied > count) build = newBuild(s.trace);
    apply(build, count);
    return {
      hosts: [...build.hosts.values()].sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role]),
      links: [...build.links.values()],
    };
  },
);

/**
 * Only events up to the playhead count, and appends never change those: no `length` here. A
 * step that passes no open, close or lab event returns the same result without recomputing.
 */
export const selectAddressing = (s: TraceState): Addressing => addressingAt(s, countUpTo(s.trace.structural, s.cursor));

const connIndex = new WeakMap<Addressing, Map<string, ConnLink>>();

/** The link a connection id belongs to (either end). */
export function linkForConn(a: Addressing, conn: string | undefined): ConnLink | undefined {
  if (conn === undefined) return undefined;
  let index = connIndex.get(a);
  if (!index) {
    index = new Map();
    for (const l of a.links) for (const c of l.conns) if (!index.has(c)) index.set(c, l);
    connIndex.set(a, index);
  }
  return index.get(conn);
}
