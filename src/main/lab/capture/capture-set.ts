// The lab's captures, one per layer, made and wired together in one place: on Socket.IO's
// thread (where the probes report to them), and, when the captures run in a worker, once on
// each side: the lab's side keeps the probes and the live sockets, the worker applies the
// records (see worker/capture-worker.ts). Both sides make the same set, so a record queued on
// one is applied by the same capture on the other, by name (`RecordQueue.register`).

import type { Recorder } from "../../trace/recorder.js";
import { ApiCapture } from "./api/api-capture.js";
import { Correlator, type RemoteCaptures } from "./correlator.js";
import { EngineCapture } from "./engine/engine-capture.js";
import { SocketIoCapture } from "./socketio/traced-parser.js";
import { ConnectionCapture } from "./tcp/connection-capture.js";
import { createExternalPeers } from "./tcp/external-peers.js";

/**
 * "lab": one server; "scale-out": several server nodes, whose own Redis clients' connections
 * the TCP capture hands to the api capture (what a broadcast wrote, what Redis answered).
 */
export type CaptureShape = "lab" | "scale-out";

export interface LabCapture {
  correlator: Correlator;
  api: ApiCapture;
  packets: SocketIoCapture;
  connections: ConnectionCapture;
  engines: EngineCapture;
}

/** A request the lab's side makes of the captures, applied in order with the records (`op` records). */
export interface OpRecord {
  op: "flushUnclaimed" | "forgetHost";
  t?: number;
  host?: string;
  sid?: string;
}

export interface CaptureSetOptions {
  /** The lab's side of captures that run in a worker (see worker/remote-captures.ts). */
  remote?: RemoteCaptures;
  /** A worker's captures: a connection the capture stopped following (its tap is on the lab's side). */
  onStopped?(id: string): void;
}

export function createCaptureSet(recorder: Recorder, shape: CaptureShape, options: CaptureSetOptions = {}): LabCapture {
  const c = new Correlator(recorder, options.remote);
  const onStopped = options.onStopped ? { onStopped: options.onStopped } : {};
  const api = new ApiCapture(c);
  const packets = new SocketIoCapture(c, api);
  const externalPeer = createExternalPeers(c);
  const connections = new ConnectionCapture(
    c,
    shape === "scale-out"
      ? { onExternalPeer: externalPeer, causeOn: (host) => api.causeOn(host), unitRead: (host, id) => api.respRead(host, id), ...onStopped }
      : // No connection of a lab of one server is the server's own code's (`toApi`).
        { onExternalPeer: externalPeer, ...onStopped },
  );
  const engines = new EngineCapture(c, (host, sid) => connections.flushUnclaimed(host, sid));
  c.queue.register("op", (r: OpRecord) => {
    if (r.op === "flushUnclaimed") connections.flushUnclaimed(r.host, r.sid);
    else if (r.host !== undefined) {
      c.forgetHost(r.host);
      api.forgetHost(r.host);
    }
  });
  return { correlator: c, api, packets, connections, engines };
}
