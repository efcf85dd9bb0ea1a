// @vitest-environment node
// Every permission request and check is denied, whatever the permission.

import { describe, expect, it, vi } from "vitest";
import { denyAllPermissions } from "../../../src/main/electron/permissions.js";
import { FakeSession } from "./fakes.js";

const PERMISSIONS = ["media", "geolocation", "notifications", "clipboard-read", "openExternal", "fullscreen", "hid", "serial", "usb", "unknown"];

describe("permissions", () => {
  it.each(PERMISSIONS)("a request for %s is denied and logged", (permission) => {
    const session = new FakeSession();
    const log = vi.fn();
    denyAllPermissions(session, log);
    const callback = vi.fn();
    session.requestHandler!({}, permission, callback);
    expect(callback).toHaveBeenCalledExactlyOnceWith(false);
    expect(log).toHaveBeenCalledWith(expect.stringContaining(permission));
  });

  it.each(PERMISSIONS)("a check for %s answers false", (permission) => {
    const session = new FakeSession();
    denyAllPermissions(session, vi.fn());
    expect(session.checkHandler!({}, permission)).toBe(false);
  });

  it("denies device access (USB, serial, HID)", () => {
    const session = new FakeSession();
    denyAllPermissions(session, vi.fn());
    expect(session.deviceHandler!({ deviceType: "usb" })).toBe(false);
  });
});
