// Narration: the scenario step the playhead is in, its title and the scenario's text.

import { useTrace } from "../store/store-context";
import { selectNarration } from "../selectors/narration";

export function NarrationView() {
  const n = useTrace((s) => selectNarration(s));
  const status = useTrace((s) => s.status);
  const source = useTrace((s) => s.source);
  return (
    <section aria-label="Narration" className="panel panel-narration" aria-live="polite">
      <p className="narration-step">
        {n.teardown ? "After the lesson" : n.stepIndex >= 0 ? `Step ${n.stepIndex + 1}${n.steps ? ` of ${n.steps}` : ""}` : source === "file" ? "Opened file" : status.state === "running" ? "Running…" : "Ready"}
        {n.scenarioTitle ? ` · ${n.scenarioTitle}` : ""}
      </p>
      <h2 className="narration-title">{n.title}</h2>
      <p className="narration-text">{n.text}</p>
    </section>
  );
}
