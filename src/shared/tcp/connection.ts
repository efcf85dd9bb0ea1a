// One modelled TCP connection as a sans-I/O state machine: `step(state, input, now)` takes an
// application call, an arriving segment or a timer, and returns the segments to send and the
// bytes to deliver. It reads no clock and does no I/O; the driver (model.ts) owns time.

import { acceptData, advertisedWindow, createReceiver, takeFin, type ReceiverState } from "./receiver.js";
import { afterHandshake, backOff } from "./rto.js";
import { appendWrite, NO_BYTES, segmentLength, sliceBytes } from "./segmenter.js";
import { createSender, dataEnd, onAck, usableWindow, type SenderState } from "./sender.js";
import { seq, seqAdd, seqDiff, type Seq } from "./seq.js";
import { transition, type TcpState, type TcpTrigger } from "./states.js";
import type { Milestone, Segment, Side, TcpFlag } from "./types.js";
import { assertNever } from "../trace/types.js";

/** A segment as its sender built it; the network adds index, times and fate. */
export type WireSegment = Omit<Segment, "index" | "sent" | "arrived" | "lost" | "duplicate" | "outOfOrder">;

export interface EndState {
  side: Side;
  state: TcpState;
  iss: Seq;
  /** The peer's ISN, once its SYN arrived. */
  irs: Seq | null;
  snd: SenderState;
  rcv: ReceiverState;
  /** Timer deadlines on the model clock; null when not armed. */
  rtoAt: number | null;
  delackAt: number | null;
  /** The ACK number and window of the last ACK we sent, to recognise a duplicate ACK. */
  lastAck: { ack: Seq; window: number } | null;
  /** The application reset the connection: RST once our data is acknowledged. */
  resetPending: boolean;
}

export interface ConnectionState {
  mss: number;
  delayedAck: number;
  ends: Record<Side, EndState>;
}

export type ModelInput =
  | { type: "connect" }
  | { type: "write"; from: Side; offset: number; bytes: Uint8Array }
  | { type: "close"; side: Side; reset: boolean }
  | { type: "arrive"; index: number; segment: WireSegment }
  | { type: "timeout"; side: Side; timer: "rto" | "delack" };

export type ModelOutput =
  | { type: "send"; segment: WireSegment }
  | { type: "deliver"; to: Side; offset: number; bytes: Uint8Array }
  | { type: "out-of-order"; index: number }
  | { type: "milestone"; side: Side; kind: Milestone["kind"] }
  | { type: "warning"; message: string };

export interface ConnectionOptions {
  mss: number;
  /** Receive buffer of each end, in bytes. */
  window: number;
  delayedAck: number;
  isn: Record<Side, Seq>;
}

function createEnd(side: Side, iss: Seq, window: number): EndState {
  return {
    side,
    state: side === "client" ? "CLOSED" : "LISTEN",
    iss,
    irs: null,
    snd: createSender(),
    rcv: createReceiver(window),
    rtoAt: null,
    delackAt: null,
    lastAck: null,
    resetPending: false,
  };
}

export function createConnection(o: ConnectionOptions): ConnectionState {
  if (!(o.mss >= 1)) throw new Error(`MSS must be at least 1, got ${o.mss}`);
  return {
    mss: Math.floor(o.mss),
    delayedAck: o.delayedAck,
    ends: { client: createEnd("client", o.isn.client, o.window), server: createEnd("server", o.isn.server, o.window) },
  };
}

/**
 * The transition function. The state is updated in place and returned (the model runs large
 * traces); treat the state passed in as consumed.
 */
export function step(state: ConnectionState, input: ModelInput, now: number): { state: ConnectionState; output: ModelOutput[] } {
  const out: ModelOutput[] = [];
  switch (input.type) {
    case "connect": {
      const e = state.ends.client;
      if (!move(e, "app-connect")) break;
      e.snd.nxt = 1;
      e.snd.timing = { rel: 1, at: now };
      emit(e, ["SYN"], 0, NO_BYTES, out);
      armRto(e, now);
      break;
    }
    case "write": {
      const e = state.ends[input.from];
      if (e.snd.finQueued || e.resetPending || e.state === "CLOSED") {
        out.push({ type: "warning", message: `${input.from} wrote ${input.bytes.length} bytes after closing; not sent` });
        break;
      }
      appendWrite(e.snd.buffer, input.offset, input.bytes);
      trySend(state, e, false, now, out);
      break;
    }
    case "close": {
      const e = state.ends[input.side];
      out.push({ type: "milestone", side: e.side, kind: "close" });
      if (input.reset) e.resetPending = e.state !== "CLOSED";
      else if (move(e, "app-close")) e.snd.finQueued = true;
      trySend(state, e, false, now, out);
      break;
    }
    case "arrive":
      arrive(state, state.ends[input.segment.to], input.segment, input.index, now, out);
      break;
    case "timeout": {
      const e = state.ends[input.side];
      if (input.timer === "rto") {
        if (!due(e.rtoAt, now)) break;
        e.rtoAt = null;
        if (e.snd.una >= e.snd.nxt || e.state === "CLOSED") break;
        // RFC 6298 §5.4–5.6: resend the earliest unacknowledged segment, back off, restart.
        e.snd.rto = backOff(e.snd.rto);
        e.snd.recover = e.snd.nxt;
        e.snd.dupAcks = 0;
        retransmit(state, e, e.snd.una, "rto", out);
        armRto(e, now);
      } else {
        if (!due(e.delackAt, now)) break;
        e.delackAt = null;
        if (e.irs !== null && e.state !== "CLOSED") emit(e, ["ACK"], e.snd.nxt, NO_BYTES, out);
      }
      break;
    }
    default:
      assertNever(input, "model input");
  }
  return { state, output: out };
}

/** A timer fires at its deadline; the driver may round times to the nanosecond (model.ts). */
function due(deadline: number | null, now: number): boolean {
  return deadline !== null && now >= deadline - 1e-6;
}

/** Applies a trigger through the transition table; false when it does not apply. */
function move(e: EndState, trigger: TcpTrigger): boolean {
  const next = transition(e.state, trigger);
  if (next === undefined) return false;
  e.state = next;
  return true;
}

function armRto(e: EndState, now: number): void {
  e.rtoAt = e.snd.una < e.snd.nxt ? now + e.snd.rto.rto : null;
}

/** RFC 793 §3.9 "SEGMENT ARRIVES", reduced to what the model can meet. */
function arrive(c: ConnectionState, e: EndState, seg: WireSegment, index: number, now: number, out: ModelOutput[]): void {
  const has = (f: TcpFlag): boolean => seg.flags.includes(f);
  if (has("RST")) {
    if (e.state !== "CLOSED" && move(e, "rst")) {
      e.rtoAt = e.delackAt = null;
      out.push({ type: "milestone", side: e.side, kind: "reset" });
    }
    return;
  }
  if (has("SYN")) {
    if (e.state === "LISTEN") {
      move(e, "rcv-syn");
      e.irs = seg.seq;
      e.rcv.nxt = 1;
      e.snd.wnd = seg.window;
      e.snd.nxt = 1;
      e.snd.timing = { rel: 1, at: now };
      emit(e, ["SYN", "ACK"], 0, NO_BYTES, out);
      armRto(e, now);
    } else if (e.state === "SYN_SENT" && has("ACK") && seg.ack === seqAdd(e.iss, 1)) {
      e.irs = seg.seq;
      e.rcv.nxt = 1;
      e.snd.rto = afterHandshake(e.snd.rto);
      onAck(e.snd, 1, seg.window, false, now);
      move(e, "rcv-syn-ack");
      out.push({ type: "milestone", side: e.side, kind: "established" });
      armRto(e, now);
      trySend(c, e, true, now, out);
    } else if (e.irs !== null && seg.seq === e.irs) {
      // A repeated SYN: our answer to it was lost. Answer again.
      if (e.state === "SYN_RCVD") retransmit(c, e, 0, "rto", out);
      else emit(e, ["ACK"], e.snd.nxt, NO_BYTES, out);
    }
    return;
  }
  if (e.irs === null) return;

  if (has("ACK")) {
    const ackRel = e.snd.una + seqDiff(seg.ack, seqAdd(e.iss, e.snd.una));
    const established = e.state === "SYN_RCVD" && ackRel >= 1 && ackRel <= e.snd.nxt;
    if (established) e.snd.rto = afterHandshake(e.snd.rto);
    const verdict = onAck(e.snd, ackRel, seg.window, seg.len === 0 && !has("FIN"), now);
    if (established && move(e, "rcv-ack-of-syn")) out.push({ type: "milestone", side: e.side, kind: "established" });
    if (verdict.kind === "new") {
      if (e.snd.finRel !== null && e.snd.una > e.snd.finRel) move(e, "rcv-ack-of-fin");
      armRto(e, now);
      if (verdict.partial) retransmit(c, e, e.snd.una, "partial", out);
    } else if (verdict.kind === "dup" && verdict.fastRetransmit) {
      retransmit(c, e, e.snd.una, "fast", out);
    }
  }

  const rcv = e.rcv;
  const rel = rcv.nxt + seqDiff(seg.seq, seqAdd(e.irs, rcv.nxt));
  let ackNow = false;
  if (seg.len > 0) {
    const a = acceptData(rcv, rel, seg.payload);
    for (const d of a.delivered) out.push({ type: "deliver", to: e.side, offset: d.offset, bytes: d.bytes });
    if (a.outOfOrder) out.push({ type: "out-of-order", index });
    // RFC 5681 §4.2: ACK at once for out-of-order, duplicate and gap-filling segments,
    // and for every second segment; otherwise within the delayed-ACK timeout.
    if (a.outOfOrder || a.duplicate || a.filledGap || rcv.unacked >= 2 || c.delayedAck <= 0) ackNow = true;
    else if (e.delackAt === null) e.delackAt = now + c.delayedAck;
  }
  if (has("FIN")) {
    if (rcv.finRel === null) rcv.finRel = rel + seg.len;
    ackNow = true;
  }
  if (takeFin(rcv) && move(e, "rcv-fin")) out.push({ type: "milestone", side: e.side, kind: "peer-closed" });
  trySend(c, e, ackNow, now, out);
}

/** Sends what may be sent: new data within the peer's window, then the FIN; else a pure ACK if due. */
function trySend(c: ConnectionState, e: EndState, ackNow: boolean, now: number, out: ModelOutput[]): void {
  const s = e.snd;
  if (e.state === "CLOSED" || s.una < 1) return;
  if (e.resetPending && s.una === s.nxt && s.buffer.end + 1 === s.nxt) {
    emit(e, ["RST", "ACK"], s.nxt, NO_BYTES, out);
    move(e, "rst");
    e.resetPending = false;
    e.rtoAt = e.delackAt = null;
    return;
  }
  let sent = false;
  for (;;) {
    if (s.nxt < dataEnd(s)) {
      const from = s.nxt - 1;
      const len = segmentLength(s.buffer, from, c.mss, usableWindow(s));
      if (len <= 0) break;
      const flags: TcpFlag[] = from + len === s.buffer.end ? ["PSH", "ACK"] : ["ACK"];
      emit(e, flags, s.nxt, sliceBytes(s.buffer, from, from + len), out);
      s.nxt += len;
      s.timing ??= { rel: s.nxt, at: now };
    } else if (s.finQueued && s.finRel === null && !e.resetPending) {
      s.finRel = s.nxt;
      emit(e, ["FIN", "ACK"], s.nxt, NO_BYTES, out);
      s.nxt += 1;
      s.timing ??= { rel: s.nxt, at: now };
    } else break;
    sent = true;
  }
  if (e.rtoAt === null) armRto(e, now);
  if (ackNow && !sent) emit(e, ["ACK"], s.nxt, NO_BYTES, out);
}

/** Sends again what starts at relative `rel`: the SYN, a data segment or the FIN. */
function retransmit(c: ConnectionState, e: EndState, rel: number, cause: "rto" | "fast" | "partial", out: ModelOutput[]): void {
  const s = e.snd;
  s.timing = null; // Karn's rule: an ACK for resent data says nothing about the RTT.
  if (rel === 0) {
    emit(e, e.side === "client" ? ["SYN"] : ["SYN", "ACK"], 0, NO_BYTES, out, cause);
  } else if (s.finRel !== null && rel === s.finRel) {
    emit(e, ["FIN", "ACK"], rel, NO_BYTES, out, cause);
  } else {
    const from = rel - 1;
    const sentEnd = Math.min(s.nxt, s.finRel ?? Infinity) - 1;
    const len = Math.min(c.mss, sentEnd - from);
    if (len <= 0) return;
    const flags: TcpFlag[] = from + len === s.buffer.end ? ["PSH", "ACK"] : ["ACK"];
    emit(e, flags, rel, sliceBytes(s.buffer, from, from + len), out, cause);
  }
}

function emit(
  e: EndState,
  flags: TcpFlag[],
  rel: number,
  payload: Uint8Array,
  out: ModelOutput[],
  cause?: "rto" | "fast" | "partial",
): void {
  const window = advertisedWindow(e.rcv);
  const carriesAck = flags.includes("ACK");
  const ack = carriesAck && e.irs !== null ? seqAdd(e.irs, e.rcv.nxt) : seq(0);
  const pure = flags.length === 1 && carriesAck && payload.length === 0;
  const dupAck = pure && e.lastAck !== null && e.lastAck.ack === ack && e.lastAck.window === window;
  if (carriesAck) {
    e.lastAck = { ack, window };
    e.delackAt = null;
    e.rcv.unacked = 0;
  }
  const segment: WireSegment = {
    from: e.side,
    to: e.side === "client" ? "server" : "client",
    flags,
    seq: seqAdd(e.iss, rel),
    ack,
    len: payload.length,
    window,
    payload,
    retransmission: cause !== undefined,
    dupAck,
  };
  if (cause) segment.cause = cause;
  out.push({ type: "send", segment });
}
