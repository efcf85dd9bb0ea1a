// The lab server's application code: what a learner writes, run exactly as written. The
// `console` in scope is the lab's, so what the code logs goes to the lab's log.

import type { Server } from "socket.io";

export interface AppConsole {
  log(...args: unknown[]): void;
}

export function installServerApp(io: Server, console: AppConsole, options: { chunkDelay?: number } = {}): void {
  // The code learners start from (socket.io docs, "Acknowledgements").
  io.on("connection", (socket) => {
    socket.on("hello", (arg, callback) => {
      console.log(arg); // "world"
      callback("got it");
    });
  });

  // Binary payloads: the server answers with the size and a few bytes back.
  io.on("connection", (socket) => {
    socket.on("upload", (data: Buffer, callback?: (reply: unknown) => void) => {
      callback?.({ size: data.length, head: Buffer.from(data.subarray(0, 4)) });
    });
  });

  // Connection state recovery (socket.io tutorial, step 6): a socket that got its session back.
  io.on("connection", (socket) => {
    if (socket.recovered) console.log(`${socket.id} recovered its session`);
  });

  // Delivery: a slow handler (its ack may come after the sender gave up waiting), a handler
  // that answers only the second try of a value (the first answer "got lost"), positions
  // logged as they arrive, and an echo for long texts.
  io.on("connection", (socket) => {
    socket.on("slow", (ms: number, callback?: (reply: string) => void) => {
      setTimeout(() => callback?.(`done after ${ms} ms`), Math.min(Math.max(Number(ms) || 0, 0), 5000));
    });
    const tries = new Map<string, number>();
    socket.on("save", (value: string, callback?: (reply: string) => void) => {
      const n = (tries.get(String(value)) ?? 0) + 1;
      tries.set(String(value), n);
      console.log(`save ${value}: try ${n}`);
      if (n >= 2) callback?.("stored");
    });
    socket.on("position", (p: unknown) => console.log(p));
    socket.on("echo", (text: unknown, callback?: (reply: unknown) => void) => callback?.(text));
  });

  // Auth: a middleware on /admin lets in only the right token (socket.io docs, "Middlewares").
  const admin = io.of("/admin");
  admin.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown }).token;
    if (token === "letmein") return next();
    console.log(`refused token ${JSON.stringify(token)}`);
    const err = new Error("not authorized") as Error & { data?: unknown };
    err.data = { content: "Please retry later" };
    next(err);
  });
  admin.on("connection", (socket) => console.log(`welcome ${socket.id}`));

  io.of("/chat").on("connection", (socket) => {
    socket.on("join", (room: string, callback?: (reply: string) => void) => {
      void socket.join(room);
      callback?.(`joined ${room}`);
    });
    socket.on("leave", (room: string) => void socket.leave(room));
    socket.on("message", (room: string, text: string) => {
      socket.to(room).emit("message", { from: socket.id, room, text });
    });
  });

  // A streaming bot: reads who it is talking to from the handshake query, answers a
  // question in several chunks, then acknowledges the question.
  const streaming = io.of("/streaming-response");
  streaming.on("connection", (socket) => {
    const { botId, sourceNode, channel } = socket.handshake.query;
    socket.emit("ready", { botId, sourceNode, channel });
    socket.on("ask", (question: string, callback?: (reply: unknown) => void) => {
      const words = `You asked: ${question}. Here is my answer, one chunk at a time.`.split(" ");
      const chunks: string[] = [];
      for (let i = 0; i < words.length; i += 3) chunks.push(words.slice(i, i + 3).join(" "));
      let i = 0;
      const next = (): void => {
        if (!socket.connected) return;
        if (i < chunks.length) {
          socket.emit("chunk", { index: i, text: chunks[i] });
          i++;
          setTimeout(next, options.chunkDelay ?? 10);
        } else {
          callback?.({ done: true, chunks: chunks.length, botId });
        }
      };
      next();
    });
  });
}
