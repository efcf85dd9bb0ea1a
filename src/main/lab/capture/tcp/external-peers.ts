// Names the hosts the lab did not start (a peer at an address no lab host has): one host per
// address, `external-N`, declared in the trace the first time it is seen.

import type { Endpoint } from "../../../../shared/trace/types.js";
import type { Correlator } from "../correlator.js";

export function createExternalPeers(c: Correlator): (remote: Endpoint) => string {
  const byIp = new Map<string, string>();
  return (remote) => {
    let id = byIp.get(remote.ip);
    if (!id) {
      id = `external-${byIp.size + 1}`;
      byIp.set(remote.ip, id);
      c.record({ layer: "lab", kind: "host", host: id, role: "external", label: `peer at ${remote.ip}`, ips: [remote.ip] });
    }
    return id;
  };
}
