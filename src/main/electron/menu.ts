// The application menu as a pure function of the shell's state: File, Edit, View, Scenario,
// Help. Clicks call the injected actions; nothing here touches Electron at runtime.

import type { MenuItemConstructorOptions } from "electron";
import type { ScenarioInfo } from "../../shared/lab-api.js";

export type Theme = "system" | "light" | "dark";

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
  /** There is a trace to save. */
  canSave: boolean;
  recent: readonly string[];
  presenter: boolean;
  theme: Theme;
}

export interface MenuActions {
  openTrace(): void;
  openRecent(path: string): void;
  clearRecent(): void;
  saveTraceAs(): void;
  exportView(format: "svg" | "png"): void;
  setPresenter(on: boolean): void;
  setTheme(theme: Theme): void;
  startScenario(id: string): void;
  nextStep(): void;
  restartScenario(): void;
  about(): void;
  traceFormatDoc(): void;
  openLink(url: string): void;
}

const THEMES: { theme: Theme; label: string }[] = [
  { theme: "system", label: "Follow System" },
  { theme: "light", label: "Light" },
  { theme: "dark", label: "Dark" },
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
      { label: "&Save Trace As…", accelerator: "CmdOrCtrl+Shift+S", enabled: state.canSave, click: () => actions.saveTraceAs() },
      {
        label: "&Export View",
        submenu: [
          { label: "As &SVG…", click: () => actions.exportView("svg") },
          { label: "As &PNG…", click: () => actions.exportView("png") },
        ],
      },
      ...(mac ? [] : [sep, { role: "quit" as const, label: "E&xit" }]),
    ],
  };

  const view: MenuItemConstructorOptions = {
    label: "&View",
    submenu: [
      {
        label: "&Presenter Mode",
        type: "checkbox",
        checked: state.presenter,
        accelerator: "F5",
        click: () => actions.setPresenter(!state.presenter),
      },
      {
        label: "&Theme",
        submenu: THEMES.map(({ theme, label }) => ({
          label,
          type: "radio" as const,
          checked: state.theme === theme,
          click: () => actions.setTheme(theme),
        })),
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
            click: () => actions.startScenario(s.id),
          }))),
      sep,
      { label: "&Next Step", accelerator: "F8", enabled: state.canStep, click: () => actions.nextStep() },
      { label: "&Restart", accelerator: "CmdOrCtrl+Shift+R", enabled: state.scenario !== undefined, click: () => actions.restartScenario() },
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
