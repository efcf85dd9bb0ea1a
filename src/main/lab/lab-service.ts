// The Node side of LabApi: runs scenarios and free play on a live lab and streams the
// trace. Web mode and the Electron IPC gateway both wrap one of these.

import { networkInterfaces } from "node:os";
import type { CommandResult, FreePlayCommand, LabApi, LabStatus, TraceBatch } from "../../shared/lab-api.js";
import type { TraceEvent, TraceHeader } from "../../shared/trace/types.js";
import type { Recorder } from "../trace/recorder.js";
import { diagnoseServer } from "./attach-diagnosis.js";
import { runCommand } from "./free-play.js";
import { createClassMode } from "./class/class-mode.js";
import { CLASS_COMMAND_TYPES, type ClassCommand } from "../../shared/class-mode.js";
import { labHeader, NAMESPACES } from "./lab.js";
import { isLoopback } from "./loopback.js";
import { createScenarioRunner, scenarioHeader, type ScenarioRunner } from "./scenarios/runner.js";
import { findScenario, SCENARIOS, scenarioInfo } from "./scenarios/index.js";
import type { Scenario } from "./scenarios/scenario.js";

export interface LabServiceOptions {
  port?: number;
  /** Where trace files are written; none keeps traces in memory only. */
  traceFile?: (scenarioId: string) => string | undefined;
  log?: (line: string) => void;
  /** The built renderer, whose student page class mode serves to students. */
  rendererDir?: string;
}

export interface LabService extends LabApi {
  dispose(): Promise<void>;
}

const DEFAULT_CLIENTS = 3;


/** The addresses a user may open the lab on: loopback, all interfaces, or one of this machine's. */
function checkListenAddress(host: string): string | undefined {
  if (isLoopback(host) || host === "0.0.0.0" || host === "::") return undefined;
  const mine = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
  if (mine.includes(host)) return undefined;
  return `${host} is not an address of this machine (it has ${mine.join(", ")}; or use 0.0.0.0 for all interfaces)`;
}
/** This machine's IPv4 addresses, loopback last. */
function ipv4Addresses(): string[] {
  const all = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).filter((i) => i.family === "IPv4"));
  return [...all.filter((i) => !i.internal), ...all.filter((i) => i.internal)].map((i) => i.address);
}
const FREE_PLAY: Scenario = { id: "free-play", title: "Free play", summary: "An empty lab: add clients and emit anything.", steps: [] };

export function createLabService(options: LabServiceOptions = {}): LabService {
  let runner: ScenarioRunner | undefined;
  let recorder: Recorder | undefined;
  let unsubscribe: (() => void) | undefined;
  const traceListeners = new Set<(b: TraceBatch) => void>();
  const statusListeners = new Set<(s: LabStatus) => void>();
  const idle: LabStatus = { state: "idle", step: -1, steps: 0, namespaces: [...NAMESPACES] };

  let peers: LabStatus["openToPeers"];
  const classMode = createClassMode({ onChange: () => publish(), ...(options.rendererDir ? { rendererDir: options.rendererDir } : {}), ...(options.log ? { log: options.log } : {}) });
  const status = (): LabStatus => {
    const s = runner ? { ...runner.status(), namespaces: [...NAMESPACES] } : idle;
    const cls = classMode.status();
    return { ...s, ...(peers && runner ? { openToPeers: peers } : {}), ...(cls ? { classMode: cls } : {}), classAddresses: ipv4Addresses() };
  };
  /** The step students follow: told once per step the lab runs. */
  let followed = "";
  const follow = (s: LabStatus): void => {
    const step = runner?.scenario.steps[s.step];
    const key = `${s.scenario}/${s.step}`;
    if (!step || key === followed) return;
    followed = key;
    classMode.follow({ ...(s.scenario ? { scenario: s.scenario } : {}), index: s.step, title: step.title, narration: step.narration });
  };
  const publish = (): void => {
    const s = status();
    follow(s);
    for (const l of statusListeners) l(s);
  };

  // Starting, stopping and the free-play lab's creation run one at a time: two calls at once
  // would otherwise each build a lab and leak one.
  let lifecycle: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = lifecycle.then(fn, fn);
    lifecycle = run.catch(() => {});
    return run;
  };

  /**
   * A start under way: asked again for the same scenario and seed with nothing queued since
   * (Start, then Next step before the lab is up), it is the same start.
   */
  let starting: { id: string; seed: number; done: Promise<LabStatus>; queued: Promise<unknown> } | undefined;
  const start = (scenario: Scenario, seed: number): Promise<LabStatus> => {
    if (starting && starting.id === scenario.id && starting.seed === seed && lifecycle === starting.queued) return starting.done;
    const done = exclusive(() => startNow(scenario, seed));
    const mine = { id: scenario.id, seed, done, queued: lifecycle };
    starting = mine;
    const over = (): void => {
      if (starting === mine) starting = undefined;
    };
    done.then(over, over);
    return done;
  };
  /** The header of the trace a start under way begins (a page that joins meanwhile starts from it). */
  let startingHeader: TraceHeader | undefined;

  const startNow = async (scenario: Scenario, seed: number): Promise<LabStatus> => {
    await stopLab();
    const file = options.traceFile?.(scenario.id);
    // The page starts the new trace at once (its header is the one the lab's recorder will write).
    const header = labHeader({ scenario: scenarioHeader(scenario, seed) });
    recorder = undefined;
    startingHeader = header;
    for (const l of traceListeners) l({ reset: true, header, events: [] });
    // The lab makes its recorder (its captures then run in a worker thread, see capture/worker/).
    // The runner is set before it starts: a step asked for meanwhile runs once the lab is up.
    const next = createScenarioRunner(scenario, { seed, port: options.port ?? 3000, onChange: publish, lab: { createdAt: header.createdAt }, ...(file ? { traceFile: file } : {}), ...(options.log ? { log: options.log } : {}) });
    runner = next;
    try {
      await next.start();
    } finally {
      startingHeader = undefined;
    }
    const rec = next.lab!.recorder;
    recorder = rec;
    // Subscribed first, so that nothing the lab records from now on is missed; what it recorded
    // as it started is then sent once, and the subscription's first batches without it.
    const early: TraceEvent[][] = [];
    let sentTo: number | undefined;
    unsubscribe = rec.subscribe((events) => {
      if (sentTo === undefined) early.push(events);
      else for (const l of traceListeners) l({ events });
    });
    rec.flush();
    const started = rec.recent();
    sentTo = started.length > 0 ? started[started.length - 1]!.id : 0;
    const after = early.flat().filter((e) => e.id > sentTo!);
    const first = [...started, ...after];
    if (first.length > 0) for (const l of traceListeners) l({ events: first });
    classMode.attach(next.lab);
    publish();
    return status();
  };

  const stopLab = async (): Promise<void> => {
    const r = runner;
    runner = undefined;
    peers = undefined;
    followed = "";
    classMode.attach(undefined);
    await r?.dispose();
    recorder?.close();
    unsubscribe?.();
    unsubscribe = undefined;
  };

  /** Free play starts with three clients, as the lab does by default. */
  const ensureLab = () =>
    exclusive(async () => {
      if (!runner?.lab) {
        await startNow(FREE_PLAY, 1);
        for (let i = 0; i < DEFAULT_CLIENTS; i++) runner!.lab!.addClient().then((c) => c.socket("/"), () => {});
      }
      return runner!.lab!;
    });

  return {
    async listScenarios() {
      return SCENARIOS.map(scenarioInfo);
    },
    async startScenario(id, opts) {
      const scenario = findScenario(id);
      if (!scenario) throw new Error(`unknown scenario "${id}" (known: ${SCENARIOS.map((s) => s.id).join(", ")})`);
      return start(scenario, opts?.seed ?? 1);
    },
    async nextStep() {
      // A start under way goes first: the step is its lab's.
      if (starting) await starting.done.catch(() => {});
      if (!runner) throw new Error("no scenario is running");
      // The runner publishes as the step starts and settles (see onChange).
      try {
        await runner.next();
      } catch {
        /* the runner's status carries the message */
      }
      return status();
    },
    async restartScenario() {
      const current = runner?.scenario ?? FREE_PLAY;
      return start(current, 1);
    },
    async stop() {
      await exclusive(stopLab);
      publish();
      return status();
    },
    async command(cmd: FreePlayCommand): Promise<CommandResult> {
      try {
        if ((CLASS_COMMAND_TYPES as readonly string[]).includes(cmd.type)) {
          const lab = cmd.type === "class-open" ? await ensureLab() : runner?.lab;
          return await classMode.command(cmd as ClassCommand, lab);
        }
        return await runCommand(await ensureLab(), cmd);
      } catch (err) {
        return { ok: false, message: (err as Error).message };
      }
    },
    async attach(url, opts) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        return { ok: false, message: `"${url}" is not a URL` };
      }
      if (parsed.protocol === "https:") {
        return { ok: false, message: "https:// servers are not supported: the lab shows the bytes on the wire, and TLS would hide them. Use the server's plain http:// address." };
      }
      if (parsed.protocol !== "http:") return { ok: false, message: "the URL must start with http://" };
      const lab = await ensureLab();
      const client = await lab.addClient({ url: parsed.origin, transports: opts?.transports ?? "polling-upgrade", reconnection: false, label: `attached to ${parsed.host}` });
      const socket = client.socket(parsed.pathname || "/");
      return new Promise<CommandResult>((resolve) => {
        const timer = setTimeout(() => {
          void client.close();
          resolve({ ok: false, message: `no Socket.IO server answered at ${url} within 5 s` });
        }, 5000);
        socket.once("connect", () => {
          clearTimeout(timer);
          resolve({ ok: true, message: `${client.id} connected to ${url}` });
        });
        socket.once("connect_error", (err: Error) => {
          clearTimeout(timer);
          void client.close();
          void diagnoseServer(parsed, err.message).then((why) => resolve({ ok: false, message: `could not attach to ${url}: ${why}` }));
        });
      });
    },
    async openToPeers({ host }) {
      const problem = checkListenAddress(host);
      if (problem) return { ok: false, message: problem };
      const lab = await ensureLab();
      if (host !== lab.bind) await lab.listenOn(host);
      const url = `http://${host.includes(":") ? `[${host}]` : host}:${lab.port}`;
      const loopback = isLoopback(host);
      peers = loopback ? undefined : { url, host };
      publish();
      return {
        ok: true,
        message: loopback
          ? `Socket.IO clients on this machine can connect to ${url}`
          : `Open to other machines: clients on your network can connect to ${url}. Anyone who can reach this address can join the lab.`,
      };
    },
    async getStatus() {
      return status();
    },
    onTrace(listener) {
      traceListeners.add(listener);
      if (startingHeader) listener({ reset: true, header: startingHeader, events: [] });
      else if (recorder) listener({ reset: true, header: recorder.header, events: recorder.recent() });
      return () => traceListeners.delete(listener);
    },
    onStatus(listener) {
      statusListeners.add(listener);
      listener(status());
      return () => statusListeners.delete(listener);
    },
    async dispose() {
      await classMode.dispose();
      await exclusive(stopLab);
      traceListeners.clear();
      statusListeners.clear();
    },
  };
}
