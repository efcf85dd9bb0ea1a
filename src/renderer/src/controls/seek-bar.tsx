// The seek bar: the playhead over the whole trace, with a marker for each step's start.
// Home and End (in the bar, or anywhere via the keyboard shortcuts) go to the start and to live.

import { useActions, useTrace } from "../store/store-context";
import { selectStepMarkers } from "../selectors/step-markers";

export function SeekBar() {
  const actions = useActions();
  const length = useTrace((s) => s.length);
  const cursor = useTrace((s) => s.cursor);
  const id = useTrace((s) => s.trace.events[s.cursor]?.id ?? null);
  const markers = useTrace((s) => selectStepMarkers(s));
  if (length === 0) return null;
  const at = (index: number): string => `${((index + 1) / Math.max(1, length)) * 100}%`;
  return (
    <div className="seek-bar" role="group" aria-label="Seek">
      <div className="seek-track">
        <input
          type="range"
          aria-label="Playhead"
          min={-1}
          max={length - 1}
          step={1}
          value={cursor}
          aria-valuetext={id === null ? "before the first event" : `event #${id}, ${cursor + 1} of ${length}`}
          onChange={(e) => actions.seek(Number(e.target.value), performance.now())}
        />
        <div className="seek-markers">
          {markers.map((m) => (
            <button
              key={m.index}
              type="button"
              className={`seek-marker ${m.teardown ? "teardown" : ""} ${cursor >= m.index ? "passed" : ""}`}
              style={{ left: at(m.index) }}
              aria-label={m.teardown ? `Go to the end: ${m.title}` : `Go to step ${m.step + 1}: ${m.title}`}
              title={m.teardown ? m.title : `Step ${m.step + 1}: ${m.title}`}
              onClick={() => actions.seek(m.index, performance.now())}
            >
              {m.teardown ? "■" : m.step + 1}
            </button>
          ))}
        </div>
      </div>
      <output className="seek-pos">{id === null ? "start" : `#${id.toLocaleString("en")}`}</output>
    </div>
  );
}
