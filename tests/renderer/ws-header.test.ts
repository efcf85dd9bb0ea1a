// The WebSocket head decoded field by field, with literal bytes (RFC 6455 §5.2 examples).
import { describe, expect, it } from "vitest";
import { decodeWsHead, describeWsHead, unmask } from "../../src/renderer/src/selectors/ws-header";

const bytes = (...b: number[]) => new Uint8Array(b);

describe("decodeWsHead", () => {
  it("reads an unmasked text frame: FIN, RSV, opcode, length", () => {
    const h = decodeWsHead(bytes(0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f))!;
    expect(describeWsHead(h)).toBe("FIN 1 · RSV 000 · opcode 1 (text) · MASK 0 · length 5");
    expect(h.headLength).toBe(2);
  });

  it("reads a masked frame's key and unmasks its payload (RFC 6455's 'Hello')", () => {
    const frame = bytes(0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58);
    const h = decodeWsHead(frame)!;
    expect(describeWsHead(h)).toBe("FIN 1 · RSV 000 · opcode 1 (text) · MASK 1 · length 5 · key 37 fa 21 3d");
    expect(new TextDecoder().decode(unmask(frame.subarray(h.headLength), h.key))).toBe("Hello");
  });

  it("reads 16- and 64-bit lengths, RSV1 (permessage-deflate) and a close frame", () => {
    expect(decodeWsHead(bytes(0xc1, 0x7e, 0x01, 0x00))).toMatchObject({ rsv: "100", length: 256, headLength: 4 });
    expect(decodeWsHead(bytes(0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0))).toMatchObject({ opcode: 2, length: 65536, headLength: 10 });
    expect(describeWsHead(decodeWsHead(bytes(0x88, 0x00))!)).toBe("FIN 1 · RSV 000 · opcode 8 (close) · MASK 0 · length 0");
    expect(decodeWsHead(bytes(0x81))).toBeNull();
  });
});
