// The scenarios the lab knows, in teaching order.
import type { ScenarioInfo } from "../../../shared/lab-api.js";
import { addressing } from "./addressing.js";
import { auth } from "./auth.js";
import { binary } from "./binary.js";
import { compression } from "./compression.js";
import { delivery } from "./delivery.js";
import { heartbeat } from "./heartbeat.js";
import { helloAck } from "./hello-ack.js";
import { lossyTcp } from "./lossy-tcp.js";
import { namespaces } from "./namespaces.js";
import { reconnect } from "./reconnect.js";
import { recovery } from "./recovery.js";
import { rooms } from "./rooms.js";
import { scaleOut } from "./scale-out.js";
import type { Scenario } from "./scenario.js";
import { upgrade } from "./upgrade.js";

export const SCENARIOS: readonly Scenario[] = [addressing, helloAck, upgrade, heartbeat, namespaces, rooms, lossyTcp, reconnect, binary, delivery, recovery, auth, compression, scaleOut];

export function findScenario(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id === id);
}

export function scenarioInfo(s: Scenario): ScenarioInfo {
  return { id: s.id, title: s.title, summary: s.summary, keyView: s.keyView ?? "Layers", steps: s.steps.map(({ title, narration }) => ({ title, narration })) };
}
