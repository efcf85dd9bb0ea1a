// The discrete-event loop that runs the connection state machines on the model clock. Each real
// application action happens at its real time plus its host's shift; a host's shift grows when
// the model delivers, later than in reality, bytes the host had read (so no effect precedes its cause).

import type { NetworkSettings } from "../network-settings.js";
import { createConnection, step, type ConnectionState, type ModelInput, type ModelOutput, type WireSegment } from "./connection.js";
import { checkModelBudget, MAX_MODEL_SEGMENTS, ModelBudgetError } from "./budget.js";
import { EventQueue } from "./event-queue.js";
import { createNetwork, type Network } from "./network.js";
import { createPrng, deriveSeed } from "./prng.js";
import { seq, seqDiff, type Seq } from "./seq.js";
import { other, type ConnectionInput, type ConnectionOutput, type Side, type StreamChunk } from "./types.js";
import { assertNever } from "../trace/types.js";

/** Jobs (actions, arrivals, timers) per segment of the budget: enough for RTO back-off. */
const EVENTS_PER_SEGMENT = 20;

/**
 * Model times are kept to the nanosecond, so that "real time plus shift" computed here and in
 * retiming lands on the same number despite floating-point rounding.
 */
export function roundTime(t: number): number {
  return Math.round(t * 1e6) / 1e6;
}

interface Run {
  input: ConnectionInput;
  state: ConnectionState;
  network: Network;
  out: ConnectionOutput;
  /** Chunks by writer, in offset order, and when their last byte reached the peer's application. */
  chunks: Record<Side, { chunk: StreamChunk; end: number; doneAt: number | null }[]>;
  donePtr: Record<Side, number>;
  established: Record<Side, number | null>;
  ended: Record<Side, number | null>;
  timers: Record<Side, { rto: number | null; delack: number | null }>;
  /** The segment each of `out.segments` carries, as the sender made it (what arrives). */
  wire: (WireSegment | undefined)[];
}

type HostItem =
  | { kind: "open"; run: Run; t: number; started: boolean }
  | { kind: "accept"; run: Run; t: number }
  | { kind: "read"; run: Run; t: number; ref: { doneAt: number | null } }
  | { kind: "write"; run: Run; t: number; chunk: StreamChunk }
  | { kind: "close"; run: Run; t: number; side: Side; reset: boolean }
  | { kind: "peer-close"; run: Run; t: number; side: Side };

const RANK: Record<HostItem["kind"], number> = { open: 0, accept: 0, read: 1, write: 2, "peer-close": 3, close: 4 };

interface Host {
  id: string;
  items: HostItem[];
  p: number;
  /** Model time minus real time for this host's next action; it only grows. */
  shift: number;
}

type Job =
  | { kind: "action"; run: Run; input: ModelInput }
  | { kind: "arrive"; run: Run; index: number }
  | { kind: "timer"; run: Run; side: Side; timer: "rto" | "delack"; deadline: number };

/** Models one connection on its own. */
export function modelConnection(input: ConnectionInput, settings: NetworkSettings): ConnectionOutput {
  return simulate([input], settings)[0]!;
}

/**
 * Models several connections together, so hosts that take part in more than one share one clock
 * shift. Same inputs and settings give the same output.
 */
export function simulate(inputs: readonly ConnectionInput[], settings: NetworkSettings): ConnectionOutput[] {
  if (!(settings.loss >= 0 && settings.loss < 1)) throw new Error(`loss must be in [0, 1), got ${settings.loss}`);
  checkModelBudget(inputs, settings);
  const queue = new EventQueue<Job>();
  const runs = inputs.map((input) => createRun(input, settings));
  const hosts = new Map<string, Host>();
  const hostOf = (id: string): Host => {
    let h = hosts.get(id);
    if (!h) hosts.set(id, (h = { id, items: [], p: 0, shift: 0 }));
    return h;
  };
  for (const run of runs) {
    const { input } = run;
    const client = hostOf(input.clientHost);
    const server = hostOf(input.serverHost);
    client.items.push({ kind: "open", run, t: input.openAt, started: false });
    server.items.push({ kind: "accept", run, t: input.acceptedAt });
    for (const side of ["client", "server"] as const) {
      for (const ref of run.chunks[side]) {
        const writer = side === "client" ? client : server;
        const reader = side === "client" ? server : client;
        writer.items.push({ kind: "write", run, t: ref.chunk.writtenAt, chunk: ref.chunk });
        reader.items.push({ kind: "read", run, t: ref.chunk.readAt, ref });
      }
    }
    if (input.close) {
      const { by, at, peerAt, reset } = input.close;
      const hostBy = by === "client" ? client : server;
      const hostPeer = by === "client" ? server : client;
      hostBy.items.push({ kind: "close", run, t: at, side: by, reset });
      hostPeer.items.push({ kind: "peer-close", run, t: peerAt, side: other(by) });
    }
  }
  for (const h of hosts.values()) h.items.sort((a, b) => a.t - b.t || RANK[a.kind] - RANK[b.kind]);

  let now = -Infinity;
  const schedule = (at: number, job: Job): void => queue.push(Math.max(roundTime(at), now), job);

  const resolvedAt = (item: HostItem): number | null => {
    switch (item.kind) {
      case "open":
        return item.run.established.client;
      case "accept":
        return item.run.established.server;
      case "read":
        return item.ref.doneAt;
      case "peer-close":
        return item.run.ended[item.side];
      case "write":
      case "close":
        return now;
      default:
        return assertNever(item, "host item");
    }
  };

  const advance = (h: Host): void => {
    while (h.p < h.items.length) {
      const item = h.items[h.p]!;
      const at = item.t + h.shift;
      if (item.kind === "write") {
        schedule(at, { kind: "action", run: item.run, input: { type: "write", from: item.chunk.from, offset: item.chunk.offset, bytes: item.chunk.bytes } });
      } else if (item.kind === "close") {
        schedule(at, { kind: "action", run: item.run, input: { type: "close", side: item.side, reset: item.reset } });
      } else {
        if (item.kind === "open" && !item.started) {
          item.started = true;
          schedule(at, { kind: "action", run: item.run, input: { type: "connect" } });
        }
        const done = resolvedAt(item);
        if (done === null) return;
        h.shift = Math.max(h.shift, done - item.t);
        if (item.kind === "peer-close") {
          schedule(item.t + h.shift, { kind: "action", run: item.run, input: { type: "close", side: item.side, reset: false } });
        }
      }
      h.p++;
    }
  };

  /** When nothing is left to happen but a host still waits (inconsistent input), let it go on. */
  const unblockOne = (): boolean => {
    let stuck: Host | undefined;
    for (const h of hosts.values()) {
      if (h.p < h.items.length && (!stuck || h.items[h.p]!.t < stuck.items[stuck.p]!.t)) stuck = h;
    }
    if (!stuck) return false;
    const item = stuck.items[stuck.p]!;
    item.run.out.warnings.push(`${stuck.id}: ${item.kind} at ${item.t} ms never completed in the model; went on without it`);
    stuck.shift = Math.max(stuck.shift, (Number.isFinite(now) ? now : item.t) - item.t);
    stuck.p++;
    advance(stuck);
    return true;
  };

  for (const h of hosts.values()) advance(h);
  let count = 0;
  let sent = 0;
  for (;;) {
    const next = queue.pop();
    if (!next) {
      if (unblockOne()) continue;
      break;
    }
    if (++count > EVENTS_PER_SEGMENT * MAX_MODEL_SEGMENTS) throw new ModelBudgetError(undefined, MAX_MODEL_SEGMENTS);
    now = next.at;
    const job = next.item;
    const run = job.run;
    let input: ModelInput;
    switch (job.kind) {
      case "action":
        input = job.input;
        if (input.type === "write") run.out.writes.push({ from: input.from, t: now, offset: input.offset, length: input.bytes.length });
        break;
      case "arrive":
        // Each copy arrives at most once: the sender's object is not needed after this.
        input = { type: "arrive", index: job.index, segment: run.wire[job.index]! };
        run.wire[job.index] = undefined;
        break;
      case "timer": {
        // Only the deadline still armed fires; earlier schedules of a re-armed timer are stale.
        const e = run.state.ends[job.side];
        if ((job.timer === "rto" ? e.rtoAt : e.delackAt) !== job.deadline) continue;
        input = { type: "timeout", side: job.side, timer: job.timer };
        break;
      }
      default:
        assertNever(job, "job");
    }
    const { output } = step(run.state, input, now);
    const before = run.out.segments.length;
    apply(run, output, now, schedule);
    sent += run.out.segments.length - before;
    if (sent > MAX_MODEL_SEGMENTS) throw new ModelBudgetError(undefined, MAX_MODEL_SEGMENTS);
    for (const side of ["client", "server"] as const) {
      const e = run.state.ends[side];
      const t = run.timers[side];
      if (e.rtoAt !== null && e.rtoAt !== t.rto) schedule(e.rtoAt, { kind: "timer", run, side, timer: "rto", deadline: e.rtoAt });
      if (e.delackAt !== null && e.delackAt !== t.delack) schedule(e.delackAt, { kind: "timer", run, side, timer: "delack", deadline: e.delackAt });
      t.rto = e.rtoAt;
      t.delack = e.delackAt;
    }
    advance(hostOf(run.input.clientHost));
    advance(hostOf(run.input.serverHost));
  }
  return runs.map((r) => r.out);
}

function createRun(input: ConnectionInput, settings: NetworkSettings): Run {
  const isn = (side: Side): Seq =>
    settings.isn !== undefined ? seq(settings.isn) : seq(Math.floor(createPrng(deriveSeed(settings.seed, `${input.conn}/isn/${side}`)).next() * 2 ** 32));
  const isns = { client: isn("client"), server: isn("server") };
  const chunks: Run["chunks"] = { client: [], server: [] };
  const ends = { client: 0, server: 0 };
  for (const chunk of input.chunks) {
    if (chunk.offset !== ends[chunk.from]) {
      throw new Error(`${input.conn}: ${chunk.from} chunk at offset ${chunk.offset}, expected ${ends[chunk.from]}`);
    }
    ends[chunk.from] += chunk.bytes.length;
    if (chunk.bytes.length > 0) chunks[chunk.from].push({ chunk, end: ends[chunk.from], doneAt: null });
  }
  return {
    input,
    state: createConnection({ mss: settings.mss, window: settings.window ?? 65535, delayedAck: settings.delayedAck ?? 40, isn: isns }),
    network: createNetwork(settings, deriveSeed(settings.seed, input.conn), [input.conn, ...Object.values(input.traceConns)]),
    out: {
      conn: input.conn,
      traceConns: input.traceConns,
      client: input.client,
      server: input.server,
      isn: isns,
      segments: [],
      deliveries: [],
      writes: [],
      milestones: [],
      warnings: [],
    },
    chunks,
    donePtr: { client: 0, server: 0 },
    established: { client: null, server: null },
    ended: { client: null, server: null },
    timers: { client: { rto: null, delack: null }, server: { rto: null, delack: null } },
    wire: [],
  };
}

function apply(run: Run, output: ModelOutput[], now: number, schedule: (at: number, job: Job) => void): void {
  const out = run.out;
  for (const o of output) {
    switch (o.type) {
      case "send": {
        // Each copy (a duplicate is a second one) takes the next position in `out.segments`.
        let position = out.segments.length;
        const seg = o.segment;
        // Stream offset of the payload: byte k of a direction has relative sequence number k + 1.
        const offset = seqDiff(seg.seq, run.out.isn[seg.from]) - 1;
        const shape = { from: seg.from, flags: seg.flags, offset, len: seg.len, retransmission: seg.retransmission };
        const copies = run.network.send(shape, now, () => position++);
        for (const c of copies) {
          out.segments.push({ ...o.segment, index: c.index, sent: now, arrived: c.arrived, lost: c.arrived === null, duplicate: c.duplicate, outOfOrder: false });
          run.wire.push(o.segment);
          if (c.arrived !== null) schedule(c.arrived, { kind: "arrive", run, index: c.index });
        }
        break;
      }
      case "deliver": {
        out.deliveries.push({ to: o.to, t: now, offset: o.offset, length: o.bytes.length, bytes: o.bytes });
        const from = other(o.to);
        const end = o.offset + o.bytes.length;
        const list = run.chunks[from];
        while (run.donePtr[from] < list.length && list[run.donePtr[from]]!.end <= end) {
          list[run.donePtr[from]++]!.doneAt = now;
        }
        break;
      }
      case "out-of-order": {
        const seg = out.segments[o.index];
        if (seg) seg.outOfOrder = true;
        break;
      }
      case "milestone":
        out.milestones.push({ side: o.side, kind: o.kind, t: now });
        if (o.kind === "established") run.established[o.side] = now;
        if (o.kind === "peer-closed" || o.kind === "reset") run.ended[o.side] ??= now;
        break;
      case "warning":
        out.warnings.push(o.message);
        break;
      default:
        assertNever(o, "model output");
    }
  }
}
