// The one hook on Node internals. If a Node upgrade changes how net.Socket reads or writes,
// this fails loudly: the captured bytes must equal bytesRead/bytesWritten, on a client socket
// and on a socket an http.Server consumes in C++.
import { describe, expect, it } from "vitest";
import { createServer, request } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { tapSocket } from "../../../../src/main/lab/capture/tcp/net-socket-tap.js";

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
  it("settles a write after end() or after destroy() as never sent", async () => {
    const { createServer: createNetServer } = await import("node:net");
    const server = createNetServer((s) => s.resume());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const socket = connect((server.address() as AddressInfo).port, "127.0.0.1");
    const writes: { text: string; err?: string }[] = [];
    tapSocket(socket, {
      read: () => {},
      wrote: (b) => writes.push({ text: b.toString() }) - 1,
      settled: (i, err) => {
        if (err) writes[i]!.err = err.message;
      },
    });
    socket.on("error", () => {});
    await new Promise((r) => socket.once("connect", r));
    socket.end("abc");
    socket.write("def");
    await new Promise((r) => socket.once("close", r));
    socket.write("ghi");
    expect(writes).toEqual([{ text: "abc" }, { text: "def", err: "written after end()" }, { text: "ghi", err: "written after the socket was destroyed" }]);
    expect(socket.bytesWritten).toBe(3);
    await new Promise<void>((r) => server.close(() => r()));
  });
});

describe("net.Socket byte tap, the kernel's view", () => {
  it("settles a write with an error when the bytes never left (the peer had reset), and says how each end closed", async () => {
    const { createServer: createNetServer } = await import("node:net");
    let accepted: Socket | undefined;
    const server = createNetServer((s) => {
      accepted = s;
      s.pause();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const socket = connect((server.address() as AddressInfo).port, "127.0.0.1");
    const settled: (string | undefined)[] = [];
    const closing: string[] = [];
    tapSocket(socket, {
      read: () => {},
      wrote: () => true,
      settled: (_w, err) => void settled.push(err ? ((err as NodeJS.ErrnoException).code ?? err.message) : undefined),
    });
    socket.on("error", () => {});
    await new Promise((r) => socket.once("connect", r));
    await new Promise((r) => socket.write("unread by the server", () => r(undefined)));
    await new Promise((r) => setTimeout(r, 20));
    // Closing with bytes unread makes the kernel answer with RST.
    tapSocket(accepted!, { read: () => {}, wrote: () => {}, closing: (how) => void closing.push(how) });
    accepted!.destroy();
    await new Promise((r) => setTimeout(r, 20));
    const writes = ["after the reset", "and again"].map((text) => new Promise((r) => socket.write(text, () => r(undefined))));
    await Promise.all(writes);
    expect(settled[0]).toBeUndefined();
    expect(settled.slice(1).every((code) => code !== undefined)).toBe(true);
    expect(closing).toEqual(["destroy"]);
    socket.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it("a capture hook that throws unhooks itself, reports once, and the traffic goes on", async () => {
    const { createServer: createNetServer } = await import("node:net");
    const server = createNetServer((s) => s.pipe(s));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const socket = connect((server.address() as AddressInfo).port, "127.0.0.1");
    const failures: unknown[] = [];
    tapSocket(socket, {
      read: () => {
        throw new Error("capture bug");
      },
      wrote: () => {},
      failed: (err) => void failures.push(err),
    });
    await new Promise((r) => socket.once("connect", r));
    let echoed = "";
    socket.setEncoding("utf8");
    socket.on("data", (d: string) => (echoed += d));
    socket.write("one");
    await new Promise((r) => setTimeout(r, 30));
    socket.write("two");
    await new Promise((r) => setTimeout(r, 30));
    expect(echoed).toBe("onetwo");
    expect(failures).toHaveLength(1);
    socket.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });
});
