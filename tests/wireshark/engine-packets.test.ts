// The independent Engine.IO / Socket.IO reader, on exact wire strings.
import { describe, expect, it } from "vitest";
import { decodePollingPayload, decodeSocketIoHead, decodeTextPacket, decodeWebSocketMessage, describeEnginePacket } from "./engine-packets.js";

describe("Engine.IO packets", () => {
  it("splits a polling body at \\x1e and reads each packet's type digit", () => {
    const body = Buffer.from('0{"sid":"abc"}\x1e40\x1e2\x1e6\x1e42["hi"]');
    expect(decodePollingPayload(body)).toEqual({
      packets: [
        { type: "open", data: '{"sid":"abc"}', binary: false },
        { type: "message", data: "0", binary: false },
        { type: "ping", data: "", binary: false },
        { type: "noop", data: "", binary: false },
        { type: "message", data: '2["hi"]', binary: false },
      ],
      errors: [],
    });
  });

  it("reads b+base64 over polling as a binary message, but not over WebSocket", () => {
    expect(decodeTextPacket("bAQID", true)).toEqual({ type: "message", data: "AQID", binary: true });
    expect(decodeTextPacket("bAQID", false)).toEqual({ error: "not an Engine.IO packet: bAQID" });
    expect(decodePollingPayload(Buffer.from("451-[\"up\",{\"_placeholder\":true,\"num\":0}]\x1ebAAEC")).packets[1]).toEqual({ type: "message", data: "AAEC", binary: true });
  });

  it("reports what is not a packet, and an empty body as none", () => {
    expect(decodePollingPayload(Buffer.from("ok")).errors).toEqual(["not an Engine.IO packet: ok"]);
    expect(decodePollingPayload(Buffer.from("9x\x1e3")).errors).toEqual(["not an Engine.IO packet: 9x"]);
    expect(decodePollingPayload(Buffer.alloc(0))).toEqual({ packets: [], errors: [] });
  });

  it("reads WebSocket messages: text is one packet, binary a binary message, control frames none", () => {
    expect(decodeWebSocketMessage(1, Buffer.from("2probe"))).toEqual({ type: "ping", data: "probe", binary: false });
    expect(decodeWebSocketMessage(1, Buffer.from("5"))).toEqual({ type: "upgrade", data: "", binary: false });
    expect(decodeWebSocketMessage(2, Buffer.from([0, 1, 2]))).toEqual({ type: "message", data: "AAEC", binary: true });
    expect(decodeWebSocketMessage(8, Buffer.alloc(0))).toEqual({ error: "opcode 8 carries no Engine.IO packet" });
  });

  it("prints packets as the wire shows them", () => {
    expect(describeEnginePacket({ type: "message", data: '2["hi"]' })).toBe('42["hi"]');
    expect(describeEnginePacket({ type: "message", data: "AAEC", binary: true })).toBe("4<binary, 3 bytes: 00 01 02>");
  });
});

describe("Socket.IO heads", () => {
  it.each([
    ["0", { type: "CONNECT", nsp: "/" }],
    ['0{"sid":"x"}', { type: "CONNECT", nsp: "/" }],
    ["0/admin,", { type: "CONNECT", nsp: "/admin" }],
    ["1/admin,", { type: "DISCONNECT", nsp: "/admin" }],
    ['20["hello","world"]', { type: "EVENT", nsp: "/", ackId: 0 }],
    ['2/chat,12["m"]', { type: "EVENT", nsp: "/chat", ackId: 12 }],
    ['30["got it"]', { type: "ACK", nsp: "/", ackId: 0 }],
    ['51-["up",{"_placeholder":true,"num":0}]', { type: "BINARY_EVENT", nsp: "/", attachments: 1 }],
    ['62-/admin,7[{"_placeholder":true,"num":0}]', { type: "BINARY_ACK", nsp: "/admin", attachments: 2, ackId: 7 }],
  ])("%s", (encoded, head) => {
    expect(decodeSocketIoHead(encoded)).toEqual(head);
  });

  it("refuses what is not one", () => {
    expect(decodeSocketIoHead("9")).toHaveProperty("error");
    expect(decodeSocketIoHead('5["x"]')).toHaveProperty("error");
  });
});
