// Pairing the two traced ends of each connection when a long session reuses a 4-tuple: each end
// goes with the mirrored end that opened nearest in time, and a named `peer` always wins.

import { describe, expect, it } from "vitest";
import { extractConnections } from "../../../src/shared/tcp/extract.js";
import type { Endpoint, TraceEvent } from "../../../src/shared/trace/types.js";

const CLIENT: Endpoint = { ip: "127.0.0.2", port: 50000 };
const SERVER: Endpoint = { ip: "127.0.0.1", port: 3000 };
const b64 = (text: string): string => Buffer.from(text).toString("base64");

/** One connection's events at `t0`: open at both ends, "hi"/"ok", close at both ends. */
function connection(n: number, t0: number, options: { named?: boolean; serverFirst?: boolean } = {}): TraceEvent[] {
  const c = `client/tcp${n}`;
  const s = `server/tcp${n}`;
  const clientOpen = { id: 0, t: t0 + 1, host: "client", layer: "tcp", kind: "open", conn: c, role: "client", local: CLIENT, remote: SERVER, ...(options.named ? { peer: s } : {}) };
  const serverOpen = { id: 0, t: t0 + (options.serverFirst ? 0 : 2), host: "server", layer: "tcp", kind: "open", conn: s, role: "server", local: SERVER, remote: CLIENT };
  const close = (host: string, conn: string, t: number) => ({ id: 0, t, host, layer: "tcp", kind: "close", conn, reason: "end", bytesIn: 2, bytesOut: 2, bytesRead: 2, bytesWritten: 2, checked: true });
  const opens = options.serverFirst ? [serverOpen, clientOpen] : [clientOpen, serverOpen];
  return [
    ...opens,
    { id: 0, t: t0 + 3, host: "client", layer: "tcp", kind: "data", conn: c, dir: "out", offset: 0, length: 2, bytes: b64(`h${n}`) },
    { id: 0, t: t0 + 4, host: "server", layer: "tcp", kind: "data", conn: s, dir: "in", offset: 0, length: 2, bytes: b64(`h${n}`) },
    { id: 0, t: t0 + 5, host: "server", layer: "tcp", kind: "data", conn: s, dir: "out", offset: 0, length: 2, bytes: b64(`o${n}`) },
    { id: 0, t: t0 + 6, host: "client", layer: "tcp", kind: "data", conn: c, dir: "in", offset: 0, length: 2, bytes: b64(`o${n}`) },
    close("client", c, t0 + 7),
    close("server", s, t0 + 8),
  ] as TraceEvent[];
}

const numbered = (events: TraceEvent[]): TraceEvent[] => events.map((e, i) => ({ ...e, id: i + 1 }));

describe("extractConnections with a reused 4-tuple", () => {
  it.each([
    ["no peer named, client opens first", {}],
    ["no peer named, server end recorded first", { serverFirst: true }],
    ["peer named on the client end", { named: true }],
  ])("%s: each connection's ends pair with each other", (_name, options) => {
    const trace = numbered([...connection(1, 0, options), ...connection(2, 1000, options), ...connection(3, 2000, options)]);
    const inputs = extractConnections(trace);
    expect(inputs.map((i) => i.traceConns)).toEqual([1, 2, 3].map((n) => ({ client: `client/tcp${n}`, server: `server/tcp${n}` })));
    const text = (i: number, from: "client" | "server") =>
      Buffer.from(inputs[i]!.chunks.filter((c) => c.from === from).flatMap((c) => [...c.bytes])).toString();
    expect([0, 1, 2].map((i) => [text(i, "client"), text(i, "server")])).toEqual([["h1", "o1"], ["h2", "o2"], ["h3", "o3"]]);
    expect(inputs.map((i) => i.openAt)).toEqual([1, 1001, 2001]);
  });

  it("a named peer is not taken by an unnamed end with the same tuple", () => {
    // The second connection's server end comes first and could match the first client end by
    // tuple; the first client names its own server end.
    const first = connection(1, 0, { named: true });
    const second = connection(2, 3, { serverFirst: true });
    const inputs = extractConnections(numbered([...first.slice(0, 2), ...second.slice(0, 2), ...first.slice(2), ...second.slice(2)]));
    expect(inputs.map((i) => i.traceConns)).toEqual([
      { client: "client/tcp1", server: "server/tcp1" },
      { client: "client/tcp2", server: "server/tcp2" },
    ]);
  });
});
