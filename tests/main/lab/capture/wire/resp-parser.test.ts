// @vitest-environment node
// The RESP parser on literal bytes: commands a client writes, replies and pushed messages
// the server sends, values split across chunks, and bytes that break the protocol.
import { describe, expect, it } from "vitest";
import { createRespParser } from "../../../../../src/main/lab/capture/wire/resp-parser.js";

const bytes = (s: string): Buffer => Buffer.from(s, "latin1");

describe("RESP parser", () => {
  it("reads a command the client writes: its name upper-cased, binary bodies as their size", () => {
    const p = createRespParser("client");
    const body = "\x93\xa6emitter\x83\xa4type\x02";
    const cmd = `*3\r\n$7\r\npublish\r\n$15\r\nsocket.io#/#r#a\r\n$${body.length}\r\n${body}\r\n`;
    const [u, ...rest] = p.feed("out", bytes(cmd));
    expect(rest).toEqual([]);
    expect(u).toMatchObject({ kind: "resp", dir: "out", offset: 0, length: cmd.length, respType: "array", command: "PUBLISH", items: 3, preview: `publish socket.io#/#r#a <${body.length} bytes>` });
  });

  it("reads replies in stream order, a pushed pmessage keeping its own name", () => {
    const p = createRespParser("client");
    const replies = [":2\r\n", "+OK\r\n", "-ERR unknown command\r\n", "$-1\r\n", "*4\r\n$8\r\npmessage\r\n$12\r\nsocket.io#/*\r\n$12\r\nsocket.io#/#\r\n$2\r\n\x01\x02\r\n"];
    const units = p.feed("in", bytes(replies.join("")));
    expect(units.map((u) => [u.respType, u.preview, u.command])).toEqual([
      ["integer", "(integer) 2", undefined],
      ["simple", "OK", undefined],
      ["error", "(error) ERR unknown command", undefined],
      ["null", "(nil)", undefined],
      ["array", "pmessage socket.io#/* socket.io#/# <2 bytes>", "pmessage"],
    ]);
    let offset = 0;
    for (const [i, u] of units.entries()) {
      expect(u.offset).toBe(offset);
      expect(u.length).toBe(replies[i]!.length);
      offset += u.length;
    }
  });

  it("waits for a value split across chunks, byte by byte", () => {
    const p = createRespParser("client");
    const cmd = "*2\r\n$6\r\nPUBSUB\r\n$6\r\nNUMSUB\r\n";
    const units = [...cmd].flatMap((ch) => p.feed("out", bytes(ch)));
    expect(units).toHaveLength(1);
    expect(units[0]).toMatchObject({ command: "PUBSUB", length: cmd.length, preview: "PUBSUB NUMSUB" });
  });

  it("reads RESP3 maps and pushes", () => {
    const p = createRespParser("client");
    const [map, push] = p.feed("in", bytes("%1\r\n+server\r\n+redis\r\n>3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$2\r\nhi\r\n"));
    expect(map).toMatchObject({ respType: "map", items: 1, preview: "server redis" });
    expect(push).toMatchObject({ respType: "push", command: "message", preview: "message c hi" });
  });

  it("turns bytes that break the protocol into one unit with an error, and the rest into one unparsed unit", () => {
    const p = createRespParser("client");
    const [bad] = p.feed("in", bytes("?what\r\n"));
    expect(bad).toMatchObject({ respType: "unparsed", error: expect.stringContaining("unknown RESP type byte 0x3f"), length: 7 });
    const [after] = p.feed("in", bytes("+OK\r\n"));
    expect(after).toMatchObject({ offset: 7, length: 5, error: "unparsed" });
  });

  it("accounts for an incomplete value when the connection ends", () => {
    const p = createRespParser("client");
    expect(p.feed("out", bytes("*1\r\n$4\r\nPI"))).toEqual([]);
    expect(p.end()).toEqual([expect.objectContaining({ dir: "out", offset: 0, length: 10, error: "incomplete" })]);
  });
});
