// The one hook on Node internals. If a Node upgrade changes how net.Socket reads or writes,
// this fails loudly: the captured bytes must equal bytesRead/bytesWritten, on a client socket
// and on a socket an http.Server consumes in C++.
import { describe, expect, it } from "vitest";
import { createServer, request } from "node:http";
import { connect, createServer as createNetServer, type AddressInfo, type Socket } from "node:net";
import { tapSocket } from "../../../../src/main/lab/capture/tcp/net-socket-tap.js";

/** A loopback TCP server handing each accepted socket to `accept`, and a client socket connecting to it. */
async function loopback(accept: (s: Socket) => void) {
  const server = createNetServer(accept);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, socket: connect((server.address() as AddressInfo).port, "127.0.0.1") };
}

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
    const { server, socket } = await loopback((s) => s.resume());
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
    let accepted: Socket | undefined;
    const { server, socket } = await loopback((s) => {
      accepted = s;
      s.pause();
    });
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
    const { server, socket } = await loopback((s) => s.pipe(s));
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

describe("net.Socket byte tap, writes Node holds back", () => {
  /** A tapped client socket to a server that reads nothing until told: every write, settling and owner callback, in order. */
  async function holdingPeer() {
    let accepted: Socket | undefined;
    const { server, socket } = await loopback((s) => {
      accepted = s;
      s.pause();
    });
    const log: string[] = [];
    let n = 0;
    const settledCount = new Map<number, number>();
    tapSocket(socket, {
      read: () => {},
      wrote: () => ++n,
      settled: (w, err) => {
        settledCount.set(w, (settledCount.get(w) ?? 0) + 1);
        log.push(`settled ${w}${err ? ` ${(err as NodeJS.ErrnoException).code ?? err.message}` : ""}`);
      },
    });
    socket.on("error", () => {});
    return {
      socket,
      log,
      settledCount,
      accepted: () => accepted!,
      close: async () => {
        socket.destroy();
        accepted?.destroy();
        await new Promise<void>((r) => server.close(() => r()));
      },
    };
  }

  it("settles each write once, in order, and calls each owner's callback once, in order, through connect, cork and a full socket buffer", async () => {
    const peer = await holdingPeer();
    const { socket, log } = peer;
    const calls: string[] = [];
    const cb = (name: string) => (err?: Error | null) => void calls.push(`${name}${err ? " error" : ""}`);
    // Written while connecting: Node holds them until the connection is up.
    socket.write("a", cb("a"));
    socket.write("b");
    socket.write("c", cb("c"));
    await new Promise((r) => socket.once("connect", r));
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(["settled 1", "settled 2", "settled 3"]);
    expect(calls).toEqual(["a", "c"]);
    // Corked: nothing leaves until uncork, then all of it at once.
    socket.cork();
    socket.write("d");
    socket.write("e", cb("e"));
    expect(log.length).toBe(3);
    socket.uncork();
    expect(log.slice(3)).toEqual(["settled 4", "settled 5"]);
    // A write Node refuses (an unknown encoding) is not one: the tap goes on, the later writes keep their own settling.
    expect(() => socket.write("x", "no-such-encoding" as BufferEncoding)).toThrow();
    expect(() => socket.write(Buffer.from("y"), "no-such-encoding" as BufferEncoding)).toThrow();
    expect(() => socket.write(Buffer.from("z"), 7 as never)).toThrow();
    socket.write("f", cb("f"));
    await new Promise((r) => setImmediate(r));
    expect(log.slice(5)).toEqual(["settled 6"]);
    expect(calls).toEqual(["a", "c", "e", "f"]);
    // The peer reads nothing: the socket buffer fills, Node keeps the rest, and settles them as they drain.
    const big = Buffer.alloc(1 << 20, 120);
    let writes = 0;
    while (socket.write(big, cb(`big${writes}`)) && writes < 64) writes++;
    writes++;
    expect(socket.writableLength).toBeGreaterThan(0);
    const settledBefore = log.length;
    expect(settledBefore).toBeLessThan(6 + writes);
    peer.accepted().resume();
    await new Promise((r) => socket.once("drain", r));
    await new Promise((r) => setImmediate(r));
    expect(log.slice(6)).toEqual(Array.from({ length: writes }, (_, i) => `settled ${7 + i}`));
    expect(calls.slice(4)).toEqual(Array.from({ length: writes }, (_, i) => `big${i}`));
    expect([...peer.settledCount.values()].every((c) => c === 1)).toBe(true);
    await peer.close();
  });

  it("settles the writes held back when the peer resets as never sent, each once, after those that left", async () => {
    const peer = await holdingPeer();
    const { socket, log } = peer;
    await new Promise((r) => socket.once("connect", r));
    const calls: string[] = [];
    const big = Buffer.alloc(1 << 20, 121);
    let writes = 0;
    while (socket.write(big, (err) => void calls.push(err ? "error" : "ok")) && writes < 64) writes++;
    writes++;
    for (let i = 0; i < 3; i++) socket.write("queued", (err) => void calls.push(err ? "error" : "ok"));
    writes += 3;
    // The server closes with bytes unread: the kernel answers with RST, and what Node still holds never leaves.
    peer.accepted().destroy();
    await new Promise((r) => socket.once("close", r));
    await new Promise((r) => setImmediate(r));
    expect(calls.length).toBe(writes);
    expect(log.length).toBe(writes);
    expect([...peer.settledCount.values()].every((c) => c === 1)).toBe(true);
    // Settled in order: every write that left comes before the first that did not.
    const firstFailed = log.findIndex((line) => line.split(" ").length > 2);
    expect(firstFailed).toBeGreaterThanOrEqual(0);
    expect(log.slice(firstFailed).every((line) => line.split(" ").length > 2)).toBe(true);
    expect(log.map((line) => Number(line.split(" ")[1]))).toEqual(Array.from({ length: writes }, (_, i) => i + 1));
    expect(calls.indexOf("error")).toBe(firstFailed);
    await peer.close();
  });
});

describe("net.Socket byte tap, writes that leave together", () => {
  it("reports corked writes that leave at once as one range, a single write on its own", async () => {
    const { server, socket } = await loopback((s) => s.resume());
    await new Promise((r) => socket.once("connect", r));
    const said: string[] = [];
    let n = 0;
    tapSocket(socket, {
      read: () => {},
      wrote: () => ++n,
      settled: (w, err) => void said.push(`${w}${err ? " failed" : ""}`),
      settledAll: (first, last) => void said.push(`${first}..${last}`),
    });
    socket.cork();
    socket.write("head");
    socket.write("payload");
    socket.write("more");
    socket.uncork();
    socket.write("alone");
    expect(said).toEqual(["1..3", "4"]);
    socket.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });
});

describe("net.Socket byte tap, an owner's callback that throws", () => {
  it("still calls the next writes' callbacks, each for its own write, and the exception still reaches the process", async () => {
    // Run apart: the owner's exception must end up uncaught, which a test runner would report.
    const { execFile } = await import("node:child_process");
    const { fileURLToPath } = await import("node:url");
    const tap = fileURLToPath(new URL("../../../../src/main/lab/capture/tcp/net-socket-tap.ts", import.meta.url));
    const script = `
      import { createServer, connect } from "node:net";
      import { tapSocket } from ${JSON.stringify(tap)};
      const out = [];
      process.on("uncaughtException", (e) => out.push("uncaught " + e.message));
      const server = createServer((s) => s.resume());
      server.listen(0, "127.0.0.1", () => {
        const socket = connect(server.address().port, "127.0.0.1", () => {
          let n = 0;
          tapSocket(socket, { read() {}, wrote: () => ++n, settled: (w, err) => out.push("settled " + w + (err ? " failed" : "")) });
          // Two writes in one turn: Node calls their callbacks in one loop.
          socket.write("a", () => { out.push("cb a"); throw new Error("owner's bug"); });
          socket.write("b", () => out.push("cb b"));
          setTimeout(() => {
            socket.write("c", () => out.push("cb c"));
            setTimeout(() => { console.log(JSON.stringify(out)); socket.destroy(); server.close(); }, 50);
          }, 50);
        });
      });`;
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { timeout: 20_000 }, (err, so, se) => (err ? reject(new Error(`${err.message}\n${se}`)) : resolve(so))),
    );
    expect(JSON.parse(stdout.trim().split("\n").pop()!)).toEqual(["settled 1", "settled 2", "cb a", "cb b", "uncaught owner's bug", "settled 3", "cb c"]);
  });
});
