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
  /** Show sequence numbers relative to the ISN, as Wireshark does. */
  relative: boolean;
}

export const DEFAULT_NETWORK: NetworkSettings = {
  latency: 20,
  loss: 0,
  duplication: 0,
  reordering: 0,
  mss: 1460,
  seed: 1,
  drop: [],
  relative: true,
};
