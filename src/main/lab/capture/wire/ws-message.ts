// Turns one direction's WebSocket frames into Engine.IO packets: text frame = one packet,
// binary frame = one binary `message`, fragments joined at FIN, permessage-deflate
// (RSV1) inflated with the previous messages as the LZ77 window (RFC 7692 §7.2.2).
import { Buffer } from "node:buffer";
import { constants, inflateRawSync } from "node:zlib";
import { inflatedTooLarge, isOverLimit } from "./content-coding";
import { binaryMessage, decodeEnginePacket } from "./engine-payload";
import { bytesPreview, packetsPreview, printable } from "./preview";
import { MAX_INFLATED_BYTES, MAX_PAYLOAD_BYTES, type ParsedEnginePacket } from "./types";
import { OPCODE, type WsFrame } from "./ws-frame";

export interface FrameMeaning {
  packets: ParsedEnginePacket[];
  preview: string;
  error?: string;
}

const WINDOW_BYTES = 32 * 1024;
const DEFLATE_TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);

export class WsMessageAssembler {
  private fragments: Buffer[] | undefined;
  private fragmentBytes = 0;
  private firstOpcode = 0;
  private compressed = false;
  /** The last 32 KiB this direction's deflater compressed: its window for the next message. */
  private window = Buffer.alloc(0);

  frame(f: WsFrame): FrameMeaning {
    switch (f.opcode) {
      case OPCODE.close:
        return { packets: [], preview: closePreview(f.payload) };
      case OPCODE.ping:
      case OPCODE.pong: {
        const name = f.opcode === OPCODE.ping ? "ping" : "pong";
        return { packets: [], preview: printable(`${name} ${f.payload.toString("utf8")}`.trimEnd()) };
      }
      case OPCODE.continuation:
        if (!this.fragments) return { packets: [], preview: bytesPreview(f.payload, "fragment"), error: "continuation frame without a message" };
        this.fragmentBytes += f.payload.length;
        if (this.fragmentBytes > MAX_PAYLOAD_BYTES) {
          this.fragments = undefined;
          return { packets: [], preview: bytesPreview(f.payload, "fragment"), error: `fragmented message over the ${MAX_PAYLOAD_BYTES} byte limit` };
        }
        this.fragments.push(f.payload);
        break;
      default:
        if (this.fragments) {
          this.fragments = undefined;
          return { packets: [], preview: bytesPreview(f.payload), error: "data frame inside a fragmented message" };
        }
        this.fragments = [f.payload];
        this.fragmentBytes = f.payload.length;
        this.firstOpcode = f.opcode;
        this.compressed = f.rsv1;
    }
    if (!f.fin) {
      const preview = this.firstOpcode === OPCODE.text && !this.compressed ? printable(f.payload.toString("utf8")) : bytesPreview(f.payload, "fragment");
      return { packets: [], preview };
    }
    const parts = this.fragments ?? [];
    this.fragments = undefined;
    return this.message(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
  }

  private message(raw: Buffer): FrameMeaning {
    let payload = raw;
    if (this.compressed) {
      try {
        payload = inflateRawSync(Buffer.concat([raw, DEFLATE_TAIL]), {
          finishFlush: constants.Z_SYNC_FLUSH,
          maxOutputLength: MAX_INFLATED_BYTES,
          ...(this.window.length > 0 ? { dictionary: this.window } : {}),
        });
      } catch (e) {
        // the window is lost with the message: later messages of this direction may not inflate
        this.window = Buffer.alloc(0);
        const error = isOverLimit(e) ? inflatedTooLarge(MAX_INFLATED_BYTES) : `cannot inflate message: ${(e as Error).message}`;
        return { packets: [], preview: bytesPreview(raw, "deflated"), error };
      }
      const joined = Buffer.concat([this.window, payload]);
      this.window = Buffer.from(joined.subarray(Math.max(0, joined.length - WINDOW_BYTES)));
    }
    if (this.firstOpcode === OPCODE.binary) {
      return { packets: [binaryMessage(payload)], preview: bytesPreview(payload) };
    }
    const decoded = decodeEnginePacket(payload.toString("utf8"));
    const preview = decoded.packets.length > 0 ? packetsPreview(decoded.packets) : printable(payload.toString("utf8"));
    return decoded.error === undefined ? { packets: decoded.packets, preview } : { packets: decoded.packets, preview, error: decoded.error };
  }
}

/** Close payload: optional 2-byte status code, then a UTF-8 reason (RFC 6455 §5.5.1). */
function closePreview(payload: Buffer): string {
  if (payload.length < 2) return "close";
  return printable(`close ${payload.readUInt16BE(0)} ${payload.subarray(2).toString("utf8")}`.trimEnd());
}
