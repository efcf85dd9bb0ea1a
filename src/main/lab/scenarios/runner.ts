// Runs a scenario on a fresh lab: one step at a time (waiting for "next") or straight
// through. Records a lab `step` event at each step boundary; restart builds a new lab.

import type { LabStatus } from "../../../shared/lab-api.js";
import type { TraceHeader } from "../../../shared/trace/types.js";
import type { Recorder } from "../../trace/recorder.js";
import { createLab, type Lab, type LabOptions } from "../lab.js";
import { quiesce, type LabChoices, type Scenario, type ScenarioContext } from "./scenario.js";

/**
 * The phase after the last step, narrated from the lab as it is when it closes (which clients
 * are still connected, over which transport), so that each packet it names really follows.
 */
export function teardownNarration(lab: Lab): { title: string; narration: string } {
  const connected = [...lab.clients.values()].filter((c) => [...c.sockets.values()].some((s) => s.connected));
  const transports = new Set(connected.map((c) => (c.manager.engine as unknown as { transport?: { name?: string } } | undefined)?.transport?.name));
  const how = [transports.has("websocket") ? "over WebSocket a close frame each way" : "", transports.has("polling") ? "over polling a close packet (1) in a POST" : ""].filter(Boolean).join(", ");
  const clients =
    connected.length > 0
      ? `Each connected client disconnects its sockets (Socket.IO DISCONNECT, 41) and closes its engine${how ? `: ${how}` : ""}. `
      : "No client is connected any more, so no Socket.IO or Engine.IO packet is left to send. ";
  return {
    title: "The lab closes",
    narration: `The lesson is over and the lab shuts down the way a well-behaved application does. ${clients}The server reads everything, each TCP connection still open ends with a FIN in each direction, and only then does the server stop listening.`,
  };
}

/**
 * Socket.IO pings every 25 s by default. In a lesson that is one ping and pong (a dozen events
 * on every layer of both hosts) every time a teacher talks for 25 s, landing inside whatever
 * step comes next. Lessons other than the heartbeat run with a ping every 5 minutes, so a step
 * holds only what it narrates; the heartbeat lesson sets its own short interval. The interval
 * is real: the `open` packet carries it.
 */
export const LESSON_PING = { pingInterval: 300_000, pingTimeout: 20_000 } as const;

/** What a trace's header says of the scenario it records. */
export function scenarioHeader(scenario: Scenario, seed: number): NonNullable<TraceHeader["scenario"]> {
  return { id: scenario.id, title: scenario.title, seed, keyView: scenario.keyView };
}

export interface RunnerOptions {
  seed?: number;
  clients?: number;
  traceFile?: string;
  port?: number;
  recorder?: Recorder;
  log?: (line: string) => void;
  lab?: Partial<LabOptions>;
  /** Choices for a scenario that builds its own lab (`Scenario.createLab`). */
  choices?: LabChoices;
  /** Called whenever the status changes (a step starts, settles or fails). */
  onChange?: () => void;
}

export interface ScenarioRunner {
  readonly scenario: Scenario;
  readonly lab: Lab | undefined;
  status(): LabStatus;
  /** Creates the lab (step -1: nothing has run yet). */
  start(): Promise<void>;
  /** Runs the next step to its settled state. Returns false when there was none left. */
  next(): Promise<boolean>;
  runAll(): Promise<void>;
  dispose(): Promise<void>;
}

export function createScenarioRunner(scenario: Scenario, options: RunnerOptions = {}): ScenarioRunner {
  let lab: Lab | undefined;
  let ctx: ScenarioContext | undefined;
  let step = -1;
  let state: LabStatus["state"] = "idle";
  let message: string | undefined;
  let stepStart: number | undefined;
  let stepEnd: number | undefined;
  let busy: Promise<unknown> = Promise.resolve();
  const seed = options.seed ?? 1;

  const serialize = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = busy.then(fn, fn);
    busy = run.catch(() => {});
    return run;
  };

  const runner: ScenarioRunner = {
    scenario,
    get lab() {
      return lab;
    },
    status() {
      return {
        state,
        scenario: scenario.id,
        step,
        steps: scenario.steps.length,
        ...(stepStart !== undefined ? { stepStart } : {}),
        ...(stepEnd !== undefined ? { stepEnd } : {}),
        ...(lab?.url ? { serverUrl: lab.url } : {}),
        ...(message ? { message } : {}),
      };
    },
    start: () =>
      serialize(async () => {
        const build = scenario.createLab ? (o: LabOptions) => scenario.createLab!(o, options.choices ?? {}) : createLab;
        lab = await build({
          port: options.port ?? 3000,
          scenario: scenarioHeader(scenario, seed),
          ...(options.traceFile ? { traceFile: options.traceFile } : {}),
          ...(options.recorder ? { recorder: options.recorder } : {}),
          ...(options.log ? { log: options.log } : {}),
          ...LESSON_PING,
          ...scenario.lab,
          ...options.lab,
        });
        ctx = { lab, seed, state: {}, ...(options.clients ? { clients: options.clients } : {}) };
        if (scenario.network) {
          lab.recorder.record({
            layer: "lab",
            kind: "fault",
            host: "server",
            fault: "network",
            detail: JSON.stringify({ ...scenario.network, seed }),
          });
        }
        step = -1;
        state = "ready";
      }),
    next: () =>
      serialize(async () => {
        if (!lab || !ctx) throw new Error("the scenario has not started");
        const current = lab;
        if (step + 1 >= scenario.steps.length) {
          state = "finished";
          return false;
        }
        step++;
        const s = scenario.steps[step]!;
        state = "running";
        stepStart = lab.recorder.record({ layer: "lab", kind: "step", host: "server", index: step, title: s.title, narration: s.narration, scenario: scenario.id });
        stepEnd = undefined;
        // The marker goes out before the status that names it, so a window always has it to show.
        lab.recorder.flush();
        options.onChange?.();
        try {
          await s.run(ctx);
          if (lab !== current) return false;
          await quiesce(current);
          state = step + 1 >= scenario.steps.length ? "finished" : "ready";
          message = undefined;
        } catch (err) {
          if (lab !== current) return false;
          state = "error";
          message = `step ${step + 1} (${s.title}) failed: ${(err as Error).message}`;
          current.recorder.record({ layer: "lab", kind: "error", host: "server", message });
          throw err;
        } finally {
          if (lab === current) {
            stepEnd = current.recorder.count;
            current.recorder.flush();
            options.onChange?.();
          }
        }
        return true;
      }),
    async runAll() {
      while (await runner.next()) {
        /* each step settles before the next */
      }
    },
    // Not queued behind a running step: a step waiting for something that will never come
    // (the user stopped the server under it) must not block stop or restart. The step's
    // waits then fail on the closed lab and its result is ignored.
    async dispose() {
      const l = lab;
      lab = undefined;
      ctx = undefined;
      state = "idle";
      step = -1;
      stepStart = undefined;
      stepEnd = undefined;
      if (!l) return;
      // The teardown is a phase of its own after the lesson, never part of its last step.
      const { title, narration } = teardownNarration(l);
      l.recorder.record({ layer: "lab", kind: "step", host: "server", index: scenario.steps.length, title, narration, scenario: scenario.id, teardown: true });
      await l.dispose();
    },
  };
  return runner;
}
