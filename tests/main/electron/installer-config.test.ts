// @vitest-environment node
// The installer configuration (electron-builder.yml) and the afterPack hook's fuse settings.
// The packaging itself needs Electron's binaries and cannot run offline.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { FuseV1Options, FuseVersion } from "@electron/fuses";

const root = join(import.meta.dirname, "../../..");
// js-yaml (electron-builder's own YAML reader) ships no types; a variable specifier keeps tsc out.
const jsYaml = "js-yaml";
const yaml = (await import(jsYaml)) as { load(text: string): unknown };
// biome-ignore lint/suspicious/noExplicitAny: a YAML document, read field by field below
const config = yaml.load(readFileSync(join(root, "electron-builder.yml"), "utf8")) as Record<string, any>;
const hookUrl = pathToFileURL(join(root, "build/after-pack.mjs")).href;

describe("electron-builder.yml", () => {
  it("names the app", () => {
    expect(config.appId).toBe("org.socketscope.app");
    expect(config.productName).toBe("SocketScope");
  });

  it("targets AppImage + deb, dmg and NSIS", () => {
    expect(config.linux.target).toEqual(["AppImage", "deb"]);
    expect(config.mac.target).toEqual(["dmg"]);
    expect(config.win.target).toEqual(["nsis"]);
  });

  it("packs the built app into an asar and runs the fuse hook after packing", () => {
    expect(config.asar).toBe(true);
    expect(config.files).toContain("out/**/*");
    expect(config.afterPack).toBe("./build/after-pack.mjs");
    expect(config.directories.output).toBe("dist");
  });

  it("has a 512×512 PNG icon", () => {
    expect(config.icon).toBe("build/icon.png");
    const png = readFileSync(join(root, "build/icon.png"));
    expect(png.subarray(1, 4).toString("ascii")).toBe("PNG");
    expect(png.readUInt32BE(16)).toBe(512); // IHDR width
    expect(png.readUInt32BE(20)).toBe(512); // IHDR height
  });
});

describe("the fuses", () => {
  it.each([
    ["RunAsNode", FuseV1Options.RunAsNode, false],
    ["EnableNodeOptionsEnvironmentVariable", FuseV1Options.EnableNodeOptionsEnvironmentVariable, false],
    ["EnableNodeCliInspectArguments", FuseV1Options.EnableNodeCliInspectArguments, false],
    ["EnableEmbeddedAsarIntegrityValidation", FuseV1Options.EnableEmbeddedAsarIntegrityValidation, true],
    ["OnlyLoadAppFromAsar", FuseV1Options.OnlyLoadAppFromAsar, true],
  ] as const)("%s is %s", async (_name, fuse, on) => {
    const { FUSES } = (await import(hookUrl)) as { FUSES: Record<number | string, unknown> };
    expect(FUSES.version).toBe(FuseVersion.V1);
    expect(FUSES[fuse]).toBe(on);
  });

  it("flips them on the packed executable of each platform", async () => {
    vi.resetModules();
    const flipFuses = vi.fn(async () => 0);
    vi.doMock("@electron/fuses", async (orig) => ({ ...(await orig<object>()), flipFuses }));
    const hook = (await import(`${hookUrl}?mocked`)) as { afterPack(c: unknown): Promise<void> };
    const ctx = (platform: string) => ({
      appOutDir: "/o",
      electronPlatformName: platform,
      packager: { appInfo: { productFilename: "SocketScope" }, executableName: "socketscope" },
    });
    await hook.afterPack(ctx("linux"));
    await hook.afterPack(ctx("win32"));
    await hook.afterPack(ctx("darwin"));
    expect(flipFuses.mock.calls.map((c) => (c as unknown[])[0])).toEqual([
      join("/o", "socketscope"),
      join("/o", "SocketScope.exe"),
      join("/o", "SocketScope.app"),
    ]);
    const darwinConfig = (flipFuses.mock.calls[2] as unknown[])[1] as Record<string, unknown>;
    expect(darwinConfig.resetAdHocDarwinSignature).toBe(true);
    expect(darwinConfig[FuseV1Options.RunAsNode]).toBe(false);
    vi.doUnmock("@electron/fuses");
  });
});
