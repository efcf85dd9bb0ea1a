// A node's encode of a broadcast packet names what made the node send it: its own api
// broadcast (which a cluster adapter publishes first and emits locally only after), or the
// adapter message that brought another node's broadcast. The encoder reads that id from the
// api layer (its `causedBy`), as it does for a broadcast on a single server.

import type { Adapter } from "socket.io-adapter";
import type { ApiCapture } from "../capture/api/api-capture.js";
import { adapterEncode } from "../capture/socketio-internals.js";

/**
 * Wraps one adapter's encode (socket.io-adapter's private `_encode`, which `broadcast` calls
 * once per packet): a packet found in the returned map is encoded with its cause pending.
 */
export function encodeCauses(adapter: Adapter, api: ApiCapture, host: string): WeakMap<object, number> {
  const causes = new WeakMap<object, number>();
  const a = adapterEncode(adapter);
  const encode = a._encode.bind(adapter);
  a._encode = (packet, opts) => api.causedBy(host, causes.get(packet), () => encode(packet, opts));
  return causes;
}
