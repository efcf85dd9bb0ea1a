// Why a Socket.IO server could not be attached to, in words a learner can act on: nothing
// listening, not Socket.IO at all, or an older protocol. One plain HTTP request to the
// Engine.IO handshake path tells them apart.

import { request } from "node:http";
import { request as requestTls } from "node:https";
import { sidOfPollingOpen } from "../../shared/engine/open-packet.js";

const TIMEOUT_MS = 3000;

export async function diagnoseServer(url: URL, clientMessage: string): Promise<string> {
  const where = url.host;
  // The Engine.IO handshake path does not depend on the namespace in the URL.
  const path = "/socket.io/?EIO=4&transport=polling";
  const answer = await new Promise<{ status: number; body: string } | { error: string }>((resolve) => {
    const req = (url.protocol === "https:" ? requestTls : request)(
      { host: url.hostname, port: url.port || (url.protocol === "https:" ? 443 : 80), path, method: "GET", timeout: TIMEOUT_MS },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => {
          if (body.length < 2000) body += d;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("timeout", () => {
      req.destroy();
      resolve({ error: "ETIMEDOUT" });
    });
    req.on("error", (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    req.end();
  });
  if ("error" in answer) {
    switch (answer.error) {
      case "ECONNREFUSED":
        return `nothing is listening at ${where} (connection refused)`;
      case "ENOTFOUND":
      case "EAI_AGAIN":
        return `the host name ${url.hostname} does not resolve`;
      case "ETIMEDOUT":
        return `${where} did not answer within ${TIMEOUT_MS / 1000} s`;
      default:
        return `${where} could not be reached (${answer.error})`;
    }
  }
  const { status, body } = answer;
  if (status === 200 && /^\d+:0\{/.test(body)) {
    return `${where} speaks an older protocol (Engine.IO 3, Socket.IO 2); SocketScope's clients speak Engine.IO 4 (Socket.IO 3 and 4)`;
  }
  if (status === 400 && /Unsupported protocol version/i.test(body)) {
    return `${where} refused Engine.IO protocol 4: it runs another version of Socket.IO than 3 or 4`;
  }
  if (status === 200 && sidOfPollingOpen(body) !== undefined) {
    return `${where} is a Socket.IO server, but the connection failed: ${clientMessage}`;
  }
  return `${where} answered HTTP ${status} at ${path.split("?")[0]}: it is not a Socket.IO server (or serves Socket.IO under another path)`;
}
