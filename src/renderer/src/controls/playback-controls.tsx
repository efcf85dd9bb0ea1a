// Playback and scenario controls, with the exact accessible names the issue fixes:
// Scenario, Next step, Restart scenario, Play/Pause, Step back, Step forward, Step by, Speed.

import { useActions, useTrace } from "../store/store-context";
import { STEP_BY, type StepBy } from "../store/step-by";
import type { LabApi } from "../../../shared/lab-api";
import { runLab } from "../lab/run-lab";

export function PlaybackControls(props: { api: LabApi | null }) {
  const actions = useActions();
  const scenarios = useTrace((s) => s.scenarios);
  const scenarioId = useTrace((s) => s.scenarioId ?? s.header?.scenario?.id ?? "");
  const playing = useTrace((s) => s.playing);
  const speed = useTrace((s) => s.speed);
  const stepBy = useTrace((s) => s.stepBy);
  const status = useTrace((s) => s.status);
  const atEnd = useTrace((s) => s.cursor >= s.length - 1);
  const source = useTrace((s) => s.source);
  const { api } = props;
  const busy = status.state === "running";
  const finished = status.state === "finished" || (status.steps > 0 && status.step >= status.steps - 1);
  const mode = playing && atEnd && source === "live" ? "Live" : playing ? "Playing" : "Review";
  return (
    <div className="controls" role="toolbar" aria-label="Playback">
      <label className="control">
        <span className="control-label">Scenario</span>
        <select
          aria-label="Scenario"
          value={scenarios.some((s) => s.id === scenarioId) ? scenarioId : ""}
          disabled={!api}
          onChange={(e) => {
            const id = e.target.value;
            if (!id || !api) return;
            actions.setScenarioId(id);
            void runLab(actions, () => api.startScenario(id));
          }}
        >
          <option value="" disabled>
            {api ? "Choose…" : "No lab (file only)"}
          </option>
          {scenarios.map((s) => (
            <option key={s.id} value={s.id}>
              {s.title}
            </option>
          ))}
        </select>
      </label>
      <button type="button" className="primary" disabled={!api || busy || !scenarioId || finished || source !== "live"} onClick={() => api && void runLab(actions, () => api.nextStep())}>
        Next step
      </button>
      <button type="button" disabled={!api || !scenarioId || source !== "live"} onClick={() => api && void runLab(actions, () => api.restartScenario())}>
        Restart scenario
      </button>
      <span className="divider" aria-hidden="true" />
      <button type="button" onClick={() => actions.stepBack(performance.now())} aria-keyshortcuts="ArrowLeft">
        Step back
      </button>
      <button type="button" className="play" onClick={() => actions.togglePlaying()} aria-keyshortcuts="Space">
        {playing ? "Pause" : "Play"}
      </button>
      <button type="button" onClick={() => actions.stepForward(performance.now())} aria-keyshortcuts="ArrowRight">
        Step forward
      </button>
      <label className="control">
        <span className="control-label">Step by</span>
        <select aria-label="Step by" value={stepBy} onChange={(e) => actions.setStepBy(e.target.value as StepBy)}>
          {STEP_BY.map((b) => (
            <option key={b} value={b}>
              {b}
            </option>
          ))}
        </select>
      </label>
      <label className="control speed">
        <span className="control-label">Speed</span>
        <input type="range" aria-label="Speed" min={0.1} max={4} step={0.1} value={speed} onChange={(e) => actions.setSpeed(Number(e.target.value))} aria-valuetext={`${speed.toFixed(1)}×`} />
        <output>{speed.toFixed(1)}×</output>
      </label>
      <span className={`mode-badge mode-${mode.toLowerCase()}`}>{mode}</span>
    </div>
  );
}
