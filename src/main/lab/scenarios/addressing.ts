// addressing: IP addresses and ports; a socket is an address plus a port.
import type { LabClient } from "../lab.js";
import { connected, type Scenario } from "./scenario.js";

export const addressing: Scenario = {
  id: "addressing",
  title: "Addresses and ports",
  summary: "One IP address, two services told apart by port; three clients, each with its own address and an ephemeral port.",
  keyView: "Addressing",
  steps: [
    {
      title: "One address, two listening ports",
      narration:
        "The server machine has one IP address, 127.0.0.1. Two programs listen on it: Socket.IO on port 3000 and a small status service on the next port. A port number is how one address offers several services.",
      async run() {},
    },
    {
      title: "Clients connect, each from its own address",
      narration:
        "Clients at 127.0.0.2, 127.0.0.3, 127.0.0.4 (three by default) each open a TCP connection to 127.0.0.1:3000. The operating system gives each client an ephemeral port. Each connection is named by its 4-tuple: client IP and port, server IP and port.",
      async run({ lab, state, clients: count }) {
        const clients: LabClient[] = [];
        for (let i = 0; i < (count ?? 3); i++) clients.push(await lab.addClient({ transports: "websocket" }));
        state.clients = clients;
        await Promise.all(clients.map((c) => connected(c.socket("/"))));
      },
    },
    {
      title: "Another port, another service",
      narration:
        "Client 1 sends a plain HTTP GET to the same IP address but the status service's port. Same machine, different socket: the port decides which program answers.",
      async run({ state }) {
        const [first] = state.clients as LabClient[];
        const body = await first!.fetchService("/");
        if (!body.includes("status service")) throw new Error("the status service did not answer");
      },
    },
  ],
};
