// Broadcast capture through the public `adapter` option: an in-memory adapter whose
// `broadcast` and `broadcastWithAck` record the API call (`io.to(room).emit(…)`,
// `socket.to(room).emit(…)`) before the one encode it fans out to every recipient. It also
// hands the Socket.IO layer the session a socket belongs to as it joins its own room, just
// before the server answers that socket's CONNECT (which carries the socket's id).
// A join of several rooms at once (`socket.join([...])`) and the leaving of all of them at a
// disconnect are recorded as one `join`/`leave` event listing `rooms`, not one per name: a
// peer's list of 10,000 names would otherwise write 20,000 events.

import { Adapter, type BroadcastOptions, type Room, type SocketId } from "socket.io-adapter";
import { sanitize } from "../sanitize.js";
import { sessionOfSocketId } from "../socketio-internals.js";
import type { ApiCapture } from "./api-capture.js";
import { callCode } from "./call-code.js";

type BroadcastPacket = { type: number; data?: unknown[]; nsp?: string };

/** Adapters inside a join or leave of several rooms: api-probe's per-room listeners stay quiet. */
const fanningOut = new WeakSet<Adapter>();
export const isFanningOut = (adapter: unknown): boolean => fanningOut.has(adapter as Adapter);

/**
 * `Base` is the adapter Socket.IO would use itself: `SessionAwareAdapter` when the server
 * has connection state recovery (it keeps each broadcast with its offset, to replay it).
 */
export function createTracedAdapter(api: ApiCapture, host = "server", Base: typeof Adapter = Adapter) {
  return class TracedAdapter extends Base {
    override addAll(id: SocketId, rooms: Set<Room>): Promise<void> | void {
      const sid = rooms.has(id) ? sessionOfSocketId(this.nsp as never, id) : undefined;
      if (sid) api.report({ kind: "session", host, socketId: id, sid });
      const had = this.sids.get(id);
      const joined = [...rooms].filter((r) => r !== id && !had?.has(r));
      if (joined.length < 2) return super.addAll(id, rooms);
      api.rooms({ layer: "api", kind: "join", host, nsp: this.nsp.name, socketId: id, rooms: joined, code: `socket.join(${JSON.stringify(joined).slice(0, 200)})` });
      return this.quietly(() => super.addAll(id, rooms));
    }

    override delAll(id: SocketId): void {
      const left = [...(this.sids.get(id) ?? [])].filter((r) => r !== id);
      if (left.length < 2) return super.delAll(id);
      api.rooms({ layer: "api", kind: "leave", host, nsp: this.nsp.name, socketId: id, rooms: left, code: "socket.leave(…) for every room, as it disconnects" });
      this.quietly(() => super.delAll(id));
    }

    /** The sockets a broadcast selects, as the adapter's `apply` does: rooms (or all), less `except`'s. */
    private recipients(opts: BroadcastOptions): number {
      const except = new Set<SocketId>();
      for (const room of opts.except ?? []) for (const id of this.rooms.get(room) ?? []) except.add(id);
      const selected = new Set<SocketId>();
      if (opts.rooms.size > 0) for (const room of opts.rooms) for (const id of this.rooms.get(room) ?? []) selected.add(id);
      else for (const id of this.sids.keys()) selected.add(id);
      let n = 0;
      for (const id of selected) if (!except.has(id) && this.nsp.sockets.has(id)) n++;
      return n;
    }

    private quietly<T>(run: () => T): T {
      fanningOut.add(this);
      try {
        return run();
      } finally {
        fanningOut.delete(this);
      }
    }

    override broadcast(packet: BroadcastPacket, opts: BroadcastOptions): void {
      this.traced(packet, opts, false, () => super.broadcast(packet as never, opts));
    }

    override broadcastWithAck(packet: BroadcastPacket, opts: BroadcastOptions, clientCountCallback: (n: number) => void, ack: (...args: unknown[]) => void): void {
      this.traced(packet, opts, true, () => super.broadcastWithAck(packet as never, opts, clientCountCallback, ack));
    }

    private traced(packet: BroadcastPacket, opts: BroadcastOptions, withAck: boolean, run: () => void): void {
      const data = Array.isArray(packet.data) ? (sanitize(packet.data) as unknown[]) : [];
      const rooms = [...opts.rooms];
      const except = [...(opts.except ?? [])];
      // `socket.to(room).emit` and `socket.broadcast.emit` leave out the sender: one socket id.
      const sender = except.length === 1 && this.nsp.sockets.has(except[0]!) ? except[0] : undefined;
      const target = rooms.map((r) => `.to(${JSON.stringify(r)})`).join("");
      const callee = sender ? (target ? `socket${target}.emit` : "socket.broadcast.emit") : `io.of(${JSON.stringify(this.nsp.name)})${target}${except.length ? `.except(${JSON.stringify(except)})` : ""}.emit`;
      // How many sockets it is written to: none, and its packet is encoded but never sent (with
      // connection state recovery the server still keeps it, to replay to a socket that comes back).
      const recipients = this.recipients(opts);
      const ref = api.note({
        layer: "api",
        kind: "broadcast",
        host,
        nsp: this.nsp.name,
        event: typeof data[0] === "string" ? data[0] : String(data[0] ?? ""),
        args: data.slice(1),
        ...(withAck ? { ack: true } : {}),
        ...(rooms.length ? { rooms } : {}),
        ...(except.length ? { except } : {}),
        ...(sender ? { socketId: sender } : {}),
        code: callCode(callee, data, withAck),
        recipients,
      });
      api.causedBy(host, ref, run);
    }
  };
}
