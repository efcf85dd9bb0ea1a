// The command line: `socketscope-lab list | run | serve | tcp`. Runs the lab headless and
// writes trace files. Bad arguments get the usage text and exit code 2.

import { parseArgs } from "node:util";
import { summarize } from "./summary.js";
import { runScenarioToFile } from "./run-scenario.js";
import { serve } from "./serve.js";
import { SCENARIOS } from "../lab/scenarios/index.js";
import { ADAPTERS, BALANCE_MODES, isAdapterChoice, isBalanceMode, MAX_NODES, MIN_NODES, type ScaleOutChoices } from "../lab/scale-out/choices.js";

const USAGE = `usage: socketscope-lab <command> [options]

commands:
  list                                   the scenarios the lab knows
  run <scenario> --out <file> [--seed N] [--port P] [--clients N]
      [--nodes N] [--balance MODE] [--adapter NAME]
                                         run a scenario headless and write its trace
                                         (--clients: for scenarios with several, e.g. addressing;
                                         --nodes, --balance, --adapter: for scale-out)
  serve [--port P] --out <file> [--duration S] [--host IP]
      [--nodes N] [--balance MODE] [--adapter NAME]
                                         trace Socket.IO clients you start yourself; with
                                         --nodes, several server nodes behind a load balancer
                                         on port P (nodes on P+1, P+2, …)
  (--nodes ${MIN_NODES} or ${MAX_NODES}; --balance ${BALANCE_MODES.join(" | ")};
   --adapter ${ADAPTERS.join(" | ")}: the Redis ones start redis-server on a free port)
  tcp <trace> [--conn ID] [--loss P] [--latency MS] [--mss N] [--seed N] [--drop I] [--json]
                                         TCP segments modelled from a trace's real bytes
  export <trace> [--pcap F] [--perfetto F]
                                         the modelled segments as pcapng (Wireshark), the
                                         trace as Chrome trace events (Perfetto)`;

const SCALE_OUT_FLAGS = { nodes: { type: "string" }, balance: { type: "string" }, adapter: { type: "string" } } as const;

/** `--nodes`, `--balance`, `--adapter` as choices, or what is wrong with them. */
function scaleOutChoices(values: { nodes?: string | undefined; balance?: string | undefined; adapter?: string | undefined }): ScaleOutChoices | string {
  const choices: ScaleOutChoices = {};
  if (values.nodes !== undefined) {
    const nodes = Number(values.nodes);
    if (!Number.isInteger(nodes) || nodes < MIN_NODES || nodes > MAX_NODES) return `--nodes must be ${MIN_NODES} or ${MAX_NODES}`;
    choices.nodes = nodes;
  }
  if (values.balance !== undefined) {
    if (!isBalanceMode(values.balance)) return `--balance must be one of ${BALANCE_MODES.join(", ")}`;
    choices.balance = values.balance;
  }
  if (values.adapter !== undefined) {
    if (!isAdapterChoice(values.adapter)) return `--adapter must be one of ${ADAPTERS.join(", ")}`;
    choices.adapter = values.adapter;
  }
  return choices;
}

export async function main(argv: string[], print: (line: string) => void = console.log): Promise<number> {
  const [command, ...rest] = argv;
  const usage = (why?: string): number => {
    if (why) print(`error: ${why}`);
    print(USAGE);
    return 2;
  };
  try {
    switch (command) {
      case "list":
        for (const s of SCENARIOS) print(`${s.id.padEnd(12)} ${s.title} — ${s.summary}`);
        return 0;
      case "run": {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: { out: { type: "string" }, seed: { type: "string" }, port: { type: "string" }, clients: { type: "string" }, ...SCALE_OUT_FLAGS },
        });
        const id = positionals[0];
        if (!id) return usage("run needs a scenario id");
        if (!values.out) return usage("run needs --out <file>");
        if (!SCENARIOS.some((s) => s.id === id)) return usage(`unknown scenario "${id}" (try: list)`);
        const seed = values.seed === undefined ? 1 : Number(values.seed);
        const port = values.port === undefined ? 3000 : Number(values.port);
        if (!Number.isInteger(seed)) return usage("--seed must be an integer");
        if (!Number.isInteger(port) || port < 0 || port > 65535) return usage("--port must be a port number");
        const clients = values.clients === undefined ? undefined : Number(values.clients);
        if (clients !== undefined && !(Number.isInteger(clients) && clients >= 1 && clients <= 20)) return usage("--clients must be an integer from 1 to 20");
        const choices = scaleOutChoices(values);
        if (typeof choices === "string") return usage(choices);
        if (Object.keys(choices).length > 0 && !SCENARIOS.find((s) => s.id === id)?.createLab) return usage(`--nodes, --balance and --adapter are for scale-out, not "${id}"`);
        const result = await runScenarioToFile(id, values.out, { seed, port, ...(clients ? { clients } : {}), ...(Object.keys(choices).length ? { choices } : {}), log: (l) => print(`  [lab] ${l}`) });
        for (const line of summarize(result.events)) print(line);
        print(`trace written to ${values.out} (${result.events.length} events)`);
        return result.ok ? 0 : 1;
      }
      case "serve": {
        const { values } = parseArgs({
          args: rest,
          options: { port: { type: "string" }, out: { type: "string" }, duration: { type: "string" }, host: { type: "string" }, ...SCALE_OUT_FLAGS },
        });
        const choices = scaleOutChoices(values);
        if (typeof choices === "string") return usage(choices);
        if (!values.out) return usage("serve needs --out <file>");
        const port = values.port === undefined ? 3000 : Number(values.port);
        const duration = values.duration === undefined ? undefined : Number(values.duration);
        if (!Number.isInteger(port) || port < 0 || port > 65535) return usage("--port must be a port number");
        if (duration !== undefined && !(duration > 0)) return usage("--duration must be a positive number of seconds");
        return await serve({ port, out: values.out, ...(duration !== undefined ? { duration } : {}), ...(values.host ? { host: values.host } : {}), ...(Object.keys(choices).length ? { scaleOut: choices } : {}), print });
      }
      case "tcp": {
        const { tcpCommand } = await import("./tcp-command.js");
        return await tcpCommand(rest, print);
      }
      case "export": {
        const { exportCommand } = await import("./export-command.js");
        return await exportCommand(rest, print);
      }
      case undefined:
      case "help":
      case "--help":
        return usage();
      default:
        return usage(`unknown command "${command}"`);
    }
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) return usage((err as Error).message);
    print(`error: ${(err as Error).message}`);
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("cli/main.ts")) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
