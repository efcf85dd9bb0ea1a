// The hot path of the TCP capture: what one socket did, as small records, and nothing else. The
// probe reads no state of the capture and makes no event: it hands each record (with the time
// it happened) to the capture's `apply`, which parses, links and records. Everything the
// capture needs of the live socket travels in the records: its addresses once connected, each
// write's settling (or its error), its byte counters when it closes.

import type { Socket } from "node:net";
import type { Endpoint } from "../../../../shared/trace/types.js";
import { tapSocket } from "./net-socket-tap.js";

export type TcpRecord =
  /**
   * The lab tapped a socket (reported by the lab's side, first of its connection's records):
   * what the capture needs to follow it, all data. `external`: the lab host its peer is, when
   * the lab named it before (class mode's students).
   */
  | { kind: "tapped"; t: number; host: string; role: "client" | "server"; target?: Endpoint; resp?: true; unitsOnly?: true; toApi?: true; forwards?: true; external?: string }
  | { kind: "connect"; t: number; local: Endpoint; remote: Endpoint }
  | { kind: "read"; t: number; bytes: Buffer }
  /** A write issued; `write` numbers it for its `settled` record. */
  | { kind: "write"; t: number; write: number; bytes: Buffer }
  /** Node settled a write: its bytes left, or never did (`error`: the code or message). With `first`: every write from `first` to `write` left. */
  | { kind: "settled"; t: number; write: number; first?: number; error?: string }
  /** This end begins to close: `end` sends a FIN once writes drain, `destroy` closes now, `reset` sends RST. */
  | { kind: "closing"; t: number; how: "end" | "destroy" | "reset" }
  /** The other end's FIN reached this end. */
  | { kind: "end"; t: number }
  | { kind: "error"; t: number; code?: string; message: string; address?: string; port?: number }
  /** The descriptor closed: Node's own byte counts, and this end's address if it had one (a refused attempt). */
  | { kind: "close"; t: number; hadError: boolean; bytesRead: number; bytesWritten: number; local?: Endpoint }
  /** A capture hook threw: the tap removed itself and the traffic goes on untraced. */
  | { kind: "failed"; t: number; message: string }
  /** The lab stopped reading this socket (a client that hangs), or reads it again; reported by the lab's side, not the probe. */
  | { kind: "paused"; t: number; paused: boolean }
  /** A proxy paired this connection with another (`with`, its id): what it writes now forwards what it reads there. Reported by the lab's side. */
  | { kind: "paired"; t: number; with: string };

/**
 * Where a probe's records go: `record` takes any; the ones a socket makes most (its bytes, their
 * settling) have a call of their own, which hands them over without making them where the
 * captures run in a worker (see RecordQueue.tcpBytes).
 */
export interface TcpReport {
  record(record: TcpRecord): void;
  /** Bytes read (`write` 0; the report copies them if it keeps them: the reader may change them in place) or written (`write`: its number). */
  bytes(write: number, t: number, bytes: Buffer): void;
  settled(t: number, write: number, first?: number, error?: string): void;
}

export interface ProbeOptions {
  /** A socket an http.Server accepted (already connected; read by C++ unless told otherwise). */
  serverSide?: boolean;
  /** The lab's clock. */
  now(): number;
}

const endpoint = (ip: string | undefined, port: number | undefined): Endpoint => ({ ip: ip ?? "", port: port ?? 0 });

/** Probes one socket; `report` gets its records in the order they happened. Returns a function that removes the probe. */
export function probeSocket(socket: Socket, report: TcpReport, options: ProbeOptions): () => void {
  const { now } = options;
  const apply = (record: TcpRecord): void => report.record(record);
  let connected = false;
  let writes = 0;
  const connect = (): void => {
    if (connected) return;
    connected = true;
    apply({ kind: "connect", t: now(), local: endpoint(socket.localAddress, socket.localPort), remote: endpoint(socket.remoteAddress, socket.remotePort) });
  };
  const untap = tapSocket<number>(
    socket,
    {
      read: (bytes) => {
        // Bytes can only come over a connection: say so first if its 'connect' has not run yet.
        connect();
        // The reader may change the bytes in place once it has them (ws unmasks a client's frames so): the report copies them.
        report.bytes(0, now(), bytes);
      },
      wrote: (bytes) => {
        const write = ++writes;
        report.bytes(write, now(), bytes);
        return write;
      },
      settled: (write, err) => (err ? report.settled(now(), write, undefined, (err as NodeJS.ErrnoException).code ?? err.message) : report.settled(now(), write)),
      settledAll: (first, write) => report.settled(now(), write, first),
      closing: (how) => apply({ kind: "closing", t: now(), how }),
      failed: (err) => apply({ kind: "failed", t: now(), message: (err as Error)?.message ?? String(err) }),
    },
    { serverSide: options.serverSide === true },
  );
  if (options.serverSide) connect();
  else socket.once("connect", connect);
  socket.once("end", () => apply({ kind: "end", t: now() }));
  socket.on("error", (err: NodeJS.ErrnoException & { address?: string; port?: number }) => {
    const record: TcpRecord = { kind: "error", t: now(), message: err.message };
    if (err.code) record.code = err.code;
    if (typeof err.address === "string" && typeof err.port === "number") {
      record.address = err.address;
      record.port = err.port;
    }
    apply(record);
  });
  socket.once("close", (hadError: boolean) => {
    const record: TcpRecord = { kind: "close", t: now(), hadError, bytesRead: socket.bytesRead, bytesWritten: socket.bytesWritten };
    if (socket.localAddress) record.local = endpoint(socket.localAddress, socket.localPort);
    apply(record);
  });
  return untap;
}
