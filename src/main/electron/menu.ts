// The application menu as a pure function of the shell's state: File, Edit, View, Scenario,
// Help. What the page owns (save, export, presenter, theme, the lab's scenario moves) is a
// request to the page, carried out there by the code its buttons run; main itself only picks
// files to open, keeps the recent list, and opens help. Nothing here touches Electron at runtime.

import type { MenuItemConstructorOptions } from "electron";
import type { ScenarioInfo } from "../../shared/lab-api.js";
import type { ShellRequest, ThemeChoice } from "../../shared/page-api.js";

export interface MenuState {
  platform: NodeJS.Platform;
  appName: string;
  /** Development build: adds reload and developer tools. */
  dev: boolean;
  scenarios: readonly Pick<ScenarioInfo, "id" | "title">[];
  /** The scenario the lab is running, if any. */
  scenario: string | undefined;
  /** A scenario is loaded and has steps left. */
  canStep: boolean;
  recent: readonly string[];
}

export interface MenuActions {
  /** Asks the page to act: the same code as its buttons. */
  request(request: ShellRequest): void;
  openTrace(): void;
  openRecent(path: string): void;
  clearRecent(): void;
  about(): void;
  traceFormatDoc(): void;
  openLink(url: string): void;
}

const THEMES: { theme: ThemeChoice; label: string }[] = [
  { theme: "system", label: "Follow System" },
  { theme: "light", label: "Light" },
  { theme: "dark", label: "Dark" },
  { theme: "contrast", label: "High Contrast" },
];

/** Keeps the last part of a path readable in a menu. */
function recentLabel(path: string, index: number): string {
  const name = path.split(/[\\/]/).pop() ?? path;
  return `${index < 9 ? `&${index + 1} ` : ""}${name}`;
}

export function buildMenuTemplate(state: MenuState, actions: MenuActions): MenuItemConstructorOptions[] {
  const mac = state.platform === "darwin";
  const sep: MenuItemConstructorOptions = { type: "separator" };

  const recent: MenuItemConstructorOptions[] =
    state.recent.length === 0
      ? [{ label: "No Recent Traces", enabled: false }]
      : [
          ...state.recent.map((path, i) => ({ label: recentLabel(path, i), toolTip: path, click: () => actions.openRecent(path) })),
          sep,
          { label: "Clear Recent", click: () => actions.clearRecent() },
        ];

  const file: MenuItemConstructorOptions = {
    label: "&File",
    submenu: [
      { label: "&Open Trace…", accelerator: "CmdOrCtrl+O", click: () => actions.openTrace() },
      { label: "Open &Recent", submenu: recent },
      sep,
      { label: "&Save Trace As…", accelerator: "CmdOrCtrl+Shift+S", click: () => actions.request({ type: "save-trace" }) },
      { label: "Save as &Web Page…", click: () => actions.request({ type: "save-web-page" }) },
      {
        label: "&Export View",
        submenu: [
          { label: "As &SVG…", click: () => actions.request({ type: "export-view", format: "svg" }) },
          { label: "As &PNG…", click: () => actions.request({ type: "export-view", format: "png" }) },
        ],
      },
      ...(mac ? [] : [sep, { role: "quit" as const, label: "E&xit" }]),
    ],
  };

  const view: MenuItemConstructorOptions = {
    label: "&View",
    submenu: [
      // The page holds presenter mode and the theme (its own buttons change them too), so these
      // are plain items that ask it, not check marks that could disagree with it.
      { label: "Toggle &Presenter Mode", accelerator: "F5", click: () => actions.request({ type: "toggle-presenter" }) },
      {
        label: "&Theme",
        submenu: THEMES.map(({ theme, label }) => ({ label, click: () => actions.request({ type: "set-theme", theme }) })),
      },
      sep,
      { role: "resetZoom" },
      { role: "zoomIn" },
      { role: "zoomOut" },
      sep,
      { role: "togglefullscreen" },
      ...(state.dev ? [sep, { role: "reload" as const }, { role: "toggleDevTools" as const }] : []),
    ],
  };

  const scenario: MenuItemConstructorOptions = {
    label: "&Scenario",
    submenu: [
      ...(state.scenarios.length === 0
        ? [{ label: "Scenarios load with the lab…", enabled: false }]
        : state.scenarios.map((s) => ({
            label: s.title,
            type: "radio" as const,
            checked: state.scenario === s.id,
            click: () => actions.request({ type: "start-scenario", id: s.id }),
          }))),
      sep,
      { label: "&Next Step", accelerator: "F8", enabled: state.canStep, click: () => actions.request({ type: "next-step" }) },
      {
        label: "&Restart",
        accelerator: "CmdOrCtrl+Shift+R",
        enabled: state.scenario !== undefined,
        click: () => actions.request({ type: "restart-scenario" }),
      },
    ],
  };

  const help: MenuItemConstructorOptions = {
    label: "&Help",
    role: "help",
    submenu: [
      { label: "The &Trace Format", click: () => actions.traceFormatDoc() },
      { label: "Socket.IO &Documentation", click: () => actions.openLink("https://socket.io/docs/v4/") },
      { label: "Socket.IO &Protocol", click: () => actions.openLink("https://socket.io/docs/v4/socket-io-protocol/") },
      ...(mac ? [] : [sep, { label: `&About ${state.appName}`, click: () => actions.about() }]),
    ],
  };

  const appMenu: MenuItemConstructorOptions[] = mac
    ? [
        {
          label: state.appName,
          submenu: [
            { label: `About ${state.appName}`, click: () => actions.about() },
            sep,
            { role: "services" },
            sep,
            { role: "hide" },
            { role: "hideOthers" },
            { role: "unhide" },
            sep,
            { role: "quit" },
          ],
        },
      ]
    : [];

  return [...appMenu, file, { role: "editMenu" }, view, scenario, ...(mac ? [{ role: "windowMenu" as const }] : []), help];
}
