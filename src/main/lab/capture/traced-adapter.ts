// Broadcast capture through the public `adapter` option: an in-memory adapter whose
// `broadcast` and `broadcastWithAck` record the API call (`io.to(room).emit(…)`,
// `socket.to(room).emit(…)`) before the one encode it fans out to every recipient. It also
// notes which session a socket belongs to when it joins its own room, just before the server
// answers that socket's CONNECT.

import { Adapter, type BroadcastOptions, type Room, type SocketId } from "socket.io-adapter";
import { Correlator } from "./correlator.js";
import { callCode } from "./call-code.js";
import { sanitize } from "./socketio-capture.js";

type BroadcastPacket = { type: number; data?: unknown[]; nsp?: string };

export function createTracedAdapter(c: Correlator, host = "server") {
  return class TracedAdapter extends Adapter {
    override addAll(id: SocketId, rooms: Set<Room>): Promise<void> | void {
      const socket = this.nsp.sockets.get(id) as { conn?: { id?: string } } | undefined;
      if (rooms.has(id) && socket?.conn?.id) c.connectingSid.set(host, socket.conn.id);
      return super.addAll(id, rooms);
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
      const id = c.record({
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
      });
      c.pendingBroadcast.set(host, id);
      try {
        run();
      } finally {
        c.pendingBroadcast.delete(host);
      }
    }
  };
}
