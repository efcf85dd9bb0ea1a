// Follow connection (as Wireshark's Follow TCP Stream): one connection's whole byte conversation
// as of the playhead, the client's bytes and the server's in two colours, each protocol unit
// marked with what it carried; above it the TCP model's counts for the connection.

import { useActions, useTrace } from "../store/store-context";
import { selectFollowed } from "../selectors/follow-connection";
import { endpointText } from "../selectors/addressing";
import { OverlayCard } from "./overlay-card";

export function FollowView() {
  const f = useTrace((s) => selectFollowed(s));
  const open = useTrace((s) => s.follow !== null);
  const actions = useActions();
  if (!open) return null;
  return (
    <OverlayCard
      className="follow-card"
      title={f ? `Follow connection: ${f.link.clientHost} ${endpointText(f.link.client)} ↔ ${f.link.serverHost} ${endpointText(f.link.server)}` : "Follow connection"}
      onClose={() => actions.followConn(null)}
    >
      {f ? (
        <>
          <p className="follow-summary">
            {f.transport} ·{" "}
            <span className="follow-c2s">
              {f.link.clientHost} → {f.link.serverHost}: {f.bytes.c2s.toLocaleString("en")} B
            </span>{" "}
            ·{" "}
            <span className="follow-s2c">
              {f.link.serverHost} → {f.link.clientHost}: {f.bytes.s2c.toLocaleString("en")} B
            </span>{" "}
            · {f.link.open ? "open" : "closed"} · as of the playhead
          </p>
          <dl className="expert-info" aria-label="TCP model counts">
            {f.expert ? (
              <>
                <div>
                  <dt>segments</dt>
                  <dd>{f.expert.segments}</dd>
                </div>
                <div className={f.expert.lost > 0 ? "expert-warn" : ""}>
                  <dt>lost</dt>
                  <dd>{f.expert.lost}</dd>
                </div>
                <div className={f.expert.retransmitted > 0 ? "expert-warn" : ""}>
                  <dt>retransmitted</dt>
                  <dd>{f.expert.retransmitted}</dd>
                </div>
                <div className={f.expert.duplicateAcks > 0 ? "expert-warn" : ""}>
                  <dt>duplicate ACKs</dt>
                  <dd>{f.expert.duplicateAcks}</dd>
                </div>
                <div className={f.expert.outOfOrder > 0 ? "expert-warn" : ""}>
                  <dt>out of order</dt>
                  <dd>{f.expert.outOfOrder}</dd>
                </div>
                <div>
                  <dt>duplicated by the network</dt>
                  <dd>{f.expert.duplicates}</dd>
                </div>
              </>
            ) : null}
          </dl>
          <p className="muted expert-note">{f.expert ? "Counts from the TCP model (modelled from the real bytes), whole connection." : "TCP counts: the model has not covered this connection yet."}</p>
          <ol className="follow-stream">
            {f.blocks.map((b) => (
              <li key={`${b.id}:${b.offset}`} className={`follow-block follow-${b.dir}`}>
                <div className="follow-unit">
                  {b.dir === "c2s" ? "▶" : "◀"} {b.unit} <span className="muted">@{b.offset}, {b.length} B</span>
                  {b.carried.length > 0 ? <span className="follow-carried"> · carries {b.carried.join("  ")}</span> : null}
                </div>
                <pre className="follow-text">{b.text}</pre>
              </li>
            ))}
          </ol>
          {f.blocks.length === 0 ? <p className="empty-note">No bytes on this connection yet at the playhead.</p> : null}
        </>
      ) : (
        <p className="empty-note">That connection is not known at the playhead.</p>
      )}
    </OverlayCard>
  );
}
