// A small server-side WebSocket (RFC 6455) for web mode's one loopback channel: the
// handshake, text frames in (masked, fragmented or not) and out, ping/pong, close.
// Binary frames and oversize messages are refused with the matching close code.

import { isUtf8 } from "node:buffer";
import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

export interface WsHandlers {
  onText(text: string): void;
  onClose(): void;
}

export interface WsServerSocket {
  /** Sends one text message: a string, or its UTF-8 bytes. */
  send(text: string | Buffer): void;
  close(code?: number, reason?: string): void;
  /** Bytes queued in the socket and not yet taken by the kernel. */
  readonly buffered: number;
}

export function acceptKey(key: string): string {
  return createHash("sha1").update(key + GUID).digest("base64");
}

export function encodeFrame(opcode: number, payload: Buffer): Buffer {
  return Buffer.concat([frameHead(opcode, payload.length), payload]);
}

/** The header of an unmasked, final frame of `len` payload bytes. */
export function frameHead(opcode: number, len: number): Buffer {
  const head = len < 126 ? Buffer.alloc(2) : len < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  head[0] = 0x80 | opcode;
  if (len < 126) head[1] = len;
  else if (len < 65536) {
    head[1] = 126;
    head.writeUInt16BE(len, 2);
  } else {
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(len), 2);
  }
  return head;
}

/** Completes the upgrade (the caller checked the request) and returns the socket. */
export function upgradeToWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, handlers: WsHandlers, maxMessage: number): WsServerSocket {
  const key = String(req.headers["sec-websocket-key"] ?? "");
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`);
  let buf: Buffer = head.length > 0 ? Buffer.from(head) : Buffer.alloc(0);
  let fragments: Buffer[] = [];
  let fragmentBytes = 0;
  let closed = false;

  const close = (code = 1000, reason = ""): void => {
    if (closed) return;
    closed = true;
    const body = Buffer.alloc(2 + Buffer.byteLength(reason));
    body.writeUInt16BE(code, 0);
    body.write(reason, 2);
    socket.end(encodeFrame(0x8, body));
    handlers.onClose();
  };

  const onData = (chunk: Buffer): void => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    while (!closed && buf.length >= 2) {
      const b0 = buf[0] as number;
      const b1 = buf[1] as number;
      const fin = (b0 & 0x80) !== 0;
      const opcode = b0 & 0x0f;
      const masked = (b1 & 0x80) !== 0;
      let len = b1 & 0x7f;
      let at = 2;
      if (len === 126) {
        if (buf.length < 4) return;
        len = buf.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (buf.length < 10) return;
        const big = buf.readBigUInt64BE(2);
        if (big > BigInt(maxMessage)) return close(1009, "message too big");
        len = Number(big);
        at = 10;
      }
      if ((b0 & 0x70) !== 0) return close(1002, "no extensions were negotiated");
      if (!masked) return close(1002, "client frames must be masked");
      // control frames are never fragmented and carry at most 125 bytes (RFC 6455 §5.5)
      if (opcode >= 0x8 && (!fin || len > 125)) return close(1002, "control frame fragmented or over 125 bytes");
      if (len > maxMessage || fragmentBytes + len > maxMessage) return close(1009, "message too big");
      if (buf.length < at + 4 + len) return;
      const mask = buf.subarray(at, at + 4);
      const payload = Buffer.from(buf.subarray(at + 4, at + 4 + len));
      for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] as number) ^ (mask[i % 4] as number);
      buf = buf.subarray(at + 4 + len);
      switch (opcode) {
        case 0x0:
        case 0x1:
          if (opcode === 0x1 && fragments.length > 0) return close(1002, "new message inside a fragmented one");
          if (opcode === 0x0 && fragments.length === 0) return close(1002, "continuation without a message");
          fragments.push(payload);
          fragmentBytes += payload.length;
          if (fin) {
            const bytes = Buffer.concat(fragments);
            // a text message must be valid UTF-8 (RFC 6455 §8.1): otherwise close with 1007
            if (!isUtf8(bytes)) return close(1007, "invalid UTF-8");
            const text = bytes.toString("utf8");
            fragments = [];
            fragmentBytes = 0;
            handlers.onText(text);
          }
          break;
        case 0x2:
          return close(1003, "text messages only");
        case 0x8:
          return close(1000);
        case 0x9:
          socket.write(encodeFrame(0xa, payload));
          break;
        case 0xa:
          break;
        default:
          return close(1002, "unknown opcode");
      }
    }
  };

  socket.on("data", onData);
  socket.on("error", () => undefined);
  socket.on("close", () => {
    if (!closed) {
      closed = true;
      handlers.onClose();
    }
  });
  if (buf.length > 0) {
    const first = buf;
    buf = Buffer.alloc(0);
    queueMicrotask(() => onData(first));
  }

  return {
    send(text) {
      if (closed) return;
      // Header and payload as two writes in one syscall: the (often megabytes of) payload
      // is never copied into a frame buffer.
      socket.cork();
      socket.write(frameHead(0x1, typeof text === "string" ? Buffer.byteLength(text, "utf8") : text.length));
      socket.write(text);
      process.nextTick(() => socket.uncork());
    },
    close,
    get buffered() {
      return (socket as Duplex & { writableLength: number }).writableLength ?? 0;
    },
  };
}
