// The hand-over between the probes and the captures. On Socket.IO's thread a probe only queues
// its record (with the capture function that applies it); the captures apply the queue once
// per turn of the event loop, in order, each record's events stamped with the time the record
// happened. Whatever else records or reads the trace first lets the queue catch up (the
// recorder asks, see `Recorder.setBacklog`), so ids and times keep the order things happened in.
//
// With the captures in a worker thread (capture/worker/, the default), the queue is also the
// seam: each record is written in binary as it is queued (`sendTo`), the bytes go to the worker
// every few milliseconds (`SEND_EVERY_MS`), and the worker's queue keeps them (`receive`) and
// applies them as here once the lab pauses (`APPLY_WHEN_QUIET_MS`), or at least once a second.
// The lab's side counts the records it wrote in memory both threads share (`sendTo`'s
// `written`), so that a lab too busy to send on time is not taken for one that paused.

import type { Recorder } from "../../trace/recorder.js";
import { sanitize } from "./sanitize.js";
import { NotEncodable, RecordReader, RecordWriter } from "./worker/record-codec.js";

/** A record as the queue needs it: the time it happened (lab clock), where the probe knows it. */
interface Timed {
  t?: number;
}

type Apply = (record: never, to: string | undefined) => void;
/** An apply a record made here is queued for (the probes' records handed over unmade, see `tcpBytes`). */
type ApplyMade = (record: Timed, to: string | undefined) => void;

/**
 * With the captures in a worker: how long records written on Socket.IO's thread may wait
 * before their bytes go (ms), or how many bytes may wait. One message every few milliseconds,
 * not one a turn: posting wakes the worker, and a busy lab turns thousands of times a second.
 */
export const SEND_EVERY_MS = 4;
const SEND_BYTES = 256 * 1024;

/**
 * In the worker: the records are applied once no batch came for this long (ms) and the lab's
 * thread wrote no record it has not sent (it paused); all the while it is busy they wait, so
 * that the captures' work does not compete with Socket.IO's (on a machine of two cores it slows
 * Socket.IO by 15 to 25 %, even at the lowest priority; docs/performance.md). A lab that never
 * pauses still has its records applied at least every `APPLY_WITHIN_MS`, and every `APPLY_BYTES`.
 */
export const APPLY_WHEN_QUIET_MS = 10;
export const APPLY_WITHIN_MS = 1000;
const APPLY_BYTES = 8 * 1024 * 1024;

/**
 * Records on their way to another thread (see capture/worker/): each with the name its capture
 * applies it under, whom it is for, and when it happened, in binary (worker/record-codec.ts),
 * as bytes of their own to transfer.
 */
export interface RecordBatch {
  bytes: ArrayBuffer;
  count: number;
}

/** Records another thread sent could not be read: the capture cannot go on (the worker stops, and the lab says so). */
export class UnreadableRecords extends Error {}

export class RecordQueue {
  private applies: Apply[] = [];
  private records: Timed[] = [];
  /** Whom each record is for, within its capture (a TCP record's connection id), where that is not the capture itself. */
  private tos: (string | undefined)[] = [];
  /** When each record happened: its own `t`, or when it was queued. */
  private times: number[] = [];
  private at = 0;
  private draining = false;
  private scheduled: NodeJS.Immediate | undefined;
  private readonly turnEnd = new Set<() => void>();
  /** While a record is applied: its time, the time of every event it makes. */
  time: number | undefined;
  /** The name each capture's apply is known by on the other side of a thread (`register`). */
  private readonly names = new Map<Apply, string>();
  private readonly byName = new Map<string, Apply>();
  /** Where waiting records go instead of being applied here (the captures run in a worker). */
  private sink: ((batch: RecordBatch) => void) | undefined;
  /** With a sink: each record is written in binary as it is queued (a copy of it, nothing more). */
  private writer: RecordWriter | undefined;
  /** With a sink: sends the written records when they waited `SEND_EVERY_MS`. */
  private sendTimer: NodeJS.Timeout | undefined;
  /**
   * Shared with the other thread: [0] the records the lab's side wrote so far (modulo 2³²),
   * sent or waiting (see `sendTo`, `whenQuiet`); `recordsSent`: those of them sent.
   */
  private writtenCount: Int32Array | undefined;
  private recordsSent = 0;
  /** In the worker: the records the batches received so far held (modulo 2³²). */
  private recordsReceived = 0;
  /** In the worker: the next drain of a turn was begun by a pause, and stops between batches once the lab is busy again. */
  private untilBusy = false;
  /**
   * In the worker: the last drain stopped for a lab busy again. The batches left wait for its
   * next pause, as if they had not come yet: the recorder does not catch up with them (a fence,
   * a capture's timer or any other `drain()` still applies them all first).
   */
  private yielded = false;
  /** Reads the batches another thread sent. */
  private reader: RecordReader | undefined;
  /** Batches another thread sent, not read yet, their bytes, and when the first of them came. */
  private batches: RecordBatch[] = [];
  private batchBytes = 0;
  private firstBatchAt = 0;
  /** Applies the batches once the other thread was quiet for `APPLY_WHEN_QUIET_MS`. */
  private quietTimer: NodeJS.Timeout | undefined;
  /** Told the size in bytes of each batch once its records are applied (the worker's progress, for the lab's lag bound). */
  onApplied: ((bytes: number) => void) | undefined;
  /** The time of the last record applied: the lab's clock as far as this side knows it (see `drainTurn`). */
  private lastTime: number | undefined;

  constructor(private readonly recorder: Recorder) {
    recorder.setBacklog(this);
  }

  /**
   * A capture's apply, under the name it has in every thread: a record queued here with it is
   * applied by the same capture of a worker (`sendTo`, `receive`).
   */
  register<R>(name: string, apply: (record: R, to: string | undefined) => void): void {
    this.names.set(apply as Apply, name);
    this.byName.set(name, apply as Apply);
  }

  /**
   * From now on the waiting records are handed to `sink` as a batch, not applied on this
   * thread. `written`, shared with the thread that receives them, is kept at the number of
   * records written so far: there, records written and not sent yet mean this thread is busy.
   */
  sendTo(sink: (batch: RecordBatch) => void, written?: Int32Array): void {
    this.sink = sink;
    this.writer = new RecordWriter();
    this.writtenCount = written;
  }

  /** In the worker: `written` is the sending side's count of records written (see `sendTo`); applying waits while some were not received. */
  watchSender(written: Int32Array): void {
    this.writtenCount = written;
  }

  /**
   * Keeps a batch another thread sent, each record for the capture registered under its name.
   * It is read and applied (`drain`) once that thread is quiet, or has waited long enough, or
   * when something must see every record (a synchronous call's fence drains first).
   */
  receive(batch: RecordBatch): void {
    this.reader ??= new RecordReader();
    const now = performance.now();
    if (this.batches.length === 0) this.firstBatchAt = now;
    this.batches.push(batch);
    this.batchBytes += batch.bytes.byteLength;
    this.recordsReceived = (this.recordsReceived + batch.count) | 0;
    if (this.batchBytes >= APPLY_BYTES || now - this.firstBatchAt >= APPLY_WITHIN_MS) {
      this.scheduled ??= setImmediate(this.drainTurn);
      return;
    }
    if (this.quietTimer) this.quietTimer.refresh();
    else this.quietTimer = setTimeout(this.whenQuiet, APPLY_WHEN_QUIET_MS);
  }

  private readonly whenQuiet = (): void => {
    this.quietTimer = undefined;
    // No batch came, but the lab wrote records it has not sent: it is busy (a long turn held
    // back its sending), not paused. Applying now would compete with it; wait again.
    if (this.batches.length > 0 && this.senderBusy()) {
      this.quietTimer = setTimeout(this.whenQuiet, APPLY_WHEN_QUIET_MS);
      return;
    }
    this.untilBusy = true;
    this.scheduled ??= setImmediate(this.drainTurn);
  };

  /**
   * In the worker: the lab's side wrote records it has not sent (it is busy), and the batches
   * kept have not waited `APPLY_WITHIN_MS` yet nor grown to `APPLY_BYTES`.
   */
  private senderBusy(): boolean {
    if (this.writtenCount === undefined || Atomics.load(this.writtenCount, 0) === this.recordsReceived) return false;
    return this.batchBytes < APPLY_BYTES && performance.now() - this.firstBatchAt < APPLY_WITHIN_MS;
  }

  private readonly received = (name: string, to: string | undefined, time: number, record: unknown): void => {
    const apply = this.byName.get(name);
    if (!apply) throw new Error(`no capture applies records named ${name}`);
    this.applies.push(apply);
    this.records.push(record as Timed);
    this.tos.push(to);
    this.times.push(time);
  };

  /** Queues a record for the capture registered under `name` (lab code's events, the lab's requests to its captures). */
  pushNamed<R extends Timed>(name: string, record: R, to?: string): void {
    const apply = this.byName.get(name);
    if (!apply) throw new Error(`no capture applies records named ${name}`);
    this.push(apply as (record: R, to: string | undefined) => void, record, to);
  }

  /** Records wait that no one applied yet (and none is being applied now). */
  get waiting(): boolean {
    return !this.draining && (this.at < this.records.length || (this.writer?.count ?? 0) > 0 || (this.batches.length > 0 && !this.yielded));
  }

  /**
   * A probe's record, applied later by `apply` (at the end of this turn, or when the trace is
   * read). `apply` is one capture's (never one made per socket); `to` says whom in that capture
   * the record is for (a connection id), as data.
   */
  push<R extends Timed>(apply: (record: R, to: string | undefined) => void, record: R, to?: string): void {
    if (this.writer) {
      this.write(this.writer, apply as Apply, record, to);
      this.written(this.writer);
      return;
    }
    this.applies.push(apply as Apply);
    this.records.push(record);
    this.tos.push(to);
    this.times.push(record.t ?? this.recorder.now());
    this.scheduled ??= setImmediate(this.drainTurn);
  }

  // The records the probes make most, handed over without making them where the captures run
  // in a worker: written at once (record-codec.ts), the worker makes the same record. On this
  // thread the record is made, and what the application could still change is copied first.

  /** The TCP probe's bytes for connection `to`: read (`write` 0) or written (`write`: the write's number). */
  tcpBytes(apply: (record: never, to: string | undefined) => void, to: string, write: number, t: number, bytes: Buffer): void {
    if (this.writer) {
      this.writer.tcpBytes(to, write, t, bytes);
      this.written(this.writer);
    } else this.push(apply as ApplyMade, write === 0 ? { kind: "read", t, bytes: Buffer.from(bytes) } : { kind: "write", t, write, bytes }, to);
  }

  /** Node settled write `write` of connection `to` (and every one from `first`), or it failed (`error`). */
  tcpSettled(apply: (record: never, to: string | undefined) => void, to: string, t: number, write: number, first?: number, error?: string): void {
    if (this.writer) {
      this.writer.tcpSettled(to, t, write, first, error);
      this.written(this.writer);
      return;
    }
    const record: { kind: "settled"; t: number; write: number; first?: number; error?: string } = { kind: "settled", t, write };
    if (first !== undefined) record.first = first;
    if (error !== undefined) record.error = error;
    this.push(apply as ApplyMade, record, to);
  }

  /** An Engine.IO packet `host`'s session created (`dir` out) or received, its data as the engine had it. */
  enginePacket(apply: (record: never, to: string | undefined) => void, t: number, host: string, dir: "in" | "out", sid: string | undefined, transport: string | undefined, type: string, data: unknown): void {
    // Data the format cannot carry as it is goes as the record made here (see `write`).
    if (this.writer?.enginePacket(t, host, dir === "out", sid, transport, type, data)) return this.written(this.writer);
    this.push(apply as ApplyMade, { kind: "packet", t, host, dir, sid, transport, type, data: dir === "in" ? copyOfReceived(data) : data });
  }

  /** What `host`'s Socket.IO encoder made of a packet: its string, then its binary attachments. */
  socketioEncode(apply: (record: never, to: string | undefined) => void, t: number, host: string, side: "server" | "client", session: string | undefined, out: readonly unknown[]): void {
    // Data the format cannot carry as it is goes as the record made here (see `write`).
    if (this.writer?.socketioEncode(t, host, side, session, out)) return this.written(this.writer);
    this.push(apply as ApplyMade, { kind: "encode", t, host, side, session, out: out.length === 1 ? [out[0]] : out.map(copyOfReceived) });
  }

  /** What decoder `decoder` of `host` was fed. */
  socketioAdd(apply: (record: never, to: string | undefined) => void, t: number, host: string, decoder: number, input: unknown): void {
    // Data the format cannot carry as it is goes as the record made here (see `write`).
    if (this.writer?.socketioAdd(t, host, decoder, input)) return this.written(this.writer);
    this.push(apply as ApplyMade, { kind: "add", t, host, decoder, input: copyOfReceived(input) });
  }

  /** After a record was written for the worker: its bytes go once enough wait, or a few milliseconds later. */
  private written(writer: RecordWriter): void {
    if (this.writtenCount) this.writtenCount[0] = (this.recordsSent + writer.count) | 0;
    if (writer.size >= SEND_BYTES) this.drain();
    else if (!this.sendTimer) {
      this.sendTimer = setTimeout(this.sendWaiting, SEND_EVERY_MS);
      // Records waiting never keep the process alive: one that ends first sends them (see remote-captures.ts).
      this.sendTimer.unref();
    }
  }

  /**
   * Runs `fn` once after the queue was next applied to its end: work that must see every record
   * of a turn (the TCP capture's sweep of writes no unit claimed), in the order a turn ends.
   */
  afterTurn(fn: () => void): void {
    this.turnEnd.add(fn);
    // In a worker, work that looks again (a sweep waiting for a write to settle) looks once
    // more records came: records come in bursts there, and nothing else changes in between.
    if (this.reader && !this.draining && !this.appliedSinceTurnEnd) return;
    this.scheduled ??= setImmediate(this.drainTurn);
  }

  /** In a worker: records were applied since the turn-end work last ran. */
  private appliedSinceTurnEnd = false;

  /** Applies every waiting record, in order. A record a capture fails on is said in the trace; the rest go on. */
  drain(untilBusy = false): void {
    if (this.draining) return;
    if (this.sink) {
      this.send(this.sink);
      return;
    }
    // Batches another thread sent: each read and applied in turn (records a capture queues while
    // applying one come before the next batch's, as if each had come on its own), its size told
    // once its records are applied (the lab's side sees the worker progress through a long drain).
    this.yielded = false;
    for (;;) {
      const batch = this.batches.shift();
      if (batch) this.read(batch);
      this.applyWaiting();
      if (!batch) return;
      this.batchBytes -= batch.bytes.byteLength;
      this.onApplied?.(batch.bytes.byteLength);
      // The recorder failed (the only way records stay): the batches after wait for the next pass.
      if (this.records.length > 0 || this.batches.length === 0) return;
      // Applying in a pause of the lab's: the rest waits for the next pause once it is busy again.
      if (untilBusy && this.senderBusy()) {
        this.yielded = true;
        return;
      }
    }
  }

  /** Reads a batch into the queue; one that cannot be read leaves the two sides' tables apart, so nothing after it can be read either. */
  private read(batch: RecordBatch): void {
    try {
      this.reader!.read(batch.bytes, this.received);
    } catch (err) {
      this.batches = [];
      this.batchBytes = 0;
      throw new UnreadableRecords(`the capture worker could not read the records it was sent: ${errorText(err)}`);
    }
  }

  private applyWaiting(): void {
    this.draining = true;
    try {
      for (; this.at < this.records.length; this.at++) {
        const record = this.records[this.at]!;
        this.time = this.times[this.at];
        try {
          this.applies[this.at]!(record as never, this.tos[this.at]);
        } catch (err) {
          this.time = undefined;
          this.failed(record, err);
        }
      }
    } finally {
      // Only the recorder failing can end the loop early: the records after it wait for the next pass.
      if (this.at > 0) {
        this.lastTime = this.times[this.at - 1];
        this.appliedSinceTurnEnd = true;
        if (this.reader && this.turnEnd.size > 0) this.scheduled ??= setImmediate(this.drainTurn);
      }
      this.time = undefined;
      this.applies = this.applies.slice(this.at);
      this.records = this.records.slice(this.at);
      this.tos = this.tos.slice(this.at);
      this.times = this.times.slice(this.at);
      this.at = 0;
      this.draining = false;
    }
  }

  /**
   * Writes a record for the worker. One a worker cannot be sent as it is (a function in an
   * emit's arguments) goes as its plain copy (sanitize.ts); one still refused goes as a record
   * its capture will say it could not apply, so the records after it go on.
   */
  private write(writer: RecordWriter, apply: Apply, record: Timed, to: string | undefined): void {
    const name = this.names.get(apply);
    if (name === undefined) throw new Error("a record was queued for a capture no worker knows (not registered)");
    const time = record.t ?? this.recorder.now();
    try {
      writer.write(name, to, time, record);
    } catch (err) {
      if (!(err instanceof NotEncodable)) throw err;
      try {
        writer.write(name, to, time, sanitize(record));
      } catch {
        writer.write(name, to, time, { kind: "not-encodable", t: record.t });
      }
    }
  }

  /** Hands every waiting record to `sink`, in order, as one batch of bytes. */
  private send(sink: (batch: RecordBatch) => void): void {
    if (this.sendTimer) {
      clearTimeout(this.sendTimer);
      this.sendTimer = undefined;
    }
    const count = this.writer!.count;
    const bytes = this.writer!.take();
    if (!bytes) return;
    this.recordsSent = (this.recordsSent + count) | 0;
    sink({ bytes, count });
  }

  private readonly sendWaiting = (): void => {
    this.sendTimer = undefined;
    this.drain();
  };

  private readonly drainTurn = (): void => {
    this.scheduled = undefined;
    if (this.quietTimer) {
      clearTimeout(this.quietTimer);
      this.quietTimer = undefined;
    }
    const untilBusy = this.untilBusy;
    this.untilBusy = false;
    this.drain(untilBusy);
    if (this.batches.length > 0) {
      // Stopped for a lab busy again: the rest (and the turn's end, which must see it) waits for
      // its next pause; so does a turn's end the records applied asked for (a sweep).
      if (this.scheduled) {
        clearImmediate(this.scheduled);
        this.scheduled = undefined;
      }
      this.quietTimer = setTimeout(this.whenQuiet, APPLY_WHEN_QUIET_MS);
      return;
    }
    // With a sink, the captures and the recorder are elsewhere: nothing to end or to flush here.
    if (this.sink) return;
    if (this.turnEnd.size > 0 && (!this.reader || this.appliedSinceTurnEnd)) {
      this.appliedSinceTurnEnd = false;
      const fns = [...this.turnEnd];
      this.turnEnd.clear();
      // In a worker the turn's end is applied after the records, maybe long after: it happened
      // at the time of the last record, as far as the lab's clock goes (not the worker's now).
      if (this.reader) this.time = this.lastTime;
      try {
        for (const fn of fns) {
          try {
            fn();
          } catch (err) {
            this.failed({}, err);
          }
        }
      } finally {
        this.time = undefined;
      }
    }
    // A sweep that looks again next turn keeps the next turn scheduled; nothing else does.
    if (this.scheduled && this.records.length === 0 && this.turnEnd.size === 0) {
      clearImmediate(this.scheduled);
      this.scheduled = undefined;
    }
    this.recorder.flush();
  };

  private failed(record: Timed, err: unknown): void {
    const kind = (record as { kind?: unknown }).kind;
    this.recorder.record({
      layer: "lab",
      kind: "error",
      host: "server",
      code: "CAPTURE_FAILED",
      message: `capture could not ${typeof kind === "string" ? `apply a ${kind} record` : "end its turn"}: ${errorText(err)}`,
    });
  }
}

/**
 * A copy of binary data a probe reports as received: the application gets the same object and
 * may change it before the record is applied (a handler that fills a Buffer it was sent).
 * Text, and anything else, is returned as it is.
 */
export function copyOfReceived<T>(data: T): T {
  if (typeof data === "string") return data;
  if (Buffer.isBuffer(data)) return Buffer.from(data) as T;
  if (data instanceof ArrayBuffer) return data.slice(0) as T;
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)) as T;
  return data;
}

/** What was thrown, as text, whatever it is (a value without `toString` included). */
function errorText(err: unknown): string {
  try {
    const message = (err as { message?: unknown } | null | undefined)?.message;
    return typeof message === "string" ? message : String(err);
  } catch {
    return Object.prototype.toString.call(err);
  }
}
