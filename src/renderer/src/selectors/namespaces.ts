// Namespaces: each client's one Engine.IO session over one TCP connection, with its
// namespace sockets as lanes and the Socket.IO packets each lane carried so far.

import type { TraceState } from "../store/initial-state";
import { countUpTo, type TraceBuffer } from "../store/trace-buffer";
import { selectAddressing } from "./addressing";
import { memo } from "./memo";
import { sidOfOpenData } from "../../../shared/engine/open-packet";

export interface NamespaceLane {
  nsp: string;
  socketId: string | null;
  /** In a lab of several server nodes: the node that holds this socket. */
  node?: string;
  packets: number;
  lastEncoded: string;
  lastIndex: number;
}

/** One Socket.IO packet as it went over the client's one connection, in order. */
export interface PipePacket {
  nsp: string;
  /** Sent by the client (out) or received by it (in). */
  dir: "in" | "out";
  encoded: string;
  index: number;
}

export interface ClientPipe {
  host: string;
  sid: string | null;
  tuple: string;
  lanes: NamespaceLane[];
  /** The latest packets of every namespace, interleaved as the connection carried them (oldest first). */
  recent: PipePacket[];
}

/** How many of the latest packets a pipe shows interleaved. */
export const RECENT_PACKETS = 16;

/** What the upper events say per host: its Engine.IO sid, its namespace lanes and latest packets. */
interface HostLanes {
  sid: string | null;
  lanes: NamespaceLane[];
  recent: PipePacket[];
}

/** Upper events read so far, per host; carried on while the playhead moves forward. */
interface Reading {
  trace: TraceBuffer;
  applied: number;
  byHost: Map<string, HostLanes>;
  /** Socket id → the server node that accepted it (its api `connect`), where nodes are `node-N`. */
  nodeOfSocket: Map<string, string>;
}

let reading: Reading | null = null;

function read(r: Reading, upTo: number): void {
  const { events, upper } = r.trace;
  for (; r.applied < upTo; r.applied++) {
    const i = upper[r.applied] as number;
    const e = events[i];
    if (!e) continue;
    let host = r.byHost.get(e.host);
    if (!host) r.byHost.set(e.host, (host = { sid: null, lanes: [], recent: [] }));
    if (e.layer === "engine") {
      if (e.sid) host.sid = e.sid;
      else if (e.type === "open" && e.data) host.sid = sidOfOpenData(e.data) ?? host.sid;
    } else if (e.layer === "socketio") {
      let lane = host.lanes.find((l) => l.nsp === e.nsp);
      if (!lane) {
        lane = { nsp: e.nsp, socketId: null, packets: 0, lastEncoded: "", lastIndex: -1 };
        host.lanes.push(lane);
      }
      lane.packets++;
      lane.lastEncoded = e.encoded;
      lane.lastIndex = i;
      host.recent.push({ nsp: e.nsp, dir: e.dir === "out" ? "out" : "in", encoded: e.encoded, index: i });
      if (host.recent.length > RECENT_PACKETS * 2) host.recent.splice(0, host.recent.length - RECENT_PACKETS);
      // A CONNECT answer carries {"sid": <the namespace socket's id>} after its "0/nsp," prefix.
      const json = e.encoded.indexOf("{");
      if (e.type === "CONNECT" && e.dir === "in" && json >= 0) lane.socketId = sidOfOpenData(e.encoded.slice(json)) ?? lane.socketId;
    } else if (e.layer === "api" && e.kind === "connect" && e.socketId && e.nsp) {
      if (e.host.startsWith("node-")) r.nodeOfSocket.set(e.socketId, e.host);
      const lane = host.lanes.find((l) => l.nsp === e.nsp);
      if (lane) lane.socketId = e.socketId;
    }
  }
}

const namespacesAt = memo(
  (s: TraceState, count: number) => [s.trace, count, selectAddressing(s)],
  (s: TraceState, count: number): ClientPipe[] => {
    const a = selectAddressing(s);
    if (!reading || reading.trace !== s.trace || reading.applied > count) reading = { trace: s.trace, applied: 0, byHost: new Map(), nodeOfSocket: new Map() };
    read(reading, count);
    const pipes = new Map<string, ClientPipe>();
    for (const link of a.links) {
      const pipe = pipes.get(link.clientHost);
      // The pipe shows the connection in use now: the newest open one.
      if (!pipe) pipes.set(link.clientHost, { host: link.clientHost, sid: null, tuple: link.tuple, lanes: [], recent: [] });
      else if (link.open) pipe.tuple = link.tuple;
    }
    for (const pipe of pipes.values()) {
      const host = reading.byHost.get(pipe.host);
      if (!host) continue;
      // Copies: the reading goes on changing its own lanes as the playhead moves.
      pipe.sid = host.sid;
      const nodes = reading.nodeOfSocket;
      pipe.lanes = host.lanes.map((l) => {
        const node = l.socketId ? nodes.get(l.socketId) : undefined;
        return node ? { ...l, node } : { ...l };
      });
      pipe.recent = host.recent.slice(-RECENT_PACKETS);
    }
    return [...pipes.values()];
  },
);

/** Only events up to the playhead count; a step forward reads only the events it passes. */
export const selectNamespaces = (s: TraceState): ClientPipe[] => namespacesAt(s, countUpTo(s.trace.upper, s.cursor));
