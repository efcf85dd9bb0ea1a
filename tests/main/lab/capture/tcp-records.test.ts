// The TCP capture's only input is its probe's records: fed records alone, with no socket
// anywhere, it makes the same events a live connection makes (open and peer, data with the
// peer's bytes as parents, wire units, never-sent bytes, the close and its self-check). This is
// what lets the capture run away from the thread that owns the sockets.
import { describe, expect, it } from "vitest";
import { Correlator } from "../../../../src/main/lab/capture/correlator.js";
import { ConnectionCapture } from "../../../../src/main/lab/capture/tcp/connection-capture.js";
import type { TcpRecord } from "../../../../src/main/lab/capture/tcp/socket-probe.js";
import { createRecorder } from "../../../../src/main/trace/recorder.js";
import type { TraceEvent, TraceHeader } from "../../../../src/shared/trace/types.js";

const header: TraceHeader = { format: "socketscope-trace", version: 1, createdAt: "2026-12-04T10:00:00.000Z", app: { name: "SocketScope", version: "0.1.0" } };
const client = { ip: "127.0.0.2", port: 40000 };
const server = { ip: "127.0.0.1", port: 3000 };
const request = Buffer.from("GET /status HTTP/1.1\r\nHost: 127.0.0.1:3000\r\n\r\n");
const response = Buffer.from("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nNot found");

function capture() {
  const recorder = createRecorder({ header });
  const conns = new ConnectionCapture(new Correlator(recorder));
  const events = (): TraceEvent[] => {
    recorder.flush();
    return recorder.recent();
  };
  return { conns, events };
}

describe("the TCP capture fed records alone", () => {
  it("makes both ends of an HTTP exchange: open with its peer, data linked to the peer's bytes, wire units, FIN both ways, and the self-check", () => {
    const { conns, events } = capture();
    const c = conns.follow("client-1", "client", {}, server);
    const s = conns.follow("server", "server");
    let t = 0;
    const at = <R extends Omit<TcpRecord, "t">>(r: R) => ({ ...r, t: ++t }) as unknown as TcpRecord;

    s(at({ kind: "connect", local: server, remote: client }));
    c(at({ kind: "connect", local: client, remote: server }));
    c(at({ kind: "write", write: 1, bytes: request }));
    c(at({ kind: "settled", write: 1 }));
    s(at({ kind: "read", bytes: request }));
    s(at({ kind: "write", write: 1, bytes: response }));
    s(at({ kind: "settled", write: 1 }));
    c(at({ kind: "read", bytes: response }));
    c(at({ kind: "closing", how: "end" }));
    s(at({ kind: "end" }));
    s(at({ kind: "closing", how: "end" }));
    c(at({ kind: "end" }));
    c(at({ kind: "close", hadError: false, bytesRead: response.length, bytesWritten: request.length }));
    s(at({ kind: "close", hadError: false, bytesRead: request.length, bytesWritten: response.length }));

    const all = events();
    const tcp = all.filter((e) => e.layer === "tcp");
    const opens = tcp.filter((e) => e.kind === "open");
    expect(opens.map((e) => e.host)).toEqual(["server", "client-1"]);
    expect(opens[1]).toMatchObject({ local: client, remote: server, role: "client", peer: opens[0]!.conn });

    const sent = tcp.find((e) => e.kind === "data" && e.host === "client-1" && e.dir === "out")!;
    const read = tcp.find((e) => e.kind === "data" && e.host === "server" && e.dir === "in")!;
    expect(sent).toMatchObject({ offset: 0, length: request.length, bytes: request.toString("base64") });
    expect(read.parents).toEqual([sent.id]);

    const wire = all.filter((e) => e.layer === "wire");
    expect(wire.map((e) => `${e.host} ${e.dir} ${e.kind}`)).toEqual(["client-1 out http-request", "server in http-request", "server out http-response", "client-1 in http-response"]);
    expect(wire[0]).toMatchObject({ method: "GET", path: "/status" });
    expect(wire[2]).toMatchObject({ status: 404 });
    // A unit sent is recorded before the bytes that carry it, and they name it.
    expect(tcp.find((e) => e.kind === "data" && e.host === "server" && e.dir === "out")!.parents).toEqual([wire[2]!.id]);

    const closes = tcp.filter((e) => e.kind === "close");
    expect(closes).toHaveLength(2);
    for (const close of closes) expect(close).toMatchObject({ ended: "fin", checked: true });
    expect(closes.find((e) => e.host === "client-1")).toMatchObject({ closedBy: "local", bytesIn: response.length, bytesOut: request.length });
    expect(closes.find((e) => e.host === "server")).toMatchObject({ closedBy: "remote" });
    expect(all.filter((e) => e.layer === "lab" && e.kind === "error")).toEqual([]);
    expect(conns.connections()).toEqual([]);
  });

  it("records bytes a write never carried as unsent, a refused attempt as refused, and a count that disagrees with Node's as a failed self-check", () => {
    const { conns, events } = capture();
    const c = conns.follow("client-1", "client", {}, server);
    let t = 0;
    const at = <R extends Omit<TcpRecord, "t">>(r: R) => ({ ...r, t: ++t }) as unknown as TcpRecord;
    c(at({ kind: "connect", local: client, remote: server }));
    c(at({ kind: "write", write: 1, bytes: request }));
    c(at({ kind: "settled", write: 1, error: "EPIPE" }));
    c(at({ kind: "error", code: "EPIPE", message: "write EPIPE" }));
    c(at({ kind: "close", hadError: true, bytesRead: 0, bytesWritten: request.length + 1 }));

    const refused = conns.follow("client-2", "client", {}, server);
    refused(at({ kind: "error", code: "ECONNREFUSED", message: "connect ECONNREFUSED", address: server.ip, port: server.port }));
    refused(at({ kind: "close", hadError: true, bytesRead: 0, bytesWritten: 0, local: { ip: "127.0.0.3", port: 40001 } }));

    const all = events();
    expect(all.find((e) => e.layer === "tcp" && e.kind === "unsent")).toMatchObject({ host: "client-1", length: request.length, reason: "EPIPE" });
    expect(all.find((e) => e.layer === "wire" && e.kind === "http-request")).toMatchObject({ unsent: true });
    expect(all.find((e) => e.layer === "tcp" && e.kind === "close")).toMatchObject({ ended: "reset", unsent: request.length, checked: false });
    expect(all.find((e) => e.layer === "lab" && e.kind === "error" && e.code === "SELF_CHECK")).toMatchObject({ message: expect.stringMatching(/Node counted 0 read \/ \d+ written/) });
    expect(all.find((e) => e.layer === "tcp" && e.kind === "refused")).toMatchObject({ host: "client-2", remote: server, local: { ip: "127.0.0.3", port: 40001 }, code: "ECONNREFUSED" });
  });
});
