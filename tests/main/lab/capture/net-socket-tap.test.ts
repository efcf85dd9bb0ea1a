// The one hook on Node internals. If a Node upgrade changes how net.Socket reads or writes,
// this fails loudly: the captured bytes must equal bytesRead/bytesWritten, on a client socket
// and on a socket an http.Server consumes in C++.
import { describe, expect, it } from "vitest";
import { createServer, request } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { tapSocket } from "../../../../src/main/lab/capture/net-socket-tap.js";

describe("net.Socket byte tap", () => {
  it("sees exactly the bytes Node counts, on both ends of an HTTP exchange", async () => {
    const seen = { serverIn: [] as Buffer[], serverOut: [] as Buffer[], clientIn: [] as Buffer[], clientOut: [] as Buffer[] };
    let serverSocket: Socket | undefined;
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => (body += d));
      req.on("end", () => res.end(`echo:${body}`));
    });
    server.on("connection", (s: Socket) => {
      serverSocket = s;
      tapSocket(s, { read: (b) => seen.serverIn.push(b), wrote: (b) => void seen.serverOut.push(b) }, { serverSide: true });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    let clientSocket: Socket | undefined;
    const reply = await new Promise<string>((resolve, reject) => {
      const req = request({
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/x",
        createConnection: () => {
          clientSocket = connect(port, "127.0.0.1");
          tapSocket(clientSocket, { read: (b) => seen.clientIn.push(b), wrote: (b) => void seen.clientOut.push(b) });
          return clientSocket;
        },
      }, (res) => {
        let text = "";
        res.on("data", (d: Buffer) => (text += d));
        res.on("end", () => resolve(text));
      });
      req.on("error", reject);
      req.end("ping".repeat(1000));
    });
    expect(reply).toBe(`echo:${"ping".repeat(1000)}`);
    clientSocket!.destroy();
    await new Promise((r) => setTimeout(r, 20));
    const total = (bs: Buffer[]) => Buffer.concat(bs).length;
    expect(total(seen.clientOut)).toBe(clientSocket!.bytesWritten);
    expect(total(seen.clientIn)).toBe(clientSocket!.bytesRead);
    expect(total(seen.serverIn)).toBe(serverSocket!.bytesRead);
    expect(total(seen.serverOut)).toBe(serverSocket!.bytesWritten);
    expect(Buffer.concat(seen.clientOut).equals(Buffer.concat(seen.serverIn))).toBe(true);
    expect(Buffer.concat(seen.serverOut).equals(Buffer.concat(seen.clientIn))).toBe(true);
    await new Promise<void>((r) => server.close(() => r()));
  });
});

describe("net.Socket byte tap, writes that carry nothing", () => {
  it("does not count a write after end() or after destroy()", async () => {
    const { createServer: createNetServer } = await import("node:net");
    const server = createNetServer((s) => s.resume());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const socket = connect((server.address() as AddressInfo).port, "127.0.0.1");
    const wrote: Buffer[] = [];
    tapSocket(socket, { read: () => {}, wrote: (b) => void wrote.push(b) });
    socket.on("error", () => {});
    await new Promise((r) => socket.once("connect", r));
    socket.end("abc");
    socket.write("def");
    await new Promise((r) => socket.once("close", r));
    expect(Buffer.concat(wrote).toString()).toBe("abc");
    expect(socket.bytesWritten).toBe(3);
    await new Promise<void>((r) => server.close(() => r()));
  });
});
