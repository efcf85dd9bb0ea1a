// A Socket.IO server traced as one host: the traced parser, every Engine.IO session's packets,
// the engine's refusals (its HTTP errors, recorded as notices) and each namespace's API events.
// The lab's server and every node of a scaled-out lab are made here, so they trace alike.

import type { Server as HttpServer } from "node:http";
import { Server, type ServerOptions } from "socket.io";
import type { ApiCapture } from "./api/api-capture.js";
import type { Correlator } from "./correlator.js";
import type { EngineCapture } from "./engine/engine-capture.js";
import { probeEngine } from "./engine/engine-probe.js";
import { createTracedParser, type SocketIoCapture } from "./socketio/traced-parser.js";
import { asEngineSession } from "./socketio-internals.js";
import type { ConnectionCapture } from "./tcp/connection-capture.js";

/** One capture, every layer: what a lab (or a lab of several server nodes) traces its hosts with. */
export interface TracedServerCapture {
  c: Correlator;
  api: ApiCapture;
  /** The Socket.IO layer (its packets, from the traced parsers' records). */
  packets: SocketIoCapture;
  conns: ConnectionCapture;
  engines: EngineCapture;
}

/** `new Server(http, options)` traced as `host`, with `namespaces` tapped before any application handler. */
export function createTracedServer(http: HttpServer, host: string, capture: TracedServerCapture, namespaces: readonly string[], options: Partial<ServerOptions>): Server {
  const { c, api, engines, packets } = capture;
  const io = new Server(http, { parser: createTracedParser(packets, host, "server", undefined, api.signals), serveClient: false, maxHttpBufferSize: 1e6, ...options });
  io.engine.on("connection", (session: unknown) => probeEngine(host, asEngineSession(session), engines, () => c.recorder.now()));
  // The engine answering a bad request with its HTTP error (400 "Session ID unknown", …) is the server working as it should.
  io.engine.on("connection_error", (err: { message: string; code: number }) => {
    c.record({ layer: "lab", kind: "error", host, level: "notice", message: `engine refused a request: ${err.message}`, code: String(err.code) });
  });
  for (const nsp of namespaces) api.tapServerNamespace(io.of(nsp), host);
  return io;
}
