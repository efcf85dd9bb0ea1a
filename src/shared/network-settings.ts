// Settings of the modelled network between two hosts (the TCP model's input).

export interface NetworkSettings {
  /** One-way latency in ms (model clock). */
  latency: number;
  loss: number;
  duplication: number;
  reordering: number;
  mss: number;
  seed: number;
  /** Indices of segments to drop on purpose (index in the order segments are sent). */
  drop: number[];
  /** Scripted losses tied to real bytes: see `DataDropRule`. */
  dropData?: DataDropRule[];
  /** Show sequence numbers relative to the ISN, as Wireshark does. */
  relative: boolean;
  /** Receive buffer each end advertises, in bytes (TCP model; default 65535). */
  window?: number;
  /** Force both initial sequence numbers (say 2^32 - 100, to watch them wrap); default: seeded. */
  isn?: number;
  /** Delayed-ACK timeout in ms (RFC 1122 §4.2.3.2; default 40 as Linux, 0 acks at once). */
  delayedAck?: number;
  /** Extra one-way delay drawn uniformly from [0, jitter) ms per segment (default 0). */
  jitter?: number;
}

/**
 * "Of the data segments that carry bytes [from, to) of `side`'s stream on `conn`, lose the first
 * transmission of the k-th ones": a loss placed on a real message, whatever else the connection
 * carried before it. Retransmissions of those bytes get through (unless random loss takes them).
 */
export interface DataDropRule {
  /** A trace conn id of either end, e.g. "client-1/tcp1"; absent: every connection. */
  conn?: string;
  /** Whose stream: the end that connected (`client`) or the end that accepted (`server`). */
  side: "client" | "server";
  /** The byte range [from, to) of that direction's stream. */
  from: number;
  to: number;
  /** Which segments, counted from 1 in the order first sent (`[2, 5]`: the 2nd and the 5th). */
  segments: number[];
}

/**
 * The one default network, for the app and the command line alike (the same trace gives the
 * same ladder in both). Small segments, for teaching: even a short message is cut into several.
 */
export const DEFAULT_NETWORK: NetworkSettings = {
  latency: 20,
  loss: 0,
  duplication: 0,
  reordering: 0,
  mss: 64,
  seed: 1,
  drop: [],
  relative: true,
};
