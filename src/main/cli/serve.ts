// `serve`: the lab's server alone, open to Socket.IO clients the lab did not start. They
// appear as external hosts, traced at every layer the server sees. With `scaleOut`, several
// server nodes behind the lab's load balancer instead, the clients connecting to the balancer.

import { createLab, type Lab } from "../lab/lab.js";
import type { ScaleOutChoices } from "../lab/scale-out/choices.js";
import { createScaleOutLab, isScaleOutLab } from "../lab/scale-out/scale-out-lab.js";
import { isLoopback } from "../lab/loopback.js";
import { createSummary } from "./summary.js";

export async function serve(options: { port: number; out: string; duration?: number; host?: string; scaleOut?: ScaleOutChoices; print: (line: string) => void }): Promise<number> {
  const { print } = options;
  const host = options.host ?? "127.0.0.1";
  if (!isLoopback(host)) print(`warning: listening on ${host}, not loopback: other machines can reach this server.`);
  const labOptions = { port: options.port, bind: host, traceFile: options.out, log: (l: string) => print(`[lab] ${l}`) };
  const lab: Lab = options.scaleOut ? await createScaleOutLab({ ...labOptions, scaleOut: options.scaleOut }) : await createLab(labOptions);
  const summary = createSummary();
  lab.recorder.subscribe((batch) => {
    for (const e of batch) {
      summary.add(e);
      if (e.layer === "lab" && e.kind === "host" && e.role === "external") print(`peer connected: ${e.ips.join(", ")} (${e.host})`);
    }
  });
  if (isScaleOutLab(lab)) {
    print(`SocketScope lab: a load balancer (${lab.balancer.mode}) at ${lab.url} in front of ${lab.nodes.map((n) => `${n.host} at http://${n.ip}:${n.port}`).join(", ")}; adapter: ${lab.adapter}${lab.redis ? ` (redis-server ${lab.redis.version} on ${lab.redis.ip}:${lab.redis.port})` : ""}`);
  } else {
    print(`SocketScope lab serving Socket.IO at ${lab.url} (namespaces /, /chat, /streaming-response); status service on port ${lab.servicePort}`);
  }
  print(`tracing to ${options.out}; stop with Ctrl+C${options.duration ? ` or after ${options.duration} s` : ""}`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      clearTimeout(timer);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    const timer = options.duration ? setTimeout(stop, options.duration * 1000) : undefined;
  });
  await lab.dispose();
  for (const line of summary.lines()) print(line);
  print(`trace written to ${options.out}`);
  return 0;
}
