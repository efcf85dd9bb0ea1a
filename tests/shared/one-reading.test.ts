// The shared readers that replaced copies: the one loopback check and the one Engine.IO sid reading.
import { describe, expect, it } from "vitest";
import { isLoopbackHost, isLoopbackIPv4 } from "../../src/shared/loopback.js";
import { sidOfOpenData, sidOfPollingOpen } from "../../src/shared/engine/open-packet.js";
import { DEFAULT_NETWORK } from "../../src/shared/network-settings.js";

describe("the loopback check", () => {
  it.each([
    ["127.0.0.1", true],
    ["127.0.0.2", true],
    ["127.255.255.255", true],
    ["127.evil", false],
    ["127.0.0.256", false],
    ["127.0.0.01", false],
    ["127.0.0", false],
    ["127.0.0.1.5", false],
    ["10.0.0.1", false],
    [" 127.0.0.1", false],
  ])("IPv4 %s → %s", (ip, ok) => expect(isLoopbackIPv4(ip)).toBe(ok));

  it.each([
    ["::1", true],
    ["localhost", true],
    ["127.0.0.1", true],
    ["127.evil", false],
    ["0.0.0.0", false],
    ["192.168.1.2", false],
  ])("host %s → %s", (host, ok) => expect(isLoopbackHost(host)).toBe(ok));
});

describe("the Engine.IO session id", () => {
  it("reads sid from an open packet's JSON, and nothing from anything else", () => {
    expect(sidOfOpenData('{"sid":"AbC-1","upgrades":["websocket"],"pingInterval":25000}')).toBe("AbC-1");
    expect(sidOfOpenData('{"upgrades":[],"note":"\\"sid\\":\\"fake\\""}')).toBeUndefined();
    expect(sidOfOpenData('{"sid":7}')).toBeUndefined();
    expect(sidOfOpenData("null")).toBeUndefined();
    expect(sidOfOpenData("not json")).toBeUndefined();
  });

  it("reads it from a polling body whose first packet is open", () => {
    expect(sidOfPollingOpen('0{"sid":"x1","upgrades":[]}\x1e40')).toBe("x1");
    expect(sidOfPollingOpen('40{"sid":"x1"}')).toBeUndefined();
    expect(sidOfPollingOpen('0{"sidx":"x1"}')).toBeUndefined();
  });
});

describe("the one default network", () => {
  it("cuts into small segments for teaching, for the app and the command line alike", () => {
    expect(DEFAULT_NETWORK.mss).toBe(64);
  });
});
