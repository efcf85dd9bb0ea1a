// The TCP model's vocabulary: its input (one real connection's events), the segments it puts
// on the modelled wire, and what it reports. Plain data: no classes, no Node, no clock.

import type { Endpoint } from "../trace/types.js";
import type { Seq } from "./seq.js";

/** The two ends of a connection: the one that connected and the one that accepted. */
export type Side = "client" | "server";

export const other = (side: Side): Side => (side === "client" ? "server" : "client");

export type TcpFlag = "SYN" | "ACK" | "FIN" | "PSH" | "RST";

/**
 * A chunk of one direction's byte stream, as the application wrote it. `writtenAt` is the real
 * time of the write, `readAt` the real time the peer's application read its last byte (the same
 * value when only one end was traced). Both are on the trace's clock (`t`).
 */
export interface StreamChunk {
  from: Side;
  offset: number;
  bytes: Uint8Array;
  writtenAt: number;
  readAt: number;
}

/** One real connection, as the model needs it (see `extract.ts` to get it from a trace). */
export interface ConnectionInput {
  /** The connection's id: the traced client-side conn where there is one. */
  conn: string;
  /** The trace's conn ids of each end, where that end was traced. */
  traceConns: Partial<Record<Side, string>>;
  client: Endpoint;
  server: Endpoint;
  /** Host ids, so several connections of one host share that host's clock shift. */
  clientHost: string;
  serverHost: string;
  /** Real time the client saw the connection open, and the server accepted it. */
  openAt: number;
  acceptedAt: number;
  /** Chunks of both directions, each direction's in offset order, without gaps. */
  chunks: StreamChunk[];
  /** The real close: who closed first, when, and whether the connection was reset. */
  close?: { by: Side; at: number; peerAt: number; reset: boolean };
}

/** A segment on the modelled wire: what a capture would show, plus what the model knows. */
export interface Segment {
  /** Position in the order segments were sent (0-based, over both directions). */
  index: number;
  from: Side;
  to: Side;
  sent: number;
  /** Model time of arrival, or null when the network lost it. */
  arrived: number | null;
  flags: TcpFlag[];
  seq: Seq;
  ack: Seq;
  len: number;
  window: number;
  payload: Uint8Array;
  lost: boolean;
  /** Sent again by the sender (timeout, fast retransmit or partial ACK). */
  retransmission: boolean;
  /** A second copy made by the network (duplication), not by the sender. */
  duplicate: boolean;
  /** Arrived with a gap before it, so the receiver held it in its out-of-order buffer. */
  outOfOrder: boolean;
  /** A pure ACK repeating the previous ACK number and window: a duplicate ACK. */
  dupAck: boolean;
  /** Why the sender (re)sent it, for notes: "rto", "fast", "partial". */
  cause?: "rto" | "fast" | "partial";
}

/** Bytes handed to the receiving application, in order: `[offset, offset + length)`. */
export interface Delivery {
  to: Side;
  t: number;
  offset: number;
  length: number;
  /** The bytes, as the receiver reassembled them from the payloads that arrived. */
  bytes: Uint8Array;
}

/** When the application wrote a chunk, on the model clock. */
export interface Write {
  from: Side;
  t: number;
  offset: number;
  length: number;
}

/** Moments of the connection's life on the model clock. */
export interface Milestone {
  side: Side;
  kind: "established" | "close" | "peer-closed" | "reset";
  t: number;
}

export interface ConnectionOutput {
  conn: string;
  traceConns: Partial<Record<Side, string>>;
  client: Endpoint;
  server: Endpoint;
  isn: Record<Side, Seq>;
  segments: Segment[];
  deliveries: Delivery[];
  writes: Write[];
  milestones: Milestone[];
  /** Things the model had to force (say, bytes written after a reset); empty normally. */
  warnings: string[];
}
