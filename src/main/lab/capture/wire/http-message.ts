// Reads one HTTP/1.1 message from the front of a direction's queue, across as many feeds
// as it takes: head up to CRLFCRLF, then the body by Content-Length, chunked coding, or
// (responses only) until the connection closes. RFC 9112 §6.
import { Buffer } from "node:buffer";
import type { ByteQueue } from "./byte-queue";
import { parseHeaderLines, parseRequestLine, parseStatusLine, startLinePrefixOk } from "./http-head";
import { MAX_HEAD_BYTES, MAX_PAYLOAD_BYTES } from "./types";

export type HttpSide = "request" | "response";

export interface HttpMessage {
  side: HttpSide;
  startLine: string;
  headers: Record<string, string>;
  method?: string;
  target?: string;
  status?: number;
  headerLength: number;
  length: number;
  /** The body with the transfer coding removed (content coding, such as gzip, still on). */
  body: Buffer;
}

export type HttpStep =
  | { state: "more" }
  | { state: "error"; error: string }
  | { state: "done"; message: HttpMessage };

type Framing =
  | { kind: "none" }
  | { kind: "length"; length: number }
  | { kind: "chunked" }
  | { kind: "close" };

type Head = Omit<HttpMessage, "length" | "body">;

const MAX_CHUNK_LINE = 1024;

export class HttpMessageReader {
  private scanFrom = 0;
  private startLine: string | undefined;
  private head: Head | undefined;
  private framing: Framing | undefined;
  // chunked coding progress: position of the next chunk-size line, and the data so far
  private chunkPos = 0;
  private chunks: Buffer[] = [];
  private chunkTotal = 0;

  /** `requestMethod` is the method of the request a response answers (HEAD has no body). */
  constructor(
    private readonly side: HttpSide,
    private readonly requestMethod?: string,
  ) {}

  read(q: ByteQueue): HttpStep {
    if (!this.head) {
      const step = this.readHead(q);
      if (step) return step;
    }
    const head = this.head;
    const framing = this.framing;
    if (!head || !framing) return { state: "more" };
    switch (framing.kind) {
      case "none":
        return this.done(head, head.headerLength, Buffer.alloc(0));
      case "length": {
        const end = head.headerLength + framing.length;
        if (q.length < end) return { state: "more" };
        return this.done(head, end, Buffer.from(q.view(head.headerLength, end)));
      }
      case "chunked":
        return this.readChunked(q, head);
      case "close":
        return { state: "more" };
    }
  }

  /** The connection closed: a close-delimited response ends here; anything else is cut short. */
  finish(q: ByteQueue): HttpStep {
    if (this.head && this.framing?.kind === "close") {
      return this.done(this.head, q.length, Buffer.from(q.view(this.head.headerLength)));
    }
    return { state: "error", error: "incomplete" };
  }

  private done(head: Head, length: number, body: Buffer): HttpStep {
    return { state: "done", message: { ...head, length, body } };
  }

  private readHead(q: ByteQueue): HttpStep | undefined {
    // the start line is checked as soon as it ends (or fails as a prefix), not at CRLFCRLF
    if (this.startLine === undefined) {
      const lineEnd = q.indexOf("\r\n", 0);
      const line = q.view(0, lineEnd < 0 ? Math.min(q.length, MAX_HEAD_BYTES) : lineEnd).toString("latin1");
      const ok = lineEnd < 0 ? startLinePrefixOk(line, this.side) : this.side === "request" ? parseRequestLine(line).ok : parseStatusLine(line).ok;
      if (!ok) return { state: "error", error: `bad HTTP ${this.side} line` };
      if (lineEnd >= 0) this.startLine = line;
    }
    const firstLine = this.startLine;
    const end = q.indexOf("\r\n\r\n", this.scanFrom);
    if (end < 0 || firstLine === undefined) {
      if (q.length > MAX_HEAD_BYTES) return { state: "error", error: `HTTP head over ${MAX_HEAD_BYTES} bytes` };
      this.scanFrom = Math.max(0, q.length - 3);
      return { state: "more" };
    }
    const headerLength = end + 4;
    if (headerLength > MAX_HEAD_BYTES) return { state: "error", error: `HTTP head over ${MAX_HEAD_BYTES} bytes` };
    const lines = q.view(0, end).toString("latin1").split("\r\n");
    const headers = parseHeaderLines(lines.slice(1));
    if (!headers.ok) return { state: "error", error: headers.error };
    const head: Head = { side: this.side, startLine: firstLine, headers: headers.value, headerLength };
    if (this.side === "request") {
      const line = parseRequestLine(firstLine);
      if (!line.ok) return { state: "error", error: line.error };
      head.method = line.value.method;
      head.target = line.value.target;
    } else {
      const line = parseStatusLine(firstLine);
      if (!line.ok) return { state: "error", error: line.error };
      head.status = line.value.status;
    }
    const framing = this.framingOf(head);
    if ("error" in framing) return { state: "error", error: framing.error };
    this.head = head;
    this.framing = framing;
    this.chunkPos = headerLength;
    return undefined;
  }

  private framingOf(head: Head): Framing | { error: string } {
    const status = head.status ?? 0;
    if (this.side === "response" && ((status >= 100 && status < 200) || status === 204 || status === 304)) {
      return { kind: "none" };
    }
    if (this.side === "response" && this.requestMethod === "HEAD") return { kind: "none" };
    const te = head.headers["transfer-encoding"];
    if (te !== undefined) {
      const codings = te.toLowerCase().split(",").map((s) => s.trim());
      if (codings[codings.length - 1] === "chunked") return { kind: "chunked" };
      return this.side === "response" ? { kind: "close" } : { error: "request transfer-encoding without chunked" };
    }
    const cl = head.headers["content-length"];
    if (cl !== undefined) {
      const values = new Set(cl.split(",").map((s) => s.trim()));
      const [only] = values;
      if (values.size !== 1 || only === undefined || !/^[0-9]+$/.test(only)) return { error: "bad content-length" };
      const length = Number(only);
      if (length > MAX_PAYLOAD_BYTES) return { error: `HTTP body of ${length} bytes over the ${MAX_PAYLOAD_BYTES} byte limit` };
      return { kind: "length", length };
    }
    return this.side === "response" ? { kind: "close" } : { kind: "none" };
  }

  /** Chunked transfer coding: `size[;ext] CRLF data CRLF` … `0 CRLF [trailers] CRLF`. */
  private readChunked(q: ByteQueue, head: Head): HttpStep {
    for (;;) {
      const lineEnd = q.indexOf("\r\n", this.chunkPos);
      if (lineEnd < 0) {
        return q.length - this.chunkPos > MAX_CHUNK_LINE ? { state: "error", error: "bad chunk size line" } : { state: "more" };
      }
      const sizeText = q.view(this.chunkPos, lineEnd).toString("latin1").split(";")[0]?.trim() ?? "";
      if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) return { state: "error", error: "bad chunk size line" };
      const size = parseInt(sizeText, 16);
      if (this.chunkTotal + size > MAX_PAYLOAD_BYTES) {
        return { state: "error", error: `HTTP body over the ${MAX_PAYLOAD_BYTES} byte limit` };
      }
      const dataStart = lineEnd + 2;
      if (size === 0) {
        // trailer section: none (CRLF at once), or header lines ending in CRLFCRLF
        if (q.length < dataStart + 2) return { state: "more" };
        let end: number;
        if (q.byteAt(dataStart) === 0x0d && q.byteAt(dataStart + 1) === 0x0a) end = dataStart + 2;
        else {
          const t = q.indexOf("\r\n\r\n", dataStart);
          if (t < 0) return q.length - dataStart > MAX_HEAD_BYTES ? { state: "error", error: "trailers too long" } : { state: "more" };
          end = t + 4;
        }
        return this.done(head, end, Buffer.concat(this.chunks));
      }
      if (q.length < dataStart + size + 2) return { state: "more" };
      if (q.byteAt(dataStart + size) !== 0x0d || q.byteAt(dataStart + size + 1) !== 0x0a) {
        return { state: "error", error: "chunk data not followed by CRLF" };
      }
      this.chunks.push(Buffer.from(q.view(dataStart, dataStart + size)));
      this.chunkTotal += size;
      this.chunkPos = dataStart + size + 2;
    }
  }
}
