// @vitest-environment node
// In a lab of several server nodes, Namespaces says which node holds each client's socket: a
// real scale-out trace (two nodes behind the balancer), read with the page's own selector.
import { expect, it } from "vitest";
import { runScenarioToFile } from "../../src/main/cli/run-scenario.js";
import { selectNamespaces } from "../../src/renderer/src/selectors/namespaces";
import { createTraceStore } from "../../src/renderer/src/store/trace-store";

it("names the node that holds each client's socket, as the nodes' own connect events say", async () => {
  const run = await runScenarioToFile("scale-out", undefined, { port: 0 });
  expect(run.ok).toBe(true);
  const header = { format: "socketscope-trace" as const, version: 1 as const, createdAt: new Date().toISOString(), app: { name: "SocketScope", version: "0" } };
  const { store, actions } = createTraceStore();
  actions.loadTrace(header, run.events);
  const teardown = run.events.findIndex((e) => e.layer === "lab" && e.kind === "step" && e.teardown);
  actions.seek(teardown - 1, 0);
  const lanes = selectNamespaces(store.getState()).flatMap((p) => p.lanes.filter((l) => l.socketId));
  expect(lanes.length).toBeGreaterThan(0);
  for (const lane of lanes) {
    const connect = run.events.find((e) => e.layer === "api" && e.kind === "connect" && e.host.startsWith("node-") && e.socketId === lane.socketId);
    expect(lane.node).toBe(connect?.host);
  }
  expect(new Set(lanes.map((l) => l.node)).size).toBeGreaterThan(1);
}, 60_000);
