// The one loopback check: what counts as this machine's loopback, for the lab's client source
// addresses (IPv4 127.0.0.0/8), for the page's form and for where the lab may listen.

/** An IPv4 address in 127.0.0.0/8, written as four decimal parts of 0 to 255 ("127.0.0.2"). */
export function isLoopbackIPv4(text: string): boolean {
  const parts = text.split(".");
  return parts.length === 4 && parts[0] === "127" && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

/** A host to listen on that only this machine can reach: 127.x.y.z, ::1 or localhost. */
export function isLoopbackHost(host: string): boolean {
  return isLoopbackIPv4(host) || host === "::1" || host.toLowerCase() === "localhost";
}
