// @vitest-environment node
// The menu is a pure function of state: its items, what is enabled and checked, and what each
// click calls. Also the recent-files list and the unsaved-trace question asked on quit.

import { describe, expect, it, vi, type Mock } from "vitest";
import type { MenuItemConstructorOptions } from "electron";
import { buildMenuTemplate, type MenuActions, type MenuState } from "../../../src/main/electron/menu.js";
import { addRecent, parseRecent } from "../../../src/main/electron/recent-files.js";
import { decideAfterPrompt, unsavedPrompt } from "../../../src/main/electron/unsaved-prompt.js";

const base: MenuState = {
  platform: "linux",
  appName: "SocketScope",
  dev: false,
  scenarios: [
    { id: "addressing", title: "Addresses and ports" },
    { id: "hello-ack", title: "Hello, ack" },
  ],
  scenario: "hello-ack",
  canStep: true,
  recent: ["/home/u/a.ndjson", "C:\\traces\\b.ndjson"],
};

function actions(): { [K in keyof MenuActions]: Mock<MenuActions[K]> } {
  const names = ["request", "openTrace", "openRecent", "clearRecent", "about", "traceFormatDoc", "openLink"];
  return Object.fromEntries(names.map((n) => [n, vi.fn()])) as never;
}

const sub = (item: MenuItemConstructorOptions | undefined): MenuItemConstructorOptions[] =>
  (item?.submenu as MenuItemConstructorOptions[] | undefined) ?? [];
const top = (t: MenuItemConstructorOptions[], label: string) => t.find((i) => i.label?.replace("&", "") === label);
const item = (items: MenuItemConstructorOptions[], label: string) => items.find((i) => i.label?.replace(/&/g, "") === label);
const click = (i: MenuItemConstructorOptions | undefined) => {
  if (!i?.click) throw new Error(`menu item ${i?.label ?? "(missing)"} has no click`);
  (i.click as () => void)();
};

describe("the menu template", () => {
  it("has File, Edit, View, Scenario and Help (plus the app menu and Window on macOS)", () => {
    const linux = buildMenuTemplate(base, actions());
    expect(linux.map((i) => i.label ?? i.role)).toEqual(["&File", "editMenu", "&View", "&Scenario", "&Help"]);
    const mac = buildMenuTemplate({ ...base, platform: "darwin" }, actions());
    expect(mac.map((i) => i.label ?? i.role)).toEqual(["SocketScope", "&File", "editMenu", "&View", "&Scenario", "windowMenu", "&Help"]);
  });

  it("File: open and recent files in main; save as and export SVG/PNG asked of the page", () => {
    const a = actions();
    const file = sub(top(buildMenuTemplate(base, a), "File"));
    click(item(file, "Open Trace…"));
    expect(a.openTrace).toHaveBeenCalled();
    const recent = sub(item(file, "Open Recent"));
    expect(recent.map((i) => i.label)).toEqual(["&1 a.ndjson", "&2 b.ndjson", undefined, "Clear Recent"]);
    click(recent[1]);
    expect(a.openRecent).toHaveBeenCalledWith("C:\\traces\\b.ndjson");
    click(item(file, "Save Trace As…"));
    click(item(file, "Save as Web Page…"));
    const exp = sub(item(file, "Export View"));
    click(item(exp, "As SVG…"));
    click(item(exp, "As PNG…"));
    expect(a.request.mock.calls).toEqual([[{ type: "save-trace" }], [{ type: "save-web-page" }], [{ type: "export-view", format: "svg" }], [{ type: "export-view", format: "png" }]]);
  });

  it("says when there are no recent files", () => {
    const file = sub(top(buildMenuTemplate({ ...base, recent: [] }, actions()), "File"));
    expect(sub(item(file, "Open Recent"))).toEqual([{ label: "No Recent Traces", enabled: false }]);
  });

  it("View: presenter mode and theme are asked of the page (plain items, no check marks to disagree with it), zoom uses the native roles", () => {
    const a = actions();
    const view = sub(top(buildMenuTemplate(base, a), "View"));
    const presenter = item(view, "Toggle Presenter Mode")!;
    expect(presenter.type).toBeUndefined();
    click(presenter);
    const themes = sub(item(view, "Theme"));
    expect(themes.map((t) => t.label)).toEqual(["Follow System", "Light", "Dark", "High Contrast"]);
    for (const t of themes) click(t);
    expect(a.request.mock.calls).toEqual([
      [{ type: "toggle-presenter" }],
      [{ type: "set-theme", theme: "system" }],
      [{ type: "set-theme", theme: "light" }],
      [{ type: "set-theme", theme: "dark" }],
      [{ type: "set-theme", theme: "contrast" }],
    ]);
    expect(view.map((i) => i.role).filter(Boolean)).toEqual(["resetZoom", "zoomIn", "zoomOut", "togglefullscreen"]);
  });

  it("offers reload and developer tools only in development", () => {
    const roles = (dev: boolean) => sub(top(buildMenuTemplate({ ...base, dev }, actions()), "View")).map((i) => i.role);
    expect(roles(false)).not.toContain("toggleDevTools");
    expect(roles(true)).toEqual(expect.arrayContaining(["reload", "toggleDevTools"]));
  });

  it("Scenario: the list with the running one checked, Next Step and Restart", () => {
    const a = actions();
    const scen = sub(top(buildMenuTemplate(base, a), "Scenario"));
    expect(scen.slice(0, 2).map((s) => [s.label, s.checked])).toEqual([["Addresses and ports", false], ["Hello, ack", true]]);
    click(scen[0]);
    click(item(scen, "Next Step"));
    click(item(scen, "Restart"));
    expect(a.request.mock.calls).toEqual([[{ type: "start-scenario", id: "addressing" }], [{ type: "next-step" }], [{ type: "restart-scenario" }]]);
  });

  it("disables Next Step and Restart when there is nothing to step or restart", () => {
    const scen = sub(top(buildMenuTemplate({ ...base, canStep: false, scenario: undefined }, actions()), "Scenario"));
    expect(item(scen, "Next Step")!.enabled).toBe(false);
    expect(item(scen, "Restart")!.enabled).toBe(false);
  });

  it("Help: the trace format doc, Socket.IO docs (allow-listed links) and About", () => {
    const a = actions();
    const help = sub(top(buildMenuTemplate(base, a), "Help"));
    click(item(help, "The Trace Format"));
    expect(a.traceFormatDoc).toHaveBeenCalled();
    click(item(help, "Socket.IO Documentation"));
    expect(a.openLink).toHaveBeenCalledWith("https://socket.io/docs/v4/");
    click(item(help, "About SocketScope"));
    expect(a.about).toHaveBeenCalled();
  });
});

describe("recent files", () => {
  it("puts the newest first, without duplicates, at most ten", () => {
    let list: string[] = [];
    for (let i = 0; i < 12; i++) list = addRecent(list, `/t/${i}.ndjson`);
    list = addRecent(list, "/t/5.ndjson");
    expect(list[0]).toBe("/t/5.ndjson");
    expect(list).toHaveLength(10);
    expect(new Set(list).size).toBe(10);
  });

  it("reads a damaged file as an empty list", () => {
    expect(parseRecent("{nope")).toEqual([]);
    expect(parseRecent('{"a":1}')).toEqual([]);
    expect(parseRecent('["/a", 3, "", "/b"]')).toEqual(["/a", "/b"]);
  });
});

describe("the unsaved-trace prompt", () => {
  it("asks Save / Don't Save / Cancel, with Cancel as the escape answer", () => {
    const p = unsavedPrompt();
    expect(p.buttons).toEqual(["Save…", "Don't Save", "Cancel"]);
    expect(p.cancelId).toBe(2);
    expect(p.detail).toContain("has not been saved");
  });

  it("maps answers to decisions", () => {
    expect([0, 1, 2, -1].map(decideAfterPrompt)).toEqual(["save", "discard", "cancel", "cancel"]);
  });
});
