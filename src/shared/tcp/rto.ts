// The retransmission timeout estimator of RFC 6298: SRTT and RTTVAR from RTT samples, RTO with a
// floor and a ceiling, and exponential back-off. Karn's rule is the caller's: never sample a
// segment that was retransmitted.

export interface RtoState {
  srtt: number | null;
  rttvar: number;
  /** The current timeout, back-off included. */
  rto: number;
  /** The timeout without back-off: from the last sample, or the initial value. */
  base: number;
  backoff: number;
}

/** RFC 6298 §2.1: 1 s before any sample. The floor is Linux's 200 ms (the RFC says 1 s). */
export const RTO_INITIAL = 1000;
export const RTO_MIN = 200;
/** RFC 6298 §2.5 allows a ceiling of at least 60 s. */
export const RTO_MAX = 60_000;
/** Clock granularity G of RFC 6298 §2.2, in ms. */
const GRANULARITY = 1;
const ALPHA = 1 / 8;
const BETA = 1 / 4;
const K = 4;

export function initialRto(): RtoState {
  return { srtt: null, rttvar: 0, rto: RTO_INITIAL, base: RTO_INITIAL, backoff: 0 };
}

const clamp = (rto: number): number => Math.min(RTO_MAX, Math.max(RTO_MIN, rto));

/** RFC 6298 §2.2 (first sample) and §2.3 (later ones); a new sample also ends back-off. */
export function sampleRtt(s: RtoState, r: number): RtoState {
  if (s.srtt === null) {
    const rttvar = r / 2;
    const rto = clamp(r + Math.max(GRANULARITY, K * rttvar));
    return { srtt: r, rttvar, rto, base: rto, backoff: 0 };
  }
  const rttvar = (1 - BETA) * s.rttvar + BETA * Math.abs(s.srtt - r);
  const srtt = (1 - ALPHA) * s.srtt + ALPHA * r;
  const rto = clamp(srtt + Math.max(GRANULARITY, K * rttvar));
  return { srtt, rttvar, rto, base: rto, backoff: 0 };
}

/** RFC 6298 §5.5: on expiry the timer doubles (up to the ceiling). */
export function backOff(s: RtoState): RtoState {
  return { ...s, rto: Math.min(RTO_MAX, s.rto * 2), backoff: s.backoff + 1 };
}

/**
 * An ACK of new data ends the back-off: the RTO returns to its base (the last estimate, or the
 * initial value). Without timestamps (RFC 7323) Karn's rule can leave a connection with no valid
 * sample for long; Linux gets one from timestamps, the model by collapsing the back-off here.
 */
export function endBackOff(s: RtoState): RtoState {
  return s.backoff === 0 ? s : { ...s, rto: s.base, backoff: 0 };
}

/** RFC 6298 §5.7: if the SYN had to be resent and nothing was sampled, data starts with an RTO of 3 s. */
export function afterHandshake(s: RtoState): RtoState {
  return s.srtt === null && s.backoff > 0 ? { ...s, rto: RTO_AFTER_SYN_LOSS, base: RTO_AFTER_SYN_LOSS, backoff: 0 } : s;
}

export const RTO_AFTER_SYN_LOSS = 3000;
