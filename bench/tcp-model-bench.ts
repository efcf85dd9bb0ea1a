// How fast the TCP model runs: a large synthetic connection (5 MB each way, MSS 1460, loss 0.05),
// modelled five times; the median rate in segments per second.

import { DEFAULT_NETWORK } from "../src/shared/network-settings.js";
import { modelConnection } from "../src/shared/tcp/model.js";
import type { ConnectionInput, StreamChunk } from "../src/shared/tcp/types.js";

const SIZE = 5 * 1024 * 1024;
const WRITE = 64 * 1024;

function largeConnection(): ConnectionInput {
  const chunks: StreamChunk[] = [];
  for (const from of ["client", "server"] as const) {
    for (let offset = 0, i = 0; offset < SIZE; offset += WRITE, i++) {
      const bytes = new Uint8Array(Math.min(WRITE, SIZE - offset)).fill(i & 0xff);
      const t = 1 + i * 0.01 + (from === "server" ? 0.005 : 0);
      chunks.push({ from, offset, bytes, writtenAt: t, readAt: t });
    }
  }
  return {
    conn: "bench/tcp1",
    traceConns: {},
    client: { ip: "127.0.0.2", port: 40000 },
    server: { ip: "127.0.0.1", port: 3000 },
    clientHost: "client",
    serverHost: "server",
    openAt: 0,
    acceptedAt: 0,
    chunks,
    close: { by: "client", at: 100, peerAt: 100, reset: false },
  };
}

export async function benchTcpModel(): Promise<{ segmentsPerSecond: number; segments: number; medianMs: number }> {
  const input = largeConnection();
  const settings = { ...DEFAULT_NETWORK, mss: 1460, loss: 0.05, seed: 1 };
  const rates: number[] = [];
  let segments = 0;
  const times: number[] = [];
  for (let round = 0; round < 5; round++) {
    const start = performance.now();
    const out = modelConnection(input, settings);
    const ms = performance.now() - start;
    segments = out.segments.length;
    times.push(ms);
    rates.push(segments / (ms / 1000));
  }
  rates.sort((a, b) => a - b);
  times.sort((a, b) => a - b);
  return { segmentsPerSecond: Math.round(rates[2]!), segments, medianMs: Math.round(times[2]!) };
}
