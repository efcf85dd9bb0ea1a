// The web preferences every SocketScope window is created with. The one place they are set:
// the window factory spreads this and nothing else, and the tests pin each value.

export const SECURE_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false,
  navigateOnDragDrop: false,
  spellcheck: false,
} as const;

export type SecureWebPreferences = typeof SECURE_WEB_PREFERENCES & { preload: string };

/** `preloadPath` must be the built CommonJS preload: a sandboxed preload cannot be an ES module. */
export function createWebPreferences(preloadPath: string): SecureWebPreferences {
  if (!/\.c?js$/.test(preloadPath)) throw new Error(`the preload must be a CommonJS file: ${preloadPath}`);
  return { ...SECURE_WEB_PREFERENCES, preload: preloadPath };
}
