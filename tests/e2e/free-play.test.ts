// Free play end to end in headless Chromium against web mode and the real lab: add a
// WebSocket-only client, emit hello with an ack from it, see it in Addressing; bad JSON is
// refused before anything is sent; attaching where nothing listens says so plainly.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import type { Page } from "playwright-core";
import type { FreePlayCommand } from "../../src/shared/lab-api.js";
import { browserAvailable, ROOT, openApp, startWebMode, type WebMode } from "./browser.js";

const run = browserAvailable();

/** A loopback port where nothing listens: bound, then closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe.skipIf(!run)("free play in Chromium", () => {
  let web: WebMode;
  let page: Page;
  const errors: string[] = [];
  const commands: FreePlayCommand[] = [];

  beforeAll(async () => {
    web = await startWebMode();
    // Record what reaches the lab (web mode looks the method up on each request).
    const command = web.service.command.bind(web.service);
    web.service.command = (cmd) => {
      commands.push(cmd);
      return command(cmd);
    };
    page = await openApp(web, errors);
  }, 60_000);

  afterAll(async () => {
    await web?.close();
  });

  const panel = () => page.getByRole("region", { name: "Free play", exact: true });
  const tab = (name: string) => panel().getByRole("tab", { name, exact: true });
  const form = (name: string) => panel().getByRole("form", { name, exact: true });

  it("adds a WebSocket-only client, emits hello with an ack from it, and shows it in Addressing", async () => {
    await panel().getByRole("button", { name: "Free play", exact: true }).click();
    await expect(panel().getByRole("button", { name: "Free play", exact: true }).getAttribute("aria-expanded")).resolves.toBe("true");

    // Follow the live trace quickly: one stop per API event, at 4×.
    await page.getByRole("combobox", { name: "Step by" }).selectOption("API");
    await page.getByRole("slider", { name: "Speed" }).fill("4");

    const add = form("Add a client");
    await add.getByLabel("Transports").selectOption({ label: "WebSocket only" });
    await add.getByRole("button", { name: "Add client" }).click();
    const added = add.getByRole("status");
    await added.getByText(/added at/).waitFor({ timeout: 20_000 });
    const text = await added.innerText();
    expect(text).toContain("(websocket)");
    const id = /(client-\d+) added at (127\.\d+\.\d+\.\d+)/.exec(text);
    expect(id).not.toBeNull();
    const [, client, ip] = id as RegExpExecArray;
    expect(commands[0]).toEqual({ type: "add-client", transports: "websocket" });

    // The new client is listed (from the trace) once it has connected.
    await panel().getByRole("list", { name: "Clients" }).getByText(client as string, { exact: true }).waitFor({ timeout: 20_000 });

    const emit = form("Emit an event");
    await expect(tab("Emit").getAttribute("aria-selected")).resolves.toBe("true");
    await emit.getByLabel("From").selectOption(client as string);
    await emit.getByLabel("Event").fill("hello");
    await emit.getByLabel("Arguments (JSON array)").fill('["world"]');
    await emit.getByLabel("ack").check();
    await expect(emit.innerText()).resolves.toContain('await socket.timeout(5000).emitWithAck("hello", "world")');
    await emit.getByRole("button", { name: "Emit" }).click();
    await emit.getByRole("status").getByText('ack: "got it"').waitFor({ timeout: 20_000 });
    expect(commands.at(-1)).toEqual({ type: "emit", from: client, nsp: "/", event: "hello", args: '["world"]', ack: true });

    // Addressing draws the new host with its address once the playhead reaches it.
    const addressing = page.getByRole("region", { name: "Addressing", exact: true });
    const label = `client ${(client as string).split("-")[1]}`;
    for (let i = 0; i < 150; i++) {
      const view = await addressing.innerText();
      if (view.includes(label) && view.includes(ip as string)) break;
      await page.waitForTimeout(200);
    }
    const view = await addressing.innerText();
    expect(view).toContain(label);
    expect(view).toContain(ip);
    expect(errors).toEqual([]);
  }, 90_000);

  it("shows a JSON error inline and sends nothing", async () => {
    const emit = form("Emit an event");
    const args = emit.getByLabel("Arguments (JSON array)");
    await args.fill("[world");
    const alert = emit.getByRole("alert");
    await expect(alert.innerText()).resolves.toMatch(/^Not valid JSON: /);
    await expect(args.getAttribute("aria-invalid")).resolves.toBe("true");
    const before = commands.length;
    await emit.getByRole("button", { name: "Emit" }).click();
    await page.waitForTimeout(300);
    expect(commands.length).toBe(before);
    // The field with the error gets the focus back, and the last answer still shows.
    await expect(args.evaluate((el) => el === el.ownerDocument.activeElement)).resolves.toBe(true);
    await expect(emit.getByRole("status").innerText()).resolves.toContain('ack: "got it"');

    // Valid JSON that is not an array is refused the same way.
    await args.fill('"world"');
    await expect(alert.innerText()).resolves.toContain("must be a JSON array");
    await args.fill('["world"]');
    await expect(emit.getByRole("alert").count()).resolves.toBe(0);
  });

  it("attaching where nothing listens gives a plain error", async () => {
    const port = await closedPort();
    await tab("Attach").click();
    const attach = form("Attach to a server");
    const url = attach.getByLabel("Socket.IO server URL");
    await expect(url.inputValue()).resolves.toBe("http://127.0.0.1:3000");
    await url.fill(`http://127.0.0.1:${port}`);
    await attach.getByRole("button", { name: "Attach" }).click();
    const status = attach.getByRole("status");
    await status.getByText(/nothing is listening/).waitFor({ timeout: 20_000 });
    await expect(status.innerText()).resolves.toContain(`nothing is listening at 127.0.0.1:${port}`);
    expect(errors).toEqual([]);
  }, 30_000);

  // Rewrites the PNG only when asked, as tests/e2e/screenshots.test.ts does.
  it.skipIf(process.env.SOCKETSCOPE_SCREENSHOTS !== "1")("takes a screenshot of the panel at 1366×768", async () => {
    await tab("Emit").click();
    await page.getByRole("button", { name: "Pause", exact: true }).click().catch(() => undefined);
    mkdirSync(join(ROOT, "docs/screenshots"), { recursive: true });
    await page.screenshot({ path: join(ROOT, "docs/screenshots/free-play.png") });
  });
});
