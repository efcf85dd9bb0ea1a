// The seek bar: the playhead over the whole trace, with a marker for each step's start.
// Home and End (in the bar, or anywhere via the keyboard shortcuts) go to the start and to live.

import { useRef } from "react";
import { useBaseFont } from "../hooks/use-base-font";
import { useSize } from "../hooks/use-size";
import { useActions, useTrace } from "../store/store-context";
import { currentMarker, fitMarkers, selectStepMarkers } from "../selectors/step-markers";

/** The room one marker needs on the bar, in ems of the base font (a two-digit step number and a gap). */
const MARKER_EMS = 2.4;

export function SeekBar() {
  const length = useTrace((s) => s.length);
  // The bar's parts measure it once it is there: it is there only with a trace.
  return length === 0 ? null : <SeekTrack length={length} />;
}

function SeekTrack({ length }: { length: number }) {
  const actions = useActions();
  const cursor = useTrace((s) => s.cursor);
  const id = useTrace((s) => s.trace.events[s.cursor]?.id ?? null);
  const all = useTrace((s) => selectStepMarkers(s));
  const track = useRef<HTMLDivElement | null>(null);
  const { width } = useSize(track, { width: 1000, height: 0 });
  const base = useBaseFont();
  const markers = fitMarkers(all, length, width / (MARKER_EMS * base), cursor);
  const current = currentMarker(markers, cursor);
  const at = (index: number): string => `${((index + 1) / Math.max(1, length)) * 100}%`;
  return (
    <div className="seek-bar" role="group" aria-label="Seek">
      <div className="seek-track" ref={track}>
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
        <div className="seek-markers" title={markers.length < all.length ? `${markers.length.toLocaleString("en")} of ${all.length.toLocaleString("en")} step starts marked: the bar is too short for all of them (the step the playhead is in and the end are always marked)` : undefined}>
          {markers.map((m) => (
            <button
              key={m.index}
              type="button"
              className={`seek-marker ${m.teardown ? "teardown" : ""} ${cursor >= m.index ? "passed" : ""} ${m === current ? "current" : ""}`}
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
