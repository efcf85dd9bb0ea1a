// Console: a strip under the narration with what each host's code logged up to the playhead,
// newest last; a click on a line moves the playhead to it. Hidden when nothing logs.

import { selectConsole } from "../selectors/console";
import { useActions, useTrace } from "../store/store-context";

export function ConsoleView() {
  const hosts = useTrace((s) => selectConsole(s));
  const actions = useActions();
  if (hosts.length === 0) return null;
  return (
    <section aria-label="Console" className="panel-console">
      <h2 className="console-title">console.log</h2>
      {hosts.map((h) => (
        <div key={h.host} className="console-host" title={h.host}>
          <span className="console-label">{h.label}</span>
          {/* column-reverse keeps the newest line in view without scripting the scroll */}
          <div className="console-scroll">
            <ol className="console-lines" role="log" aria-label={`${h.label} console`}>
              {h.lines.length === 0 ? <li className="console-empty">nothing logged yet</li> : null}
              {h.lines.map((l) => (
                <li key={l.id}>
                  <button type="button" className="console-line" title={l.text} onClick={() => actions.seek(l.index, performance.now())}>
                    {l.text}
                  </button>
                </li>
              ))}
            </ol>
          </div>
        </div>
      ))}
    </section>
  );
}
