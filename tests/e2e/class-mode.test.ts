// Class mode in Chromium: the teacher opts in on the page (address 127.0.0.5, standing in for
// the LAN address), a few phone-sized browser pages and Node clients join with the code (30 in
// all), a wrong code is refused on the page, the teacher asks "what comes next?" at the
// playhead, the histogram shows the answers given, stepping on reveals the packet. Screenshots
// of the student page (390×844) and of the poll on the projector (1280×720, presenter).

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io, type Socket } from "socket.io-client";
import type { Page } from "playwright-core";
import { browserAvailable, ensureRendererBuilt, ROOT, startWebMode, type WebMode } from "./browser.js";
import type { ClassStatus, PredictQuestion } from "../../src/shared/class-mode.js";

const run = browserAvailable();
const SHOTS = join(ROOT, "out/screenshots");
const BROWSER_STUDENTS = ["Ada", "Grace", "Linus"];
const NODE_STUDENTS = 27;

describe.runIf(run)("class mode in the browser", () => {
  let web: WebMode;
  let teacher: Page;
  const nodes: Socket[] = [];
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    web = await startWebMode({ width: 1280, height: 720 }, { rendererDir: ensureRendererBuilt() });
    teacher = await web.context.newPage();
    await teacher.goto(web.url);
  }, 60_000);
  afterAll(async () => {
    for (const s of nodes) s.close();
    await web?.close();
  });

  const classStatus = async (): Promise<ClassStatus | undefined> => (await web.service.getStatus()).classMode;

  it("30 students join (3 browser pages, 27 Node clients), a wrong code is refused, the poll's histogram matches their answers, stepping on reveals it", async () => {
    await web.service.startScenario("hello-ack");
    await web.service.nextStep();
    await web.service.nextStep();
    await teacher.getByRole("button", { name: "Class mode…" }).click();
    await expect(teacher.getByRole("note").textContent()).resolves.toMatch(/opens the lab to your local network/);
    await teacher.getByLabel("Address students open").fill("127.0.0.5");
    await teacher.getByRole("button", { name: "Open to the class" }).click();
    await teacher.getByText("Stop class mode").waitFor();
    const cls = (await classStatus())!;
    expect(cls.url.startsWith("http://127.0.0.5:")).toBe(true);
    await expect.poll(() => teacher.locator(".class-code b").textContent(), { timeout: 10_000 }).toBe(cls.code);
    await expect(teacher.getByRole("img", { name: `QR code of ${cls.url}` }).isVisible()).resolves.toBe(true);

    const phone = await web.context.browser()!.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const pages = await Promise.all(BROWSER_STUDENTS.map(() => phone.newPage()));
    const errors: string[] = [];
    for (const p of pages) p.on("console", (m) => void (m.type() === "error" && errors.push(m.text())));

    // A wrong code, typed on a phone: refused, and the page says so.
    const wrong = await phone.newPage();
    await wrong.goto(cls.url);
    await wrong.getByLabel("Your name").fill("Mallory");
    await wrong.getByLabel("Join code").fill(cls.code === "000000" ? "111111" : "000000");
    await wrong.getByRole("button", { name: "Join the class" }).click();
    // The refusal comes back over the network: wait for the alert to say it.
    await expect.poll(() => wrong.getByRole("alert").textContent(), { timeout: 10_000 }).toBe("Refused: wrong join code");

    // The class joins: browser pages (name + code typed) and Node clients from their own 127.0.0.x.
    const choiceOf = new Map<string, number>();
    const started = performance.now();
    const browserJoins = pages.map(async (p, i) => {
      await p.goto(cls.url);
      await p.getByLabel("Your name").fill(BROWSER_STUDENTS[i]!);
      await p.getByLabel("Join code").fill(cls.code);
      await p.getByRole("button", { name: "Join the class" }).click();
      await p.getByText(`You are ${BROWSER_STUDENTS[i]}`).waitFor();
    });
    const nodeJoins = Array.from({ length: NODE_STUDENTS }, (_, i) => {
      const name = `Node ${String(i + 1).padStart(2, "0")}`;
      choiceOf.set(name, i % 3);
      const s = io(`${cls.socketUrl}/class`, { transports: ["websocket"], auth: { name, code: cls.code }, localAddress: `127.0.0.${110 + i}` } as never);
      nodes.push(s);
      s.on("predict", (_q: PredictQuestion, answer: (n: number) => void) => answer(i % 3));
      return new Promise<void>((resolve, reject) => {
        s.once("welcome", () => resolve());
        s.once("connect_error", reject);
      });
    });
    await Promise.all([...browserJoins, ...nodeJoins]);
    const joinMs = performance.now() - started;
    console.log(`class mode: 30 students (3 Chromium pages, 27 Node clients) joined in ${joinMs.toFixed(0)} ms`);
    await teacher.getByText("30 / 40 joined · 1 refused").waitFor();

    // The projector: presenter mode; the playhead goes back to the start of the lesson, where the next packet is known.
    await teacher.locator("body").click({ position: { x: 5, y: 700 } });
    await teacher.keyboard.press("f");
    await teacher.keyboard.press("Home");
    const ask = teacher.getByRole("button", { name: "Ask: what comes next?" });
    await expect(ask.isEnabled()).resolves.toBe(true);
    await ask.click();
    for (const p of pages) await p.getByText("What comes next?").waitFor();
    await pages[0]!.screenshot({ path: join(SHOTS, "class-student-poll.png") });
    // Browser students pick choices 0, 1, 1.
    const picks = [0, 1, 1];
    for (const [i, p] of pages.entries()) await p.locator(".choice").nth(picks[i]!).click();
    await teacher.getByText("30 of 30 answered · step forward to reveal").waitFor({ timeout: 15_000 });
    const expected = [0, 0, 0, 0];
    for (const c of choiceOf.values()) expected[c]! += 1;
    for (const c of picks) expected[c]! += 1;
    const shown = (await teacher.locator(".class-n").allTextContents()).map((t) => Number.parseInt(t, 10));
    expect(shown).toEqual(expected.slice(0, shown.length));
    expect((await classStatus())!.poll!.counts).toEqual(expected.slice(0, shown.length));
    await teacher.screenshot({ path: join(SHOTS, "class-projector-poll.png") });

    // Stepping on reveals the packet, on the projector and on each phone.
    const answer = (await classStatus())!.poll!.answer;
    for (let i = 0; i < 40 && (await classStatus())!.poll!.state !== "revealed"; i++) {
      await teacher.keyboard.press("ArrowRight");
      await teacher.waitForTimeout(50);
    }
    await teacher.getByText("✓ next packet").waitFor();
    await pages[1]!.locator(".verdict").filter({ hasText: answer === 1 ? "Right!" : "Not this time" }).waitFor();
    await pages[1]!.screenshot({ path: join(SHOTS, "class-student-reveal.png") });

    // Named hosts in Addressing at the live end: each student's label, as typed.
    await teacher.keyboard.press("End");
    await teacher.waitForTimeout(300);
    const labels = (await teacher.locator('[aria-label="Hosts and TCP connections"]').textContent()) ?? "";
    for (const name of ["Node 01", "Node 27"]) expect(labels).toContain(name);
    expect(errors).toEqual([]);

    // One click stops it: the phones lose the lab, the status says off.
    await teacher.getByRole("button", { name: "Stop class mode" }).click();
    await teacher.getByRole("button", { name: "Open to the class" }).waitFor();
    expect(await classStatus()).toBeUndefined();
    await phone.close();
  }, 120_000);
});
