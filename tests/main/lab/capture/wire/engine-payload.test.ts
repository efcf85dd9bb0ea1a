// Engine.IO v4 text encoding: packets and \x1e-joined payloads, exact wire strings.
import { describe, expect, it } from "vitest";
import { decodeEnginePacket, decodeEnginePayload, encodeEnginePacket, openPacketSid } from "../../../../../src/main/lab/capture/wire/engine-payload";

describe("decodeEnginePayload", () => {
  it.each([
    ["", [], undefined],
    ["2", [{ type: "ping" }], undefined],
    ["2probe", [{ type: "ping", data: "probe" }], undefined],
    ["0\x1e1\x1e2probe\x1e3probe\x1e4test", [{ type: "open" }, { type: "close" }, { type: "ping", data: "probe" }, { type: "pong", data: "probe" }, { type: "message", data: "test" }], undefined],
    ["4test\x1ebAQIDBA==", [{ type: "message", data: "test" }, { type: "message", data: "AQIDBA==", binary: true }], undefined],
    ["40\x1e40/chat,", [{ type: "message", data: "0" }, { type: "message", data: "0/chat," }], undefined],
    ["5\x1e6", [{ type: "upgrade" }, { type: "noop" }], undefined],
    ["9oops", [], 'unknown engine.io packet type "9"'],
    ["4ok\x1ex", [{ type: "message", data: "ok" }], 'unknown engine.io packet type "x"'],
    ["b!!", [], "binary engine.io packet is not base64"],
  ])("%j", (text, packets, error) => {
    const got = decodeEnginePayload(text);
    expect(got.packets).toEqual(packets);
    expect(got.error).toBe(error);
  });

  it("encodes back to the same wire string", () => {
    const text = '0{"sid":"x"}\x1e2probe\x1e420["hello","world"]\x1ebAQIDBA==\x1e6';
    expect(decodeEnginePayload(text).packets.map(encodeEnginePacket).join("\x1e")).toBe(text);
  });

  it("reads the sid of an open packet only", () => {
    expect(openPacketSid(decodeEnginePacket('0{"sid":"abc","upgrades":[]}').packets[0]!)).toBe("abc");
    expect(openPacketSid(decodeEnginePacket('4{"sid":"abc"}').packets[0]!)).toBeUndefined();
    expect(openPacketSid(decodeEnginePacket("0not json").packets[0]!)).toBeUndefined();
  });
});
