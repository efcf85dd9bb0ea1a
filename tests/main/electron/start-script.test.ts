// @vitest-environment node
// `npm start`'s decision, with its probes injected: binary missing → web mode, no display → web
// mode, binary ok + display → Electron; and the one paragraph it prints when it falls back.

import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it, vi } from "vitest";

type Decision = { mode: "electron"; electronPath: string } | { mode: "web"; reason: string; detail: string };
interface Probes {
  platform: string;
  env: Record<string, string | undefined>;
  forceWeb?: boolean;
  findBinary(): string | null;
  canReachDownloadHost(): Promise<boolean>;
  download(): Promise<{ ok: boolean; detail: string }>;
}
interface StartScript {
  decideStart(p: Probes): Promise<Decision>;
  explain(d: Decision): string;
  hasDisplay(platform: string, env: Record<string, string | undefined>): boolean;
  downloadHost(env: Record<string, string | undefined>): string;
  browserCommand(platform: string, env: Record<string, string | undefined>, url: string): [string, string[]] | null;
  findElectronBinary(env: Record<string, string | undefined>): string | null;
}

// A variable path keeps the typecheck from resolving the .mjs; the interface above is its contract.
const scriptPath = pathToFileURL(join(import.meta.dirname, "../../../scripts/start.mjs")).href;
const start = (await import(scriptPath)) as StartScript;

function probes(over: Partial<Probes> = {}): Probes {
  return {
    platform: "linux",
    env: { DISPLAY: ":0" },
    findBinary: vi.fn(() => "/x/electron"),
    canReachDownloadHost: vi.fn(async () => true),
    download: vi.fn(async () => ({ ok: true, detail: "" })),
    ...over,
  };
}

describe("the start decision", () => {
  it("binary installed + display → Electron, without touching the network", async () => {
    const p = probes();
    expect(await start.decideStart(p)).toEqual({ mode: "electron", electronPath: "/x/electron" });
    expect(p.canReachDownloadHost).not.toHaveBeenCalled();
    expect(p.download).not.toHaveBeenCalled();
  });

  it("no display on Linux → web mode, before looking for the binary", async () => {
    const p = probes({ env: {} });
    const d = await start.decideStart(p);
    expect(d).toMatchObject({ mode: "web", reason: "no-display" });
    expect(p.findBinary).not.toHaveBeenCalled();
  });

  it("a Wayland display counts as a display", async () => {
    expect(await start.decideStart(probes({ env: { WAYLAND_DISPLAY: "wayland-0" } }))).toMatchObject({ mode: "electron" });
  });

  it("macOS and Windows always have a display", () => {
    expect(start.hasDisplay("darwin", {})).toBe(true);
    expect(start.hasDisplay("win32", {})).toBe(true);
    expect(start.hasDisplay("linux", {})).toBe(false);
  });

  it("binary missing, download host unreachable → web mode, without starting a download", async () => {
    const p = probes({ findBinary: vi.fn(() => null), canReachDownloadHost: vi.fn(async () => false) });
    const d = await start.decideStart(p);
    expect(d).toMatchObject({ mode: "web", reason: "no-binary" });
    expect(p.download).not.toHaveBeenCalled();
  });

  it("binary missing, download fails → web mode with the installer's reason", async () => {
    const p = probes({
      findBinary: vi.fn(() => null),
      download: vi.fn(async () => ({ ok: false, detail: "TypeError: fetch failed" })),
    });
    expect(await start.decideStart(p)).toEqual({ mode: "web", reason: "no-binary", detail: "TypeError: fetch failed" });
  });

  it("binary missing, download works → Electron", async () => {
    const found = vi.fn<() => string | null>().mockReturnValueOnce(null).mockReturnValueOnce("/x/dist/electron");
    expect(await start.decideStart(probes({ findBinary: found }))).toEqual({ mode: "electron", electronPath: "/x/dist/electron" });
  });

  it("--web or SOCKETSCOPE_WEB=1 → web mode without a fallback message", async () => {
    expect(await start.decideStart(probes({ forceWeb: true }))).toMatchObject({ mode: "web", reason: "asked" });
    expect(await start.decideStart(probes({ env: { DISPLAY: ":0", SOCKETSCOPE_WEB: "1" } }))).toMatchObject({ reason: "asked" });
  });
});

describe("the fallback paragraph", () => {
  it.each([
    [{ mode: "web", reason: "no-display", detail: "neither DISPLAY nor WAYLAND_DISPLAY is set" }, /without a display/],
    [{ mode: "web", reason: "no-binary", detail: "https://github.com cannot be reached (no network?)" }, /could not\s+be downloaded/],
    [{ mode: "web", reason: "electron-failed", detail: "libnss3.so: cannot open" }, /exited at launch/],
  ] as const)("says what failed, why and what happens instead (%o)", (decision, what) => {
    const text = start.explain(decision as Decision);
    expect(text).toMatch(what);
    expect(text).toContain(decision.detail);
    expect(text).toContain("web mode instead");
    expect(text).not.toContain("\n"); // one paragraph
  });
});

describe("probes", () => {
  it("asks the same host @electron/get downloads from", () => {
    expect(start.downloadHost({})).toBe("https://github.com");
    expect(start.downloadHost({ ELECTRON_MIRROR: "https://npmmirror.com/mirrors/electron/" })).toBe("https://npmmirror.com");
  });

  it("finds no binary here without triggering electron's download (it only reads path.txt)", () => {
    const t0 = Date.now();
    const found = start.findElectronBinary({});
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(found === null || typeof found === "string").toBe(true);
  });

  it("opens the browser with the platform's command, and not at all on a headless Linux", () => {
    expect(start.browserCommand("darwin", {}, "http://127.0.0.1:1/")).toEqual(["open", ["http://127.0.0.1:1/"]]);
    expect(start.browserCommand("win32", {}, "http://127.0.0.1:1/")).toEqual(["cmd", ["/c", "start", "", "http://127.0.0.1:1/"]]);
    expect(start.browserCommand("linux", { DISPLAY: ":0" }, "http://127.0.0.1:1/")).toEqual(["xdg-open", ["http://127.0.0.1:1/"]]);
    expect(start.browserCommand("linux", {}, "http://127.0.0.1:1/")).toBeNull();
  });
});
