// Step granularity: which events a step stops at. A finer level also stops at every
// coarser one (stepping by Wire stops at wire, Engine.IO, Socket.IO and API events).

import type { Layer } from "../../../shared/trace/types";

export const STEP_BY = ["API", "Socket.IO", "Engine.IO", "Wire", "TCP"] as const;
export type StepBy = (typeof STEP_BY)[number];

/** What each level is called in the menu: plain words first, the protocol's name after. */
export const STEP_BY_LABEL: Record<StepBy, string> = {
  API: "Code calls (API)",
  "Socket.IO": "Socket.IO packets",
  "Engine.IO": "Engine.IO packets",
  Wire: "HTTP and WebSocket (wire)",
  TCP: "TCP segments",
};

export const STEP_BY_HELP: Record<StepBy, string> = {
  API: "One stop per thing the code does: socket.emit, a handler receiving, an ack, connect. Start here.",
  "Socket.IO": "Also stops at each Socket.IO packet (CONNECT, EVENT, ACK), with its namespace and ack id.",
  "Engine.IO": "Also stops at each Engine.IO packet: open, ping, pong, message, upgrade.",
  Wire: "Also stops at each HTTP request and response and each WebSocket frame.",
  TCP: "Also stops at each TCP segment: handshake, data, acknowledgements, loss and retransmission.",
};

const RANK: Record<Layer, number> = { api: 0, socketio: 1, engine: 2, wire: 3, tcp: 4, lab: 0 };

/** True when an event of `layer` is a stop at granularity `by`. Lab events always stop. */
export function isStop(layer: Layer, by: StepBy): boolean {
  return RANK[layer] <= STEP_BY.indexOf(by);
}
