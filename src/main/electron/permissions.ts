// SocketScope needs no browser permission (camera, notifications, USB, …): every request and
// every check is answered "no", and each request is logged.

import type { Log } from "./navigation-guard.js";

/** The slice of Electron's `session` this module uses. */
export interface PermissionSession {
  setPermissionRequestHandler(
    handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
  setDevicePermissionHandler?(handler: (details: unknown) => boolean): void;
}

export function denyAllPermissions(session: PermissionSession, log: Log): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    log(`permission "${permission}" requested: denied`);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler?.(() => false);
}
