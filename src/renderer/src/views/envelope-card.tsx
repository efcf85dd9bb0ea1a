// Open the envelope: the card of a clicked packet or Layers row. One plain sentence per layer
// and every field decoded, whole, on the sending host and on every host the message reached;
// for a broadcast, the sockets it left out and why.

import { useActions, useTrace } from "../store/store-context";
import { selectEnvelope, type EnvelopeStack } from "../selectors/envelope";
import { OverlayCard } from "./overlay-card";

const LEVEL_CLASS: Record<string, string> = { API: "layer-api", "Socket.IO": "layer-socketio", "Engine.IO": "layer-engine", Wire: "layer-wire", TCP: "layer-tcp", IP: "layer-ip" };

function Stack(props: { stack: EnvelopeStack }) {
  const { stack } = props;
  return (
    <section className={`envelope-stack envelope-${stack.role}`} aria-label={`${stack.host} ${stack.role}`}>
      <h3>
        {stack.host} {stack.role} {stack.role === "sends" ? "↓" : "↑"}
      </h3>
      {stack.layers.map((l) => (
        <div key={l.level} className={`envelope-layer ${LEVEL_CLASS[l.level]}`}>
          <h4>{l.level}</h4>
          <p className="envelope-sentence">{l.sentence}</p>
          <dl className="envelope-fields">
            {l.fields.map(([k, v]) => (
              <div key={`${k}:${v}`}>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
        </div>
      ))}
    </section>
  );
}

export function EnvelopeCard() {
  const env = useTrace((s) => selectEnvelope(s));
  const open = useTrace((s) => s.envelope !== null);
  const actions = useActions();
  if (!open) return null;
  return (
    <OverlayCard className="envelope-card" title={env ? `The envelope: ${env.title}` : "The envelope"} onClose={() => actions.openEnvelope(null)}>
      {env ? (
        <>
          <div className="envelope-stacks">
            <Stack stack={env.sender} />
            {env.receivers.map((r) => (
              <Stack key={r.host} stack={r} />
            ))}
          </div>
          {env.leftOut.length > 0 ? (
            <section className="envelope-left-out" aria-label="Not reached">
              <h3>Not reached by this broadcast</h3>
              <ul>
                {env.leftOut.map((o) => (
                  <li key={o.socketId}>
                    <strong>{o.host}</strong> (socket {o.socketId}): {o.reason}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
        </>
      ) : (
        <p className="empty-note">This event carries no message.</p>
      )}
    </OverlayCard>
  );
}
