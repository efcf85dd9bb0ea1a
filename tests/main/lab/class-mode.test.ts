// @vitest-environment node
// Class mode with real students: Node socket.io-client clients, each from its own loopback
// address, join the lab's /class namespace through the class address (127.0.0.5 stands in
// for the LAN address), are traced as hosts named by their names, answer a poll whose
// histogram must match; a wrong code is refused and recorded; nothing listens off loopback
// beyond what class mode opened, and nothing of it once it stops.

import { readFileSync, readdirSync, readlinkSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { io, type Socket } from "socket.io-client";
import { createLabService, type LabService } from "../../../src/main/lab/lab-service.js";
import type { ClassStatus, PredictQuestion, Welcome } from "../../../src/shared/class-mode.js";
import type { TraceEvent } from "../../../src/shared/trace/types.js";

const CLASS_HOST = "127.0.0.5";

/** Listening TCP sockets of this process: "ip:port" (from /proc, so nothing is missed). */
function ownListeners(): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync("/proc/self/fd")) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      /* closed meanwhile */
    }
  }
  const out: string[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== "0A" || !inodes.has(f[9]!)) continue;
      const [hexIp, hexPort] = f[1]!.split(":") as [string, string];
      const port = parseInt(hexPort, 16);
      if (hexIp.length === 8) {
        const b = hexIp.match(/../g)!.map((h) => parseInt(h, 16)).reverse();
        out.push(`${b.join(".")}:${port}`);
      } else {
        // IPv6 in four little-endian words; only ::1, :: and v4-mapped are told apart here.
        const v4mapped = hexIp.startsWith("0000000000000000FFFF0000");
        const tail = hexIp.slice(24).match(/../g)!.map((h) => parseInt(h, 16)).reverse();
        out.push(v4mapped ? `${tail.join(".")}:${port}` : hexIp === "00000000000000000000000001000000" ? `::1:${port}` : `[${hexIp}]:${port}`);
      }
    }
  }
  return out;
}
const isLoopbackListener = (a: string): boolean => a.startsWith("127.") || a.startsWith("::1:");

let service: LabService | undefined;
const students: Socket[] = [];
afterEach(async () => {
  for (const s of students.splice(0)) s.close();
  await service?.dispose();
  service = undefined;
});

function student(url: string, n: number, name: string, code: string): Socket {
  const s = io(`${url}/class`, { transports: ["websocket"], auth: { name, code }, reconnection: false, localAddress: `127.0.0.${100 + n}` } as never);
  students.push(s);
  return s;
}

/** The lab's trace as it arrives, started afresh when the lab is (a scenario started). */
function traceOf(svc: LabService): TraceEvent[] {
  const events: TraceEvent[] = [];
  svc.onTrace((b) => {
    if (b.reset) events.length = 0;
    events.push(...b.events);
  });
  return events;
}

const classOf = async (svc: LabService): Promise<ClassStatus> => {
  const c = (await svc.getStatus()).classMode;
  if (!c) throw new Error("class mode is off");
  return c;
};

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("class mode", () => {
  it("listens only on loopback while off; opens exactly the class address's two ports; closes them again", async () => {
    service = createLabService({ port: 0 });
    await service.command({ type: "add-client" });
    const before = ownListeners();
    expect(before.length).toBeGreaterThan(0);
    expect(before.filter((a) => !isLoopbackListener(a))).toEqual([]);
    expect(before.filter((a) => a.startsWith(`${CLASS_HOST}:`))).toEqual([]);

    expect((await service.command({ type: "class-open", host: "0.0.0.0" })).ok).toBe(false);
    expect((await service.command({ type: "class-open", host: "192.0.2.44" })).message).toMatch(/not an address of this machine/);
    const opened = await service.command({ type: "class-open", host: CLASS_HOST });
    expect(opened.ok).toBe(true);
    const cls = await classOf(service);
    expect(cls.url).toMatch(new RegExp(`^http://${CLASS_HOST.replace(/\./g, "\\.")}:\\d+/$`));
    expect(cls.code).toMatch(/^\d{6}$/);
    expect(cls.qr.cells).toHaveLength(cls.qr.size * cls.qr.size);
    const during = ownListeners().filter((a) => a.startsWith(`${CLASS_HOST}:`));
    expect(during).toHaveLength(2);
    expect(during).toContain(`${CLASS_HOST}:${new URL(cls.url).port}`);

    expect((await service.command({ type: "class-close" })).ok).toBe(true);
    expect((await service.getStatus()).classMode).toBeUndefined();
    const after = ownListeners();
    expect(after.filter((a) => a.startsWith(`${CLASS_HOST}:`))).toEqual([]);
    expect(after.filter((a) => !isLoopbackListener(a))).toEqual([]);
  });

  it("30 students join with the code, are named hosts in the trace, answer a poll whose histogram matches; a wrong code is refused and recorded", async () => {
    service = createLabService({ port: 0 });
    const events = traceOf(service);
    expect((await service.command({ type: "class-open", host: CLASS_HOST, cap: 40 })).ok).toBe(true);
    const cls = await classOf(service);
    const labUrl = cls.socketUrl;

    // A wrong code: refused by the namespace's middleware (CONNECT_ERROR), recorded.
    const intruder = student(labUrl, 99, "Mallory", "000000" === cls.code ? "111111" : "000000");
    const refusal = await new Promise<Error>((resolve) => intruder.once("connect_error", resolve));
    expect(refusal.message).toBe("wrong join code");

    const names = Array.from({ length: 30 }, (_, i) => `Student ${String(i + 1).padStart(2, "0")}`);
    const questions: PredictQuestion[] = [];
    const started = performance.now();
    const welcomes = await Promise.all(
      names.map(
        (name, i) =>
          new Promise<Welcome>((resolve, reject) => {
            const s = student(labUrl, i + 1, name, cls.code);
            s.once("welcome", resolve);
            s.once("connect_error", reject);
            // Student i answers choice i % 4 (as the histogram must then show).
            s.on("predict", (q: PredictQuestion, answer: (n: number) => void) => {
              questions.push(q);
              answer(i % 4);
            });
          }),
      ),
    );
    const joinMs = performance.now() - started;
    console.log(`class mode: 30 students joined in ${joinMs.toFixed(0)} ms`);
    expect(welcomes.map((w) => w.name).sort()).toEqual([...names].sort());
    await until("30 students in the status", async () => ((await classOf(service!)).students.length === 30 ? true : undefined));

    const poll = await service.command({ type: "class-poll", question: "What does client 1 send next?", choices: ["3", '42["hello","world"]', "5", '40{"sid":"x"}'], answer: 1, timeoutMs: 5000 });
    expect(poll.ok).toBe(true);
    const closed = await until("the poll to close", async () => {
      const p = (await classOf(service!)).poll;
      return p?.state === "closed" ? p : undefined;
    });
    expect(questions).toHaveLength(30);
    expect(closed.asked).toBe(30);
    expect(closed.answered).toBe(30);
    const expected = [0, 0, 0, 0];
    for (let i = 0; i < 30; i++) expected[i % 4]! += 1;
    expect(closed.counts).toEqual(expected);
    expect((await service.command({ type: "class-reveal" })).ok).toBe(true);

    // In the trace: each student is an external host labelled with the typed name, at its own address.
    const lastLabel = new Map<string, { label: string; ips: string[] }>();
    for (const e of events) if (e.layer === "lab" && e.kind === "host" && e.role === "external") lastLabel.set(e.host, { label: e.label, ips: e.ips });
    const named = [...lastLabel.values()].filter((h) => names.includes(h.label));
    expect(named).toHaveLength(30);
    expect(new Set(named.map((h) => h.ips[0])).size).toBe(30);
    expect([...lastLabel.values()].some((h) => h.label === "Mallory (refused)" && h.ips[0] === "127.0.0.199")).toBe(true);
    // Each connection through the class address is a student host, never an anonymous `external-N`.
    expect([...lastLabel.keys()].filter((h) => !h.startsWith("student-"))).toEqual([]);
    // The refusal: a lab notice and the CONNECT_ERROR packet the middleware's error became.
    expect(events.some((e) => e.layer === "lab" && e.kind === "error" && e.code === "CLASS_REFUSED" && e.message.includes("Mallory") && e.message.includes("wrong join code"))).toBe(true);
    expect(events.some((e) => e.layer === "socketio" && e.kind === "packet" && e.type === "CONNECT_ERROR" && e.nsp === "/class" && e.dir === "out")).toBe(true);
    // The poll went out as one broadcast with acks (traced like any emit): one EVENT per student, and their ACKs back.
    // The trace streams a moment behind the lab (its captures apply the records once the lab pauses).
    await until("the poll's 30 ACKs in the trace", async () => (events.filter((e) => e.layer === "socketio" && e.kind === "packet" && e.dir === "in" && e.nsp === "/class" && e.type === "ACK").length >= 30 ? true : undefined));
    const predicts = events.filter((e) => e.layer === "socketio" && e.kind === "packet" && e.dir === "out" && e.nsp === "/class" && e.type === "EVENT" && e.encoded.includes('"predict"'));
    expect(predicts.length).toBeGreaterThanOrEqual(1);
    expect(events.filter((e) => e.layer === "socketio" && e.kind === "packet" && e.dir === "in" && e.nsp === "/class" && e.type === "ACK").length).toBe(30);
    expect(events.some((e) => e.layer === "api" && e.kind === "broadcast" && e.host === "server" && e.nsp === "/class" && e.event === "predict")).toBe(true);
    expect((await classOf(service)).refused).toBe(1);
    const listen = events.find((e) => e.layer === "lab" && e.kind === "listen" && e.ip === CLASS_HOST);
    expect(listen?.layer === "lab" && listen.kind === "listen" && `http://${CLASS_HOST}:${listen.port}`).toBe(labUrl);
  }, 60_000);

  it("lets students join a scaled-out lab too, each one named host, never also an anonymous external one", async () => {
    service = createLabService({ port: 0 });
    const events = traceOf(service);
    await service.startScenario("scale-out");
    expect((await service.command({ type: "class-open", host: CLASS_HOST, cap: 5 })).ok).toBe(true);
    const cls = await classOf(service);
    const ann = student(cls.socketUrl, 1, "Ann", cls.code);
    const welcome = await new Promise<{ id: string }>((resolve, reject) => {
      ann.once("welcome", resolve);
      ann.once("connect_error", reject);
    });
    expect(welcome.id).toMatch(/^student-\d+$/);
    await until("Ann's host in the trace", () => (events.some((e) => e.layer === "lab" && e.kind === "host" && e.label === "Ann") ? true : undefined));
    const hosts = events.filter((e) => e.layer === "lab" && e.kind === "host" && e.ips.includes("127.0.0.101")).map((e) => (e.layer === "lab" && e.kind === "host" ? e.host : ""));
    expect(new Set(hosts)).toEqual(new Set([welcome.id]));
  }, 30_000);

  it("the teacher mutes, resets and removes a student; students say things, join rooms and hear broadcasts; the cap holds", async () => {
    service = createLabService({ port: 0 });
    expect((await service.command({ type: "class-open", host: CLASS_HOST, cap: 2 })).ok).toBe(true);
    const cls = await classOf(service);
    const labUrl = cls.socketUrl;
    const join = (n: number, name: string): Promise<{ s: Socket; w: Welcome }> =>
      new Promise((resolve, reject) => {
        const s = student(labUrl, n, name, cls.code);
        s.once("welcome", (w: Welcome) => resolve({ s, w }));
        s.once("connect_error", reject);
      });
    const ada = await join(1, "Ada");
    const bob = await join(2, "Bob");
    await expect(join(3, "Cy")).rejects.toThrow(/the class is full/);

    const heard: string[] = [];
    bob.s.on("said", (m: { from: string; text: string; room?: string }) => heard.push(`${m.from}${m.room ? `@${m.room}` : ""}: ${m.text}`));
    expect(await ada.s.emitWithAck("say", { text: "hello class" })).toEqual({ ok: true });
    expect(await bob.s.emitWithAck("join", "blue")).toEqual({ ok: true });
    expect(await ada.s.emitWithAck("say", { text: "not yet", room: "blue" })).toEqual({ ok: false, reason: "join that room first" });
    expect(await ada.s.emitWithAck("join", "blue")).toEqual({ ok: true });
    expect(await ada.s.emitWithAck("say", { text: "in blue", room: "blue" })).toEqual({ ok: true });
    await until("Bob to hear both", () => (heard.length >= 2 ? true : undefined));
    expect(heard).toEqual(["Ada: hello class", "Ada@blue: in blue"]);

    const muted = new Promise<boolean>((resolve) => ada.s.once("muted", resolve));
    expect((await service.command({ type: "class-student", action: "mute", student: ada.w.id })).ok).toBe(true);
    expect(await muted).toBe(true);
    expect((await classOf(service)).students.find((s) => s.id === ada.w.id)?.muted).toBe(true);
    expect(await ada.s.emitWithAck("say", { text: "muted?" })).toEqual({ ok: false, reason: "the teacher muted you" });

    const reset = new Promise<void>((resolve) => ada.s.once("reset", () => resolve()));
    expect((await service.command({ type: "class-student", action: "reset", student: ada.w.id })).ok).toBe(true);
    await reset;
    expect(await ada.s.emitWithAck("say", { text: "back", room: "blue" })).toEqual({ ok: false, reason: "join that room first" });
    expect(await ada.s.emitWithAck("say", { text: "back" })).toEqual({ ok: true });

    // Rate limit: a burst beyond the bucket is answered "too fast".
    const burst = await Promise.all(Array.from({ length: 15 }, () => ada.s.emitWithAck("join", "red")));
    expect(burst.filter((r: { ok: boolean }) => !r.ok).length).toBeGreaterThan(0);

    const gone = new Promise<string>((resolve) => bob.s.once("disconnect", resolve));
    expect((await service.command({ type: "class-student", action: "remove", student: bob.w.id })).ok).toBe(true);
    expect(await gone).toBe("io server disconnect");
    await until("Bob gone from the class", async () => ((await classOf(service!)).students.length === 1 ? true : undefined));
    expect((await service.command({ type: "class-student", action: "mute", student: "student-99" })).ok).toBe(false);
  }, 30_000);
});
