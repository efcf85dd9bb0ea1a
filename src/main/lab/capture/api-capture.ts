// API capture through Socket.IO's public hooks: on the server a namespace's `connection`,
// a per-socket middleware (`socket.use`) that sees each incoming event and wraps its ack
// callback, `onAnyOutgoing`, disconnect events and the adapter's room events; on a client
// the socket's and the Manager's events.

import type { Namespace, Socket as ServerSocket } from "socket.io";
import type { Manager, Socket as ClientSocket } from "socket.io-client";
import { Correlator, type DecodedPacket } from "./correlator.js";
import { callCode } from "./call-code.js";
import { sanitize } from "./socketio-capture.js";

type Ack = (...args: unknown[]) => void;

function takeDecoded(c: Correlator, host: string, nsp: string, match: (d: DecodedPacket) => boolean): DecodedPacket | undefined {
  return c.take(c.decoded, Correlator.key(host, nsp), match);
}

/** Traces one server namespace. Call before any application handler is registered. */
export function tapServerNamespace(c: Correlator, nsp: Namespace, host = "server"): void {
  nsp.on("connection", (socket: ServerSocket) => {
    const connectPacket = takeDecoded(c, host, nsp.name, (d) => d.type === "CONNECT");
    c.record({
      layer: "api",
      kind: "connect",
      host,
      nsp: nsp.name,
      socketId: socket.id,
      code: `io.of(${JSON.stringify(nsp.name)}).on("connection", (socket) => …)`,
      ...(connectPacket ? { parents: [connectPacket.eventId] } : {}),
    });

    socket.use((packet, next) => {
      const event = packet[0] as string;
      const last = packet[packet.length - 1];
      const hasAck = typeof last === "function";
      const args = (hasAck ? packet.slice(1, -1) : packet.slice(1)) as unknown[];
      const decoded = takeDecoded(c, host, nsp.name, (d) => d.event === event);
      const receiveId = c.record({
        layer: "api",
        kind: "receive",
        host,
        nsp: nsp.name,
        socketId: socket.id,
        event,
        args: sanitize(args) as unknown[],
        ack: hasAck,
        code: `socket.on(${JSON.stringify(event)}, (${hasAck ? "arg, callback" : "arg"}) => …)`,
        ...(decoded ? { parents: [decoded.eventId] } : {}),
      });
      if (hasAck) {
        const ack = last as Ack;
        packet[packet.length - 1] = (...reply: unknown[]) => {
          const sendId = c.record({
            layer: "api",
            kind: "ack-send",
            host,
            nsp: nsp.name,
            socketId: socket.id,
            args: sanitize(reply) as unknown[],
            code: callCode("callback", sanitize(reply) as unknown[], false),
            parents: [receiveId],
          });
          c.pendingApiEvent.set(host, sendId);
          ack(...reply);
        };
      }
      next();
    });

    socket.onAnyOutgoing((event: string, ...args: unknown[]) => {
      if (c.broadcasting > 0) return;
      c.pendingCall.set(host, { nsp: nsp.name, socketId: socket.id, event, args });
    });

    socket.on("disconnecting", (reason: string) => {
      c.record({ layer: "api", kind: "disconnecting", host, nsp: nsp.name, socketId: socket.id, reason, rooms: [...socket.rooms] });
    });
    socket.on("disconnect", (reason: string) => {
      const packet = takeDecoded(c, host, nsp.name, (d) => d.type === "DISCONNECT");
      c.record({
        layer: "api",
        kind: "disconnect",
        host,
        nsp: nsp.name,
        socketId: socket.id,
        reason,
        ...(packet ? { parents: [packet.eventId] } : {}),
      });
    });
    // Without an 'error' listener a refused packet would throw (CVE-2024-38355); record it instead.
    socket.on("error", (err: Error) => {
      c.record({ layer: "lab", kind: "error", host, message: `socket ${socket.id} on ${nsp.name}: ${err.message}` });
    });
  });

  nsp.adapter.on("join-room", (room: string, id: string) => {
    if (room === id) return;
    c.record({ layer: "api", kind: "join", host, nsp: nsp.name, socketId: id, room, code: `socket.join(${JSON.stringify(room)})` });
  });
  nsp.adapter.on("leave-room", (room: string, id: string) => {
    if (room === id) return;
    c.record({ layer: "api", kind: "leave", host, nsp: nsp.name, socketId: id, room, code: `socket.leave(${JSON.stringify(room)})` });
  });
}

/** Traces one client socket (one namespace of a Manager). */
export function tapClientSocket(c: Correlator, host: string, socket: ClientSocket, nsp: string): void {
  socket.on("connect", () => {
    const packet = takeDecoded(c, host, nsp, (d) => d.type === "CONNECT");
    c.record({
      layer: "api",
      kind: "connect",
      host,
      nsp,
      socketId: socket.id ?? "",
      code: `socket.on("connect", () => …)`,
      ...(packet ? { parents: [packet.eventId] } : {}),
    });
  });
  socket.on("disconnect", (reason: string) => {
    const packet = takeDecoded(c, host, nsp, (d) => d.type === "DISCONNECT");
    c.record({ layer: "api", kind: "disconnect", host, nsp, reason, ...(packet ? { parents: [packet.eventId] } : {}) });
  });
  socket.on("connect_error", (err: Error) => {
    const packet = takeDecoded(c, host, nsp, (d) => d.type === "CONNECT_ERROR");
    c.record({ layer: "api", kind: "connect_error", host, nsp, reason: err.message, ...(packet ? { parents: [packet.eventId] } : {}) });
  });
  socket.onAny((event: string, ...args: unknown[]) => {
    const last = args[args.length - 1];
    const hasAck = typeof last === "function";
    const plain = hasAck ? args.slice(0, -1) : args;
    const decoded = takeDecoded(c, host, nsp, (d) => d.event === event);
    const id = c.record({
      layer: "api",
      kind: "receive",
      host,
      nsp,
      socketId: socket.id ?? "",
      event,
      args: sanitize(plain) as unknown[],
      ack: hasAck,
      code: `socket.on(${JSON.stringify(event)}, (${hasAck ? "arg, callback" : "arg"}) => …)`,
      ...(decoded ? { parents: [decoded.eventId] } : {}),
    });
    if (hasAck && decoded?.ackId !== undefined) c.ackOwed.set(Correlator.key(host, nsp, decoded.ackId), id);
  });
  socket.onAnyOutgoing((event: string, ...args: unknown[]) => {
    c.pendingCall.set(host, { nsp, socketId: socket.id ?? "", event, args });
  });
}

/** Traces a client Manager's reconnection events. */
export function tapManager(c: Correlator, host: string, manager: Manager): void {
  manager.on("reconnect_attempt", (attempt: number) => {
    c.record({ layer: "api", kind: "reconnect_attempt", host, attempt });
  });
  manager.on("reconnect", (attempt: number) => {
    c.record({ layer: "api", kind: "reconnect", host, attempt });
  });
}
