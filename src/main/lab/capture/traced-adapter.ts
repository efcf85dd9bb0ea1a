// Broadcast capture through the public `adapter` option: an in-memory adapter whose
// `broadcast` records the API call (`io.to(room).emit(…)`, `socket.broadcast.emit(…)`)
// before the one encode it fans out to every recipient.

import { Adapter, type BroadcastOptions } from "socket.io-adapter";
import { Correlator } from "./correlator.js";
import { callCode } from "./call-code.js";
import { sanitize } from "./socketio-capture.js";

export function createTracedAdapter(c: Correlator, host = "server") {
  return class TracedAdapter extends Adapter {
    override broadcast(packet: { type: number; data?: unknown[]; nsp?: string }, opts: BroadcastOptions): void {
      const data = Array.isArray(packet.data) ? (sanitize(packet.data) as unknown[]) : [];
      const rooms = [...opts.rooms];
      const except = [...(opts.except ?? [])];
      const target = rooms.length ? rooms.map((r) => `.to(${JSON.stringify(r)})`).join("") : "";
      const id = c.record({
        layer: "api",
        kind: "broadcast",
        host,
        nsp: this.nsp.name,
        event: typeof data[0] === "string" ? data[0] : "",
        args: data.slice(1),
        ...(rooms.length ? { rooms } : {}),
        ...(except.length ? { except } : {}),
        code: callCode(`io.of(${JSON.stringify(this.nsp.name)})${target}.emit`, data, false),
      });
      c.pendingApiEvent.set(host, id);
      c.broadcasting++;
      try {
        super.broadcast(packet as never, opts);
      } finally {
        c.broadcasting--;
        c.pendingApiEvent.delete(host);
      }
    }
  };
}
