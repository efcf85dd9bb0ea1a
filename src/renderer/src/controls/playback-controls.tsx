// Playback and scenario controls, with the exact accessible names the tests use: Scenario,
// Start, Next step, Restart scenario, Play/Pause, Step back, Step forward, Step by, Speed.
// Choosing a scenario never starts it: Enter or Start does, and focus then moves to Next step.

import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { useActions, useStoreBundle, useTrace } from "../store/store-context";
import { STEP_BY, STEP_BY_HELP, STEP_BY_LABEL, type StepBy } from "../store/step-by";
import type { LabApi } from "../../../shared/lab-api";
import { runLabStart } from "../lab/run-lab";
import { nextStepMove, pressNextStep } from "../lab/next-step";
import { RestBadge } from "./rest-badge";

export function PlaybackControls(props: { api: LabApi | null }) {
  const actions = useActions();
  const { store } = useStoreBundle();
  const scenarios = useTrace((s) => s.scenarios);
  const labScenario = useTrace((s) => (s.source === "live" ? (s.status.scenario ?? "") : (s.header?.scenario?.id ?? "")));
  const chosen = useTrace((s) => s.scenarioId);
  const playing = useTrace((s) => s.playing);
  const empty = useTrace((s) => s.length === 0);
  const speed = useTrace((s) => s.speed);
  const stepBy = useTrace((s) => s.stepBy);
  const status = useTrace((s) => s.status);
  const source = useTrace((s) => s.source);
  const move = useTrace(() => nextStepMove(store, performance.now()));
  const nextRef = useRef<HTMLButtonElement | null>(null);
  // After Start, focus goes to Next step once it is enabled (the lab's status re-renders it).
  const [focusNext, setFocusNext] = useState(false);
  useEffect(() => {
    if (focusNext && move !== "none" && nextRef.current) {
      nextRef.current.focus();
      setFocusNext(false);
    }
  }, [focusNext, move]);
  const { api } = props;
  const shown = chosen ?? labScenario;
  const startable = api !== null && shown !== "" && shown !== "free-play" && (chosen !== null || status.state === "idle" || source !== "live");

  const start = async (): Promise<void> => {
    if (!api || !shown) return;
    await runLabStart(actions, () => api.startScenario(shown));
    setFocusNext(true);
  };
  const next = (): void => {
    if (api) void pressNextStep(api, store, actions, performance.now());
  };
  const onScenarioKey = (e: KeyboardEvent<HTMLSelectElement>): void => {
    if (e.key === "Enter") {
      e.preventDefault();
      void start();
    } else if (e.key === "n" || e.key === "N") {
      // N is Next step everywhere; in this menu it would otherwise jump to a title starting with N.
      e.preventDefault();
      next();
    }
  };

  return (
    <div className="controls" role="toolbar" aria-label="Playback">
      <label className="control">
        <span className="control-label">Scenario</span>
        <select
          aria-label="Scenario"
          aria-describedby="scenario-hint"
          value={scenarios.some((s) => s.id === shown) ? shown : ""}
          disabled={!api}
          onChange={(e) => actions.setScenarioId(e.target.value || null)}
          onKeyDown={onScenarioKey}
        >
          <option value="" disabled>
            {api ? "Choose…" : "No lab (file only)"}
          </option>
          {scenarios.map((s, i) => (
            <option key={s.id} value={s.id} title={s.summary}>
              {`${i + 1}. ${s.title}`}
            </option>
          ))}
        </select>
        <span id="scenario-hint" className="visually-hidden">Choosing does not start it: press Enter or Start.</span>
      </label>
      <button type="button" className={startable ? "primary" : ""} disabled={!startable} onClick={() => void start()}>
        Start
      </button>
      <button ref={nextRef} type="button" className={startable ? "" : "primary"} disabled={!api || move === "none"} aria-keyshortcuts="N" onClick={next}>
        Next step
      </button>
      <button type="button" disabled={!api || !labScenario || source !== "live" || status.state === "idle"} onClick={() => api && void runLabStart(actions, () => api.restartScenario())}>
        Restart scenario
      </button>
      <span className="divider" aria-hidden="true" />
      <button type="button" disabled={empty} onClick={() => actions.stepBack(performance.now())} aria-keyshortcuts="ArrowLeft">
        Step back
      </button>
      <button type="button" className="play" disabled={empty} onClick={() => actions.togglePlaying()} aria-keyshortcuts="Space">
        {playing ? "Pause" : "Play"}
      </button>
      <button type="button" disabled={empty} onClick={() => actions.stepForward(performance.now())} aria-keyshortcuts="ArrowRight">
        Step forward
      </button>
      <label className="control" title={STEP_BY_HELP[stepBy]}>
        <span className="control-label">Step by</span>
        <select aria-label="Step by" value={stepBy} onChange={(e) => actions.setStepBy(e.target.value as StepBy)}>
          {STEP_BY.map((b) => (
            <option key={b} value={b} title={STEP_BY_HELP[b]}>
              {STEP_BY_LABEL[b]}
            </option>
          ))}
        </select>
      </label>
      <label className="control speed">
        <span className="control-label">Speed</span>
        <input type="range" aria-label="Speed" min={0.1} max={4} step={0.1} value={speed} onChange={(e) => actions.setSpeed(Number(e.target.value))} aria-valuetext={`${speed.toFixed(1)}×`} />
        <output>{speed.toFixed(1)}×</output>
      </label>
      <RestBadge />
    </div>
  );
}
