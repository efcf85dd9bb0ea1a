// The first screen: where to start. The scenarios in teaching order, one line each, and how a
// lesson runs (Start, then Next step). Shown while the lab has nothing and no file is open.

import type { LabApi } from "../../../shared/lab-api";
import { useActions, useTrace } from "../store/store-context";
import { runLabStart } from "../lab/run-lab";

export function WelcomeView(props: { api: LabApi }) {
  const scenarios = useTrace((s) => s.scenarios);
  const actions = useActions();
  const start = async (id: string): Promise<void> => {
    await runLabStart(actions, () => props.api.startScenario(id));
    // Next step is enabled once the lab's new status has rendered.
    requestAnimationFrame(() => requestAnimationFrame(() => document.querySelector<HTMLButtonElement>(".controls button[aria-keyshortcuts='N']")?.focus()));
  };
  return (
    <section aria-labelledby="welcome-title" className="panel panel-welcome">
      <h2 id="welcome-title" className="narration-title">Where to start</h2>
      <p className="narration-text">
        Each scenario is a short lesson on a real Socket.IO server and real clients on this machine. Start one, then press <kbd>Next step</kbd> (or N) to run
        it one step at a time; the views show each step from its first event to its last. Begin with the first and go down the list.
      </p>
      <ol className="welcome-list">
        {scenarios.map((s) => (
          <li key={s.id}>
            <button type="button" onClick={() => void start(s.id)} aria-label={`Start ${s.title}`}>
              Start
            </button>
            <span className="welcome-title">{s.title}</span>
            <span className="welcome-summary">{s.summary}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
