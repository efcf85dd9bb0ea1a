// Loopback capture with tcpdump and decoding with tshark: finds two free ports, records
// `tcp port P or tcp port P+1` on `lo` around a run, and turns tshark's JSON into packets.
// Knows nothing of traces; comparing is compare.ts's job.

import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { buildCaptureModel, type CaptureModel, type CapturedPacket, type DecodedUnit } from "./capture-model.js";

/** Why the check cannot run here, or undefined when tcpdump, tshark and root are all there. */
export function missingTools(): string | undefined {
  const missing = ["tcpdump", "tshark"].filter((tool) => spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0);
  if (missing.length) return `${missing.join(" and ")} not installed (apt-get install -y tshark tcpdump)`;
  if (process.getuid?.() !== 0) return "not root: capturing on lo needs root";
  return undefined;
}

function portFree(port: number, ip = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, ip, () => server.close(() => resolve(true)));
  });
}

/** A port P with P and P+1 both free on 127.0.0.1 (the lab listens on both). */
export function freePortPair(): Promise<number> {
  return freePortRange(2);
}

/**
 * A port P with P … P+count-1 all free: on 127.0.0.1 and, for a lab of several server nodes,
 * on the nodes' addresses 127.0.1.k, where they listen on P+k.
 */
export async function freePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        const address = server.address();
        const p = typeof address === "object" && address ? address.port : 0;
        server.close(() => resolve(p));
      });
    });
    if (port <= 0 || port + count - 1 > 65535) continue;
    let free = true;
    for (let k = 1; k < count && free; k++) free = (await portFree(port + k)) && (count === 2 || (await portFree(port + k, `127.0.1.${k}`)));
    if (free) return port;
  }
  throw new Error(`no ${count} free ports P … P+${count - 1} on loopback`);
}

export interface RunningCapture {
  /** Stops tcpdump with SIGINT (it flushes and closes the file), waits for it to exit, and returns its statistics. */
  stop(): Promise<CaptureStats>;
}

/** tcpdump's closing lines: on lo each packet passes the filter twice (out and in), so received is about 2× captured. */
export interface CaptureStats {
  captured?: number;
  received?: number;
  dropped?: number;
  text: string;
}

function parseStats(stderr: string): CaptureStats {
  const count = (what: string): number | undefined => {
    const m = new RegExp(`(\\d+) packets? ${what}`).exec(stderr);
    return m ? Number(m[1]) : undefined;
  };
  const stats: CaptureStats = { text: stderr.trim() };
  const captured = count("captured");
  const received = count("received by filter");
  const dropped = count("dropped by kernel");
  if (captured !== undefined) stats.captured = captured;
  if (received !== undefined) stats.received = received;
  if (dropped !== undefined) stats.dropped = dropped;
  return stats;
}

/**
 * Starts tcpdump on lo for the given ports and resolves once it says "listening on".
 * `--immediate-mode`: packets are handed over one by one, not in blocks the kernel retires
 * after a timeout (without it, a stop right after a run loses the last second); `-U`:
 * each packet is written to the file at once. In immediate mode the kernel's ring has one
 * slot of snapshot length per packet: with the default 2 MB and 256 KiB slots it held 8, and
 * the burst of FINs at a lab's end overflowed it ("dropped by kernel"). So: slots of lo's
 * largest frame (MTU 65536 + 14 bytes of Ethernet header) and a 64 MiB ring (-B, in KiB).
 */
export function startCapture(file: string, ports: number[], iface = "lo"): Promise<RunningCapture> {
  const filter = ports.map((p) => `tcp port ${p}`).join(" or ");
  const child = spawn("tcpdump", ["-i", iface, "-U", "--immediate-mode", "-s", "65550", "-B", "65536", "-w", file, filter], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  // tcpdump outlives a process that dies without stopping it (a lab that throws): not so.
  const orphaned = (): void => void child.kill("SIGINT");
  process.once("exit", orphaned);
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      process.off("exit", orphaned);
      resolve(code);
    }),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`tcpdump did not start listening within 10 s: ${stderr.trim()}`));
    }, 10_000);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`tcpdump exited (${code}) before listening: ${stderr.trim()}`));
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes("listening on")) {
        clearTimeout(timer);
        resolve({
          async stop() {
            if (child.exitCode === null) child.kill("SIGINT");
            await exited;
            return parseStats(stderr);
          },
        });
      }
    });
  });
}

/** Runs tshark on a capture file, port P and P+1 decoded as HTTP (and WebSocket after an upgrade). */
export function readCapture(file: string, ports: number[]): CaptureModel {
  const args = ["-r", file, ...ports.flatMap((p) => ["-d", `tcp.port==${p},http`]), "-T", "json", "-x", "--no-duplicate-keys", "-J", "ip tcp http websocket"];
  const result = spawnSync("tshark", args, { maxBuffer: 1 << 30, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`tshark failed (${result.status}): ${result.stderr}`);
  const json = result.stdout.trim() === "" ? [] : (JSON.parse(result.stdout) as unknown[]);
  return buildCaptureModel(parseTsharkJson(json));
}

// ── tshark's JSON ─────────────────────────────────────────────────────────────
// `-T json -x --no-duplicate-keys`: one object per frame, `_source.layers` by protocol; a
// protocol that occurs twice in a frame (two frames of WebSocket in one segment) becomes an
// array; `<field>_raw` holds a field's bytes as hex (first element of an array).

type Json = Record<string, unknown>;

const asArray = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The first value of a field anywhere under `node` (tshark nests fields in subtrees). */
function field(node: unknown, name: string): unknown {
  if (!node || typeof node !== "object") return undefined;
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = field(item, name);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  const obj = node as Json;
  if (name in obj) return obj[name];
  for (const value of Object.values(obj)) {
    if (value && typeof value === "object") {
      const found = field(value, name);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

const text = (node: unknown, name: string): string | undefined => {
  const v = field(node, name);
  return typeof v === "string" ? v : Array.isArray(v) && typeof v[0] === "string" ? v[0] : undefined;
};
const num = (node: unknown, name: string): number | undefined => {
  const v = text(node, name);
  return v === undefined ? undefined : Number(v);
};
/** A `_raw` field's bytes: `["hex", pos, len, mask, type]`. */
const raw = (node: unknown, name: string): Buffer | undefined => {
  const v = field(node, `${name}_raw`);
  const hex = Array.isArray(v) ? (typeof v[0] === "string" ? v[0] : Array.isArray(v[0]) && typeof v[0][0] === "string" ? v[0][0] : undefined) : undefined;
  return hex === undefined ? undefined : Buffer.from(hex, "hex");
};

export function parseTsharkJson(frames: unknown[]): CapturedPacket[] {
  const packets: CapturedPacket[] = [];
  for (const f of frames) {
    const layers = ((f as Json)._source as Json | undefined)?.layers as Json | undefined;
    if (!layers) continue;
    const ip = layers.ip;
    const tcp = layers.tcp;
    if (!ip || !tcp) continue;
    const flagBits = parseInt(text(tcp, "tcp.flags") ?? "0", 16);
    const payload = raw(tcp, "tcp.payload") ?? Buffer.alloc(0);
    const units: DecodedUnit[] = [];
    for (const http of asArray(layers.http)) units.push(httpUnit(http));
    for (const ws of asArray(layers.websocket)) units.push(wsUnit(ws));
    packets.push({
      frame: Number(text(layers.frame ?? f, "frame.number") ?? packets.length + 1),
      stream: num(tcp, "tcp.stream") ?? -1,
      src: { ip: text(ip, "ip.src") ?? "", port: num(tcp, "tcp.srcport") ?? 0 },
      dst: { ip: text(ip, "ip.dst") ?? "", port: num(tcp, "tcp.dstport") ?? 0 },
      flags: { fin: (flagBits & 0x01) !== 0, syn: (flagBits & 0x02) !== 0, rst: (flagBits & 0x04) !== 0, ack: (flagBits & 0x10) !== 0 },
      seq: num(tcp, "tcp.seq") ?? 0,
      payload,
      units,
    });
  }
  return packets;
}

function httpUnit(http: unknown): DecodedUnit {
  const body = raw(http, "http.file_data") ?? Buffer.alloc(0);
  const contentLength = num(http, "http.content_length");
  const chunked = /chunked/i.test(text(http, "http.transfer_encoding") ?? "");
  const length = contentLength === undefined ? {} : { contentLength };
  const method = text(http, "http.request.method");
  if (method !== undefined) return { kind: "http-request", method, uri: text(http, "http.request.uri") ?? "", chunked, body, ...length };
  return { kind: "http-response", status: num(http, "http.response.code") ?? 0, chunked, body, ...length };
}

/**
 * The message tshark inflated from a permessage-deflate frame: it puts it in a data source of
 * its own, under `websocket.payload` (`websocket.payload.text` for text; for other payloads
 * the first field with raw bytes there).
 */
function inflatedPayload(ws: unknown): Buffer | undefined {
  const node = field(ws, "websocket.payload");
  if (!node || typeof node !== "object" || Array.isArray(node)) return undefined;
  const text = raw(node, "websocket.payload.text");
  if (text) return text;
  for (const key of Object.keys(node)) if (key.endsWith("_raw")) return raw(node, key.slice(0, -4));
  return undefined;
}

function wsUnit(ws: unknown): DecodedUnit {
  const short = num(ws, "websocket.payload_length") ?? 0;
  const payloadLength = short === 126 ? (num(ws, "websocket.payload_length_ext_16") ?? 0) : short === 127 ? (num(ws, "websocket.payload_length_ext_64") ?? 0) : short;
  const inflated = text(ws, "websocket.pmc") === "1" ? inflatedPayload(ws) : undefined;
  return {
    kind: "ws-frame",
    opcode: num(ws, "websocket.opcode") ?? -1,
    fin: text(ws, "websocket.fin") === "1",
    masked: text(ws, "websocket.mask") === "1",
    rsv: parseInt(text(ws, "websocket.rsv") ?? "0", 16),
    payloadLength,
    // The unmasked payload (tshark unmasks into its own data source).
    payload: raw(ws, "websocket.payload") ?? Buffer.alloc(0),
    ...(inflated ? { inflated } : {}),
  };
}
