// The one reading of an Engine.IO session id: the `sid` of an open packet's JSON data
// ({"sid":"…","upgrades":[…],"pingInterval":…}), for the lab's capture, its attach diagnosis
// and the page's views alike. Pure; anything that is not such JSON has no sid.

/** The sid in an open packet's data, or undefined. */
export function sidOfOpenData(data: string): string | undefined {
  try {
    const sid = (JSON.parse(data) as { sid?: unknown } | null)?.sid;
    return typeof sid === "string" && sid !== "" ? sid : undefined;
  } catch {
    return undefined;
  }
}

/** The sid of an HTTP long-polling body whose first packet is an open packet ("0{…}"). */
export function sidOfPollingOpen(body: string): string | undefined {
  const first = body.split("\x1e", 1)[0] ?? "";
  return first.startsWith("0") ? sidOfOpenData(first.slice(1)) : undefined;
}
