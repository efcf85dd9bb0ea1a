// Namespaces: each client's one Engine.IO session over one TCP connection, with its
// namespace sockets as lanes and the Socket.IO packets each lane carried so far.

import type { TraceState } from "../store/initial-state";
import { selectAddressing } from "./addressing";
import { memo } from "./memo";

export interface NamespaceLane {
  nsp: string;
  socketId: string | null;
  packets: number;
  lastEncoded: string;
  lastIndex: number;
}

export interface ClientPipe {
  host: string;
  sid: string | null;
  tuple: string;
  lanes: NamespaceLane[];
}

const SID_IN_OPEN = /"sid":"([^"]+)"/;

export const selectNamespaces = memo(
  (s: TraceState) => [s.trace, s.length, s.cursor],
  (s: TraceState): ClientPipe[] => {
    const a = selectAddressing(s);
    const pipes = new Map<string, ClientPipe>();
    for (const link of a.links) {
      const pipe = pipes.get(link.clientHost);
      // The pipe shows the connection in use now: the newest open one.
      if (!pipe) pipes.set(link.clientHost, { host: link.clientHost, sid: null, tuple: link.tuple, lanes: [] });
      else if (link.open) pipe.tuple = link.tuple;
    }
    for (const i of s.trace.upper) {
      if (i > s.cursor) break;
      const e = s.trace.events[i];
      const pipe = e ? pipes.get(e.host) : undefined;
      if (!e || !pipe) continue;
      if (e.layer === "engine") {
        if (e.sid) pipe.sid = e.sid;
        else if (e.type === "open" && e.data) pipe.sid = SID_IN_OPEN.exec(e.data)?.[1] ?? pipe.sid;
      } else if (e.layer === "socketio") {
        let lane = pipe.lanes.find((l) => l.nsp === e.nsp);
        if (!lane) {
          lane = { nsp: e.nsp, socketId: null, packets: 0, lastEncoded: "", lastIndex: -1 };
          pipe.lanes.push(lane);
        }
        lane.packets++;
        lane.lastEncoded = e.encoded;
        lane.lastIndex = i;
        if (e.type === "CONNECT" && e.dir === "in") lane.socketId = SID_IN_OPEN.exec(e.encoded)?.[1] ?? lane.socketId;
      } else if (e.layer === "api" && e.kind === "connect" && e.socketId && e.nsp) {
        const lane = pipe.lanes.find((l) => l.nsp === e.nsp);
        if (lane) lane.socketId = e.socketId;
      }
    }
    return [...pipes.values()];
  },
);
