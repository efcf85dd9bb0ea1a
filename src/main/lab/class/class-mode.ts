// Class mode: the teacher opens the lab to the local network on one chosen address. Students
// open the shown page and join the lab's own Socket.IO server in the `/class` namespace, each
// a real client with its own TCP connections, traced as a host named by the name they typed.
// Off by default; while off, nothing of it listens. It never decides what the page shows.

import { createServer as createNetServer, type Server as NetServer, type Socket } from "node:net";
import { networkInterfaces } from "node:os";
import { randomInt } from "node:crypto";
import type { Namespace, Server, Socket as ServerSocket } from "socket.io";
import type { CommandResult } from "../../../shared/lab-api.js";
import { CLASS_LIMITS, CLASS_NSP, makeJoinCode, type ClassCommand, type ClassPoll, type ClassStatus, type FollowStep, type PredictQuestion, type StudentReply } from "../../../shared/class-mode.js";
import { isLoopback } from "../loopback.js";
import type { Lab } from "../lab.js";
import { qrCells } from "./qr-cells.js";
import { fullBucket, take, type Bucket } from "./rate-limit.js";
import { startStudentPageServer, type StudentPageServer } from "./student-page-server.js";

export interface ClassModeOptions {
  /** The built renderer (student.html and its assets); without it the page says it is not built. */
  rendererDir?: string;
  /** Class status changed (the service publishes a new LabStatus). */
  onChange(): void;
  log?: (line: string) => void;
}

export interface ClassMode {
  status(): ClassStatus | undefined;
  /** The lab students join from now on (a new scenario builds a new lab; students rejoin it). */
  attach(lab: Lab | undefined): void;
  /** `lab`: the lab running now, if any (closing needs none). */
  command(cmd: ClassCommand, lab: Lab | undefined): Promise<CommandResult>;
  /** The teacher's step, for the students' follow-the-teacher view. */
  follow(step: FollowStep): void;
  dispose(): Promise<void>;
}

interface Student {
  id: string;
  name: string;
  ip: string;
  socket: ServerSocket;
  muted: boolean;
  bucket: Bucket;
}

/** TCP connections at once through the class address: per IP (a phone opens one or two), and in all. */
const PER_IP = 8;

const fail = (message: string): CommandResult => ({ ok: false, message });

/** A specific address of this machine (loopback included), never "every interface": the QR code must name one. */
export function classAddressProblem(host: string): string | undefined {
  if (host === "0.0.0.0" || host === "::") return "choose one address of this machine (students need one address to open)";
  if (isLoopback(host)) return undefined;
  const mine = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
  return mine.includes(host) ? undefined : `${host} is not an address of this machine (it has ${mine.join(", ")})`;
}

const originOf = (host: string, port: number): string => `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

export function createClassMode(options: ClassModeOptions): ClassMode {
  let lab: Lab | undefined;
  let open:
    | {
        host: string;
        cap: number;
        code: string;
        listener: NetServer;
        sockPort: number;
        page: StudentPageServer;
        sockets: Set<Socket>;
        qr: ClassStatus["qr"];
      }
    | undefined;
  const students = new Map<string, Student>();
  /** Host id of each connection through the class address, by the student's `ip:port`. */
  const hostByPeer = new Map<string, string>();
  let hostCount = 0;
  let refused = 0;
  let poll: ClassPoll | undefined;
  let pollCount = 0;
  let lastStep: FollowStep | undefined;
  const ready = new WeakSet<Server>();

  const record = (event: Parameters<Lab["correlator"]["record"]>[0]): void => void lab?.correlator.record(event);
  const notice = (host: string, message: string, code?: string): void =>
    record({ layer: "lab", kind: "error", host, level: "notice", message, ...(code ? { code } : {}) });
  const declare = (id: string, label: string, ip: string): void => record({ layer: "lab", kind: "host", host: id, role: "external", label, ips: [ip] });
  const nsp = (): Namespace | undefined => lab?.server?.of(CLASS_NSP);

  const uniqueName = (wanted: string): string => {
    const taken = new Set([...students.values()].map((s) => s.name));
    if (!taken.has(wanted)) return wanted;
    for (let n = 2; ; n++) if (!taken.has(`${wanted} ${n}`)) return `${wanted} ${n}`;
  };

  /** The namespace's door: the join code, the cap, a name; a refusal is a CONNECT_ERROR the trace shows. */
  const admit = (socket: ServerSocket, next: (err?: Error) => void): void => {
    const tcp = socket.request.socket;
    const ip = tcp.remoteAddress ?? "?";
    const id = hostByPeer.get(`${ip}:${tcp.remotePort}`);
    const auth = socket.handshake.auth as { name?: unknown; code?: unknown };
    const name = typeof auth.name === "string" ? auth.name.trim().slice(0, CLASS_LIMITS.name.max) : "";
    const reason = !open
      ? "class mode is off"
      : id === undefined
        ? "join through the class address"
        : auth.code !== open.code
          ? "wrong join code"
          : name === ""
            ? "type a name"
            : students.size >= open.cap
              ? `the class is full (${open.cap} students)`
              : undefined;
    if (!reason) return next();
    refused++;
    const host = id ?? "server";
    if (id) declare(id, `${name || "someone"} (refused)`, ip);
    notice(host, `${name || "a student"} at ${ip} was refused: ${reason}`, "CLASS_REFUSED");
    options.onChange();
    next(Object.assign(new Error(reason), { data: { reason } }));
  };

  const limited = (s: Student, reply: (r: StudentReply) => void): boolean => {
    if (take(s.bucket, performance.now(), CLASS_LIMITS.burst, CLASS_LIMITS.perSecond)) return false;
    reply({ ok: false, reason: "too fast: wait a moment" });
    return true;
  };
  const replyOf = (ack: unknown): ((r: StudentReply) => void) => (typeof ack === "function" ? (ack as (r: StudentReply) => void) : () => undefined);
  const roomName = (room: unknown): string | undefined =>
    typeof room === "string" && room.trim().length > 0 && room.length <= CLASS_LIMITS.room.max ? room.trim() : undefined;

  const joined = (space: Namespace, socket: ServerSocket): void => {
    const tcp = socket.request.socket;
    const ip = tcp.remoteAddress ?? "?";
    const id = hostByPeer.get(`${ip}:${tcp.remotePort}`)!;
    const name = uniqueName((socket.handshake.auth as { name: string }).name.trim().slice(0, CLASS_LIMITS.name.max));
    const s: Student = { id, name, ip, socket, muted: false, bucket: fullBucket(CLASS_LIMITS.burst, performance.now()) };
    students.set(socket.id, s);
    declare(id, name, ip);
    socket.emit("welcome", { id, name, ...(lastStep ? { step: lastStep } : {}) });
    socket.on("say", (msg: unknown, ack: unknown) => {
      const reply = replyOf(ack);
      if (limited(s, reply)) return;
      if (s.muted) return reply({ ok: false, reason: "the teacher muted you" });
      const m = (msg ?? {}) as { text?: unknown; room?: unknown };
      if (typeof m.text !== "string" || m.text.trim() === "" || m.text.length > CLASS_LIMITS.text.max) return reply({ ok: false, reason: `say 1 to ${CLASS_LIMITS.text.max} characters` });
      const room = m.room === undefined ? undefined : roomName(m.room);
      if (m.room !== undefined && (!room || !socket.rooms.has(room))) return reply({ ok: false, reason: "join that room first" });
      (room ? space.to(room) : space).emit("said", { from: name, text: m.text, ...(room ? { room } : {}) });
      reply({ ok: true });
    });
    socket.on("join", (room: unknown, ack: unknown) => {
      const reply = replyOf(ack);
      if (limited(s, reply)) return;
      const r = roomName(room);
      if (!r) return reply({ ok: false, reason: `a room name of 1 to ${CLASS_LIMITS.room.max} characters` });
      if (socket.rooms.size - 1 >= CLASS_LIMITS.roomsPerStudent) return reply({ ok: false, reason: `at most ${CLASS_LIMITS.roomsPerStudent} rooms` });
      void socket.join(r);
      reply({ ok: true });
    });
    socket.on("leave", (room: unknown, ack: unknown) => {
      const reply = replyOf(ack);
      if (limited(s, reply)) return;
      const r = roomName(room);
      if (r) void socket.leave(r);
      reply({ ok: true });
    });
    socket.on("disconnect", () => {
      students.delete(socket.id);
      options.onChange();
    });
    options.onChange();
  };

  /** `/class` on the lab's current server (a restarted server is a new one). */
  const ensureNamespace = (server: Server): void => {
    if (ready.has(server) || !lab) return;
    ready.add(server);
    const space = server.of(CLASS_NSP);
    lab.api.tapServerNamespace(space);
    space.use(admit);
    space.on("connection", (socket) => joined(space, socket));
  };

  const accept = (socket: Socket): void => {
    if (!open) return void socket.destroy();
    const ip = socket.remoteAddress ?? "";
    const fromIp = [...open.sockets].filter((s) => s.remoteAddress === ip).length;
    const server = lab?.server;
    if (!server || open.sockets.size >= open.cap * 2 + 10 || fromIp >= PER_IP) return void socket.destroy();
    ensureNamespace(server);
    const sockets = open.sockets;
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    // One host per student connection, named before the lab's server takes it (its trace says `student-N`, not `external-N`).
    const id = `student-${++hostCount}`;
    hostByPeer.set(`${ip}:${socket.remotePort}`, id);
    declare(id, `joining from ${ip}`, ip);
    lab?.namePeer?.(socket, id);
    // The lab's own HTTP server takes it from here, as a connection it accepted itself: traced,
    // and handed to Socket.IO (Node documents emitting 'connection' to inject a socket).
    server.httpServer.emit("connection", socket);
  };

  const announce = (): void => {
    if (!open || !lab) return;
    record({ layer: "lab", kind: "listen", host: "server", ip: open.host, port: open.sockPort, service: "socket.io" });
    notice("server", `class mode is on: students open ${open.page.url} (join code ${open.code}) and join ${CLASS_NSP} at ${originOf(open.host, open.sockPort)}; other machines that reach ${open.host} can connect`);
  };

  const openClass = async (host: string, cap: number): Promise<CommandResult> => {
    if (open) return open.host === host ? { ok: true, message: `class mode is already on at ${open.page.url}` } : fail(`class mode is on at ${open.host}: stop it first`);
    const problem = classAddressProblem(host);
    if (problem) return fail(problem);
    const listener = createNetServer((socket) => accept(socket));
    await new Promise<void>((ok, no) => {
      listener.once("error", no);
      listener.listen(0, host, () => {
        listener.off("error", no);
        ok();
      });
    });
    const sockPort = (listener.address() as { port: number }).port;
    let page: StudentPageServer;
    try {
      page = await startStudentPageServer({ host, rendererDir: options.rendererDir, labOrigin: originOf(host, sockPort) });
    } catch (err) {
      listener.close();
      return fail(`could not open the student page on ${host}: ${(err as Error).message}`);
    }
    const code = makeJoinCode(() => randomInt(1_000_000) / 1_000_000);
    open = { host, cap, code, listener, sockPort, page, sockets: new Set(), qr: qrCells(`${page.url}#code=${code}`) };
    refused = 0;
    announce();
    options.log?.(`class mode: students open ${page.url} (code ${code})`);
    options.onChange();
    return { ok: true, message: `class mode is on: students open ${page.url} and type the code ${code}` };
  };

  const closeClass = async (): Promise<CommandResult> => {
    const was = open;
    if (!was) return { ok: true, message: "class mode is off" };
    open = undefined;
    poll = undefined;
    nsp()?.disconnectSockets(true);
    was.listener.close();
    await was.page.close();
    // Students' connections end with Socket.IO's close; any left after a moment are cut.
    await new Promise((r) => setTimeout(r, was.sockets.size > 0 ? 200 : 0));
    for (const s of was.sockets) s.destroy();
    await new Promise<void>((r) => (was.listener.listening ? was.listener.close(() => r()) : r()));
    students.clear();
    notice("server", `class mode is off: nothing listens on ${was.host} any more`);
    options.onChange();
    return { ok: true, message: "class mode is off" };
  };

  const studentCommand = (action: "mute" | "unmute" | "remove" | "reset", id: string): CommandResult => {
    const s = [...students.values()].find((x) => x.id === id);
    if (!s) return fail(`no student "${id}" in the class`);
    switch (action) {
      case "mute":
      case "unmute":
        s.muted = action === "mute";
        s.socket.emit("muted", s.muted);
        break;
      case "remove":
        s.socket.disconnect(true);
        break;
      case "reset":
        s.muted = false;
        for (const room of s.socket.rooms) if (room !== s.socket.id) void s.socket.leave(room);
        s.socket.emit("reset");
        break;
      default:
        return fail(`unknown action ${JSON.stringify(action as unknown)}`);
    }
    options.onChange();
    return { ok: true, message: `${s.name}: ${action === "remove" ? "removed" : action === "reset" ? "reset" : action === "mute" ? "muted" : "unmuted"}` };
  };

  const askClass = (cmd: Extract<ClassCommand, { type: "class-poll" }>): CommandResult => {
    const space = nsp();
    if (!open || !space) return fail("class mode is off");
    if (poll?.state === "open") return fail("a poll is still open");
    if (cmd.answer >= cmd.choices.length) return fail("the right answer must be one of the choices");
    const asked = students.size;
    if (asked === 0) return fail("no students have joined yet");
    const timeoutMs = cmd.timeoutMs ?? CLASS_LIMITS.pollTimeout.default;
    const current: ClassPoll = { id: ++pollCount, question: cmd.question, choices: cmd.choices, answer: cmd.answer, state: "open", asked, answered: 0, counts: cmd.choices.map(() => 0) };
    poll = current;
    const question: PredictQuestion = { poll: current.id, question: cmd.question, choices: cmd.choices, timeoutMs };
    // A broadcast with acks and a timeout: the callback runs once, when every student answered or time ran out.
    space.timeout(timeoutMs).emit("predict", question, (_err: Error | null, answers: unknown[]) => {
      if (poll !== current) return;
      for (const a of answers ?? []) if (typeof a === "number" && Number.isInteger(a) && a >= 0 && a < current.counts.length) current.counts[a]! += 1;
      current.answered = current.counts.reduce((x, y) => x + y, 0);
      current.state = "closed";
      options.onChange();
    });
    options.onChange();
    return { ok: true, message: `asked ${asked} students; answers close in ${Math.round(timeoutMs / 1000)} s` };
  };

  const reveal = (): CommandResult => {
    const space = nsp();
    if (!poll || !space) return fail("no poll to reveal");
    if (poll.state === "open") return fail("the poll is still open");
    poll.state = "revealed";
    space.emit("reveal", { poll: poll.id, answer: poll.answer, choice: poll.choices[poll.answer]! });
    options.onChange();
    return { ok: true, message: `revealed: ${poll.choices[poll.answer]}` };
  };

  return {
    status() {
      if (!open) return undefined;
      return {
        url: open.page.url,
        socketUrl: originOf(open.host, open.sockPort),
        host: open.host,
        code: open.code,
        cap: open.cap,
        students: [...students.values()].map((s) => ({ id: s.id, name: s.name, ip: s.ip, muted: s.muted })),
        refused,
        qr: open.qr,
        ...(poll ? { poll: { ...poll, counts: [...poll.counts] } } : {}),
      };
    },
    attach(next) {
      if (next === lab) return;
      lab = next;
      students.clear();
      hostByPeer.clear();
      hostCount = 0;
      poll = undefined;
      lastStep = undefined;
      if (open) announce();
      options.onChange();
    },
    async command(cmd, current) {
      if (current && current !== lab) this.attach(current);
      switch (cmd.type) {
        case "class-open":
          return openClass(cmd.host, cmd.cap ?? CLASS_LIMITS.cap.default);
        case "class-close":
          return closeClass();
        case "class-student":
          return studentCommand(cmd.action, cmd.student);
        case "class-poll":
          return askClass(cmd);
        case "class-reveal":
          return reveal();
        default:
          return fail(`unknown command ${JSON.stringify((cmd as { type?: unknown }).type)}`);
      }
    },
    follow(step) {
      lastStep = step;
      if (open && students.size > 0) nsp()?.emit("step", step);
    },
    async dispose() {
      await closeClass();
    },
  };
}
