// Sans-I/O parser for one TCP connection: fed each direction's bytes as captured, it returns
// the HTTP messages and WebSocket frames they complete and the Engine.IO packets inside.
// It does no I/O and reads no clock; every byte fed ends up in exactly one unit.
import { ByteQueue } from "./byte-queue";
import { decodeContent } from "./content-coding";
import { decodeEnginePayload, openPacketSid } from "./engine-payload";
import { parseEngineTarget, type EngineTarget } from "./engine-url";
import { HttpMessageReader, type HttpMessage, type HttpSide } from "./http-message";
import { bytesPreview, packetsPreview, printable } from "./preview";
import type { ParsedEnginePacket, StreamDir, WireParser, WireUnitKind, WireUnitParsed } from "./types";
import { readFrame, type WsFrameHeader } from "./ws-frame";
import { WsMessageAssembler } from "./ws-message";

interface PendingRequest {
  method: string;
  target: EngineTarget;
  upgrade: boolean;
}

/**
 * http: parsing HTTP messages. held: an upgrade request was sent, and its bytes wait until
 * the answer says whether they are frames or HTTP. ws: frames. failed: the bytes broke the
 * protocol; whatever follows is reported as unparsed.
 */
type Mode = "http" | "held" | "ws" | "failed";

interface Direction {
  dir: StreamDir;
  side: HttpSide;
  queue: ByteQueue;
  mode: Mode;
  reader: HttpMessageReader | undefined;
  frames: WsMessageAssembler;
  lastKind: WireUnitKind;
}

export function createWireParser(role: "client" | "server"): WireParser {
  const requestDir: StreamDir = role === "client" ? "out" : "in";
  const makeDirection = (dir: StreamDir): Direction => {
    const side: HttpSide = dir === requestDir ? "request" : "response";
    return {
      dir,
      side,
      queue: new ByteQueue(),
      mode: "http",
      reader: undefined,
      frames: new WsMessageAssembler(),
      lastKind: side === "request" ? "http-request" : "http-response",
    };
  };
  const dirs: Record<StreamDir, Direction> = { out: makeDirection("out"), in: makeDirection("in") };
  const requests = dirs[requestDir];
  const responses = dirs[requestDir === "out" ? "in" : "out"];
  const pending: PendingRequest[] = [];
  let sid: string | undefined;
  let wsEngine = false;

  /** Cuts the next `length` queued bytes of `d` into a unit. */
  function cut(d: Direction, kind: WireUnitKind, length: number, headerLength: number, fields: Partial<WireUnitParsed>): WireUnitParsed {
    const offset = d.queue.consume(length);
    d.lastKind = kind;
    const unit: WireUnitParsed = { kind, dir: d.dir, offset, length, headerLength, preview: "", packets: [] };
    // optional fields that are unknown are left out, not set to undefined (assigned in place:
    // this runs for every unit, and a filtered copy of `fields` was the parser's main allocation)
    const out = unit as unknown as Record<string, unknown>;
    for (const key in fields) {
      const value = fields[key as keyof WireUnitParsed];
      if (value !== undefined) out[key] = value;
    }
    return unit;
  }

  function fail(d: Direction, kind: WireUnitKind, error: string, header?: WsFrameHeader): WireUnitParsed {
    const length = d.queue.length;
    const preview = kind === "ws-frame" ? bytesPreview(d.queue.view()) : printable(d.queue.view().toString("latin1"));
    d.mode = "failed";
    d.reader = undefined;
    const frameFields = header
      ? { opcode: header.opcode, fin: header.fin, masked: header.masked, rsv1: header.rsv1, payloadLength: header.payloadLength }
      : {};
    return cut(d, kind, length, Math.min(header?.headerLength ?? 0, length), { ...frameFields, preview, error });
  }

  function learnSid(packets: readonly ParsedEnginePacket[]): string | undefined {
    for (const p of packets) {
      const opened = openPacketSid(p);
      if (opened !== undefined) return (sid = opened);
    }
    return undefined;
  }

  /** Engine.IO packets in an HTTP body; a content-coding or packet error does not stop parsing. */
  function bodyPackets(m: HttpMessage): { packets: ParsedEnginePacket[]; text: string; error?: string } {
    const decoded = decodeContent(m.body, m.headers["content-encoding"]);
    if (!decoded.ok) return { packets: [], text: "", error: decoded.error };
    const text = decoded.body.toString("utf8");
    return { text, ...decodeEnginePayload(text) };
  }

  function httpPreview(m: HttpMessage, packets: ParsedEnginePacket[], text: string | undefined): string {
    if (packets.length > 0) return packetsPreview(packets);
    const body = text ?? m.body.toString("utf8");
    return printable(body !== "" ? body : m.startLine);
  }

  function stepRequest(d: Direction): WireUnitParsed | undefined {
    d.reader ??= new HttpMessageReader("request");
    const r = d.reader.read(d.queue);
    if (r.state === "more") return undefined;
    if (r.state === "error") return fail(d, "http-request", r.error);
    d.reader = undefined;
    const m = r.message;
    const method = m.method ?? "";
    const path = m.target ?? "";
    const target = parseEngineTarget(path);
    const upgrade = hasToken(m.headers["upgrade"], "websocket");
    if (target.sid !== undefined) sid = target.sid;
    pending.push({ method, target, upgrade });
    if (upgrade) d.mode = "held";
    const body = target.engine && method === "POST" ? bodyPackets(m) : undefined;
    const packets = body?.packets ?? [];
    return cut(d, "http-request", m.length, m.headerLength, {
      method,
      path,
      headers: m.headers,
      upgrade: upgrade ? true : undefined,
      sid: target.sid,
      transport: target.transport,
      packets,
      preview: httpPreview(m, packets, body?.text),
      error: body?.error,
    });
  }

  function stepResponse(d: Direction): WireUnitParsed | undefined {
    const request = pending[0];
    // a response is read against its request; without one, wait (unless requests can no longer come)
    if (!request && requests.mode !== "failed") return undefined;
    d.reader ??= new HttpMessageReader("response", request?.method);
    const r = d.reader.read(d.queue);
    if (r.state === "more") return undefined;
    if (r.state === "error") return fail(d, "http-response", r.error);
    d.reader = undefined;
    const m = r.message;
    const status = m.status ?? 0;
    // 1xx answers other than 101 are interim: the final response follows for the same request
    if (status >= 200 || status === 101) pending.shift();
    const target = request?.target ?? { engine: false };
    if (status === 101 && (request?.upgrade || hasToken(m.headers["upgrade"], "websocket"))) {
      requests.mode = responses.mode = "ws";
      wsEngine = target.engine;
      return cut(d, "ws-upgrade", m.length, m.headerLength, {
        status,
        headers: m.headers,
        sid: target.sid,
        transport: target.engine ? "websocket" : undefined,
        preview: printable(m.startLine),
      });
    }
    if (request?.upgrade && requests.mode === "held") requests.mode = "http";
    const body = target.engine && request?.method === "GET" && status === 200 ? bodyPackets(m) : undefined;
    const packets = body?.packets ?? [];
    const opened = learnSid(packets);
    return cut(d, "http-response", m.length, m.headerLength, {
      status,
      headers: m.headers,
      sid: target.sid ?? opened,
      transport: target.transport,
      packets,
      preview: httpPreview(m, packets, body?.text),
      error: body?.error,
    });
  }

  function stepFrame(d: Direction): WireUnitParsed | undefined {
    const r = readFrame(d.queue);
    if (r.state === "more") return undefined;
    if (r.state === "error") return fail(d, "ws-frame", r.error, r.header);
    const f = r.frame;
    const meaning = wsEngine ? d.frames.frame(f) : { packets: [], preview: bytesPreview(f.payload) };
    learnSid(meaning.packets);
    return cut(d, "ws-frame", f.headerLength + f.payloadLength, f.headerLength, {
      opcode: f.opcode,
      fin: f.fin,
      masked: f.masked,
      rsv1: f.rsv1,
      payloadLength: f.payloadLength,
      sid: wsEngine ? sid : undefined,
      transport: wsEngine ? "websocket" : undefined,
      packets: meaning.packets,
      preview: meaning.preview,
      error: "error" in meaning ? meaning.error : undefined,
    });
  }

  function step(d: Direction): WireUnitParsed | undefined {
    if (d.queue.length === 0) return undefined;
    switch (d.mode) {
      case "held":
        return undefined;
      case "failed":
        return cut(d, d.lastKind, d.queue.length, 0, { preview: bytesPreview(d.queue.view(), "unparsed"), error: "unparsed" });
      case "ws":
        return stepFrame(d);
      case "http":
        return d.side === "request" ? stepRequest(d) : stepResponse(d);
    }
  }

  /** Parses until neither direction can go on; the fed direction first. */
  function pump(first: Direction): WireUnitParsed[] {
    const out: WireUnitParsed[] = [];
    const order = first === requests ? [requests, responses] : [responses, requests];
    for (let progressed = true; progressed; ) {
      progressed = false;
      for (const d of order) {
        for (let u = step(d); u; u = step(d)) {
          out.push(u);
          progressed = true;
        }
      }
    }
    return out;
  }

  function finish(d: Direction): WireUnitParsed | undefined {
    if (d.queue.length === 0) return undefined;
    if (d.mode === "http" && d.reader) {
      const r = d.reader.finish(d.queue);
      if (r.state === "done") {
        d.reader = undefined;
        const m = r.message;
        return cut(d, "http-response", m.length, m.headerLength, {
          status: m.status,
          headers: m.headers,
          preview: httpPreview(m, [], undefined),
        });
      }
    }
    const kind = d.mode === "ws" ? "ws-frame" : d.side === "request" ? "http-request" : "http-response";
    return fail(d, d.mode === "failed" ? d.lastKind : kind, d.mode === "failed" ? "unparsed" : "incomplete");
  }

  return {
    feed(dir, chunk) {
      const d = dirs[dir];
      d.queue.push(chunk);
      return pump(d);
    },
    end() {
      const out = pump(requests);
      for (const d of [requests, responses]) {
        const u = finish(d);
        if (u) out.push(u);
      }
      return out;
    },
    get sid() {
      return sid;
    },
  };
}

/** Does a comma-separated header value list `token` (case-insensitive)? */
function hasToken(value: string | undefined, token: string): boolean {
  return (value ?? "").toLowerCase().split(",").some((v) => v.trim() === token);
}
