// The sending half of one end: what is unacknowledged (SND.UNA..SND.NXT), the peer's window, the
// RTT sample in flight, duplicate-ACK counting and the recovery point. It decides; the
// connection (connection.ts) builds the segments. Positions are relative to our ISN.

import { createSendBuffer, type SendBuffer } from "./segmenter.js";
import { endBackOff, initialRto, sampleRtt, type RtoState } from "./rto.js";

export interface SenderState {
  /** Oldest unacknowledged relative sequence number (SND.UNA). */
  una: number;
  /** Next relative sequence number to send (SND.NXT); 1 after the SYN, byte k is k + 1. */
  nxt: number;
  buffer: SendBuffer;
  /** The application closed: a FIN follows the last byte. `finRel` once it was sent. */
  finQueued: boolean;
  finRel: number | null;
  /** The window the peer last advertised (SND.WND). */
  wnd: number;
  rto: RtoState;
  /** One segment timed at once (RFC 6298 §3): its end and when it was sent; null after Karn. */
  timing: { rel: number; at: number } | null;
  dupAcks: number;
  /** Set by fast retransmit or a timeout: ACKs below it are partial and trigger a resend. */
  recover: number | null;
}

export function createSender(): SenderState {
  return {
    una: 0,
    nxt: 0,
    buffer: createSendBuffer(),
    finQueued: false,
    finRel: null,
    wnd: 0,
    rto: initialRto(),
    timing: null,
    dupAcks: 0,
    recover: null,
  };
}

/** What an arriving ACK asks the sender to do. */
export type AckVerdict =
  | { kind: "new"; partial: boolean } // SND.UNA advanced; `partial`: resend at the new SND.UNA
  | { kind: "dup"; fastRetransmit: boolean }
  | { kind: "old" } // below SND.UNA, or a plain window update
  | { kind: "invalid" }; // acknowledges what was never sent

/** RFC 793 §3.9 ACK processing, RFC 6298 timing (Karn: `timing` is cleared on resend), RFC 5681 dup ACKs. */
export function onAck(s: SenderState, ackRel: number, window: number, pureAck: boolean, now: number): AckVerdict {
  if (ackRel > s.nxt) return { kind: "invalid" };
  if (ackRel > s.una) {
    if (s.timing && ackRel >= s.timing.rel) {
      s.rto = sampleRtt(s.rto, now - s.timing.at);
      s.timing = null;
    }
    s.rto = endBackOff(s.rto);
    s.una = ackRel;
    s.wnd = window;
    s.dupAcks = 0;
    let partial = false;
    if (s.recover !== null) {
      if (ackRel >= s.recover) s.recover = null;
      else partial = true;
    }
    return { kind: "new", partial };
  }
  // RFC 5681 §2: same ACK, no data, same window, and data outstanding.
  const dup = ackRel === s.una && pureAck && s.una < s.nxt && window === s.wnd;
  s.wnd = ackRel === s.una ? window : s.wnd;
  if (!dup) return { kind: "old" };
  s.dupAcks++;
  if (s.dupAcks === 3 && s.recover === null) {
    s.recover = s.nxt;
    return { kind: "dup", fastRetransmit: true };
  }
  return { kind: "dup", fastRetransmit: false };
}

/** Bytes the peer's window lets us send now; one byte probes a zero window when nothing is in flight. */
export function usableWindow(s: SenderState): number {
  const wnd = s.wnd === 0 && s.una === s.nxt ? 1 : s.wnd;
  return s.una + wnd - s.nxt;
}

/** Relative end of the data (the FIN's position once the application closed). */
export function dataEnd(s: SenderState): number {
  return s.buffer.end + 1;
}
