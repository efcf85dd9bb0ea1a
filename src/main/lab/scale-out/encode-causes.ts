// A node's encode of a broadcast packet names what made the node send it: its own api
// broadcast (which a cluster adapter publishes first and emits locally only after), or the
// adapter message that brought another node's broadcast. The encoder reads that id from the
// correlator's `pendingBroadcast`, as it does for a broadcast on a single server.

import type { Adapter } from "socket.io-adapter";
import type { Correlator } from "../capture/correlator.js";

/**
 * Wraps one adapter's encode (socket.io-adapter's private `_encode`, which `broadcast` calls
 * once per packet): a packet found in the returned map is encoded with its cause pending.
 */
export function encodeCauses(adapter: Adapter, c: Correlator, host: string): WeakMap<object, number> {
  const causes = new WeakMap<object, number>();
  const a = adapter as unknown as { _encode(packet: object, opts: unknown): unknown };
  const encode = a._encode.bind(adapter);
  a._encode = (packet, opts) => {
    const cause = causes.get(packet);
    if (cause === undefined) return encode(packet, opts);
    const outer = c.pendingBroadcast.get(host);
    c.pendingBroadcast.set(host, cause);
    try {
      return encode(packet, opts);
    } finally {
      if (outer === undefined) c.pendingBroadcast.delete(host);
      else c.pendingBroadcast.set(host, outer);
    }
  };
  return causes;
}
