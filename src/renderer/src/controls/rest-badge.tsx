// Where playback stands: the mode, and once a played step rests on its last event, how many
// events arrived after it ("12 new — show"), and "Jump to live" whenever the playhead is behind.

import { useMemo } from "react";
import { useActions, useTrace } from "../store/store-context";
import { playLimit } from "../store/trace-store";
import { createTimelineSelector, rowOfCursor } from "../selectors/timeline";

export function RestBadge() {
  const actions = useActions();
  const selectRows = useMemo(() => createTimelineSelector(), []);
  const empty = useTrace((s) => s.length === 0);
  const live = useTrace((s) => s.source === "live");
  const playing = useTrace((s) => s.playing);
  const resting = useTrace((s) => s.restId !== null);
  const behind = useTrace((s) => s.cursor < s.length - 1);
  const atLimit = useTrace((s) => s.cursor >= playLimit(s));
  // Events the timeline shows after the rest point: what arrived since the step ended.
  const fresh = useTrace((s) => {
    if (s.restId === null) return 0;
    const rows = selectRows(s);
    return rows.count - 1 - rowOfCursor(rows, Math.max(s.cursor, playLimit(s)));
  });
  if (empty) return null;
  const mode = !live ? (playing ? "Playing" : "Review") : !playing ? "Paused" : resting ? (atLimit ? "End of step" : "Playing") : behind ? "Playing" : "Live";
  return (
    <span className="rest-badge">
      <span className={`mode-badge mode-${mode.toLowerCase().replace(/ /g, "-")}`}>{mode}</span>
      {live && fresh > 0 ? (
        <button type="button" className="new-badge" onClick={() => actions.showNew(performance.now())} title="Events that arrived after this step ended (heartbeats and the like): play them">
          {`${fresh.toLocaleString("en")} new — show`}
        </button>
      ) : null}
      {live ? (
        <button type="button" disabled={!behind && !resting} aria-keyshortcuts="End" onClick={() => actions.jumpToLive(performance.now())}>
          Jump to live
        </button>
      ) : null}
    </span>
  );
}
