// Profiling driver for capture cost: N acked emits over one transport, through the lab (full
// capture, its captures in a worker thread as by default), the lab with its captures on
// Socket.IO's thread (`thread`), the lab with its probes only (records to a ring, never
// applied: `probes`) or bare socket.io, nothing else. Run under a profiler, e.g.
//   node --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof bench/profile-capture.ts lab websocket 20000
// then: npx tsx bench/cpu-profile-summary.ts /tmp/prof/*.cpuprofile
// or profile Socket.IO's thread during the emits only (not the set-up, nor a worker catching up after):
//   npx tsx bench/profile-capture.ts lab websocket 5000 /tmp/drive.cpuprofile

import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { probesOnly } from "./capture-deferred.js";
import { bare, drive, traced, type Transport } from "./capture-overhead.js";

const which = process.argv[2] === "bare" ? "bare" : process.argv[2] === "probes" ? "probes" : process.argv[2] === "thread" ? "thread" : "lab";
const transport: Transport = process.argv[3] === "polling" ? "polling" : "websocket";
const emits = Number(process.argv[4] ?? 20_000);
const profileTo = process.argv[5];
// The probes' records are caught on Socket.IO's thread: with `probes` the captures must run there.
const h = await (which === "bare" ? bare(transport) : traced(transport, which === "lab" ? undefined : "thread"));
await drive(h.socket, 1000, 100);
const stop = which === "probes" ? probesOnly() : () => {};
const session = profileTo ? new Session() : undefined;
if (session) {
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
}
const cpu = process.cpuUsage();
const ms = await drive(h.socket, emits, 100);
const used = process.cpuUsage(cpu);
if (session && profileTo) {
  const { profile } = await session.post("Profiler.stop");
  writeFileSync(profileTo, JSON.stringify(profile));
  session.disconnect();
}
stop();
console.log(`${which}: ${emits} acked emits over ${transport}: ${ms.toFixed(0)} ms wall, ${((used.user + used.system) / 1000).toFixed(0)} ms CPU, ${h.events()} events`);
await h.close();
process.exit(0);
