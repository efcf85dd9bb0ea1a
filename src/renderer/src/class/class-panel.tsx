// The teacher's class mode: opting in (a warning, an address, a cap), then the join address,
// code and QR code shown large, the students with mute/reset/remove, and "what comes next?"
// polls built from the trace at the playhead, answered on the students' phones, shown as a
// histogram and revealed when the playhead passes the packet.

import { useEffect, useMemo, useState } from "react";
import type { LabApi } from "../../../shared/lab-api";
import type { ClassPoll, ClassStatus } from "../../../shared/class-mode";
import { CLASS_LIMITS } from "../../../shared/class-mode";
import { predictNextPacket } from "../../../shared/predict-choices";
import { useStoreBundle, useTrace } from "../store/store-context";
import { useCommand } from "../free-play/use-command";
import { QrCode } from "./qr-code";
import "./class-panel.css";

export function ClassPanel(props: { api: LabApi | null }) {
  const { api } = props;
  const cls = useTrace((s) => s.status.classMode);
  const [shown, setShown] = useState(false);
  if (!api) return null;
  if (!shown) {
    return (
      <button type="button" className="class-toggle" aria-expanded={false} onClick={() => setShown(true)}>
        {cls ? `Class: ${cls.students.length} joined · code ${cls.code}` : "Class mode…"}
      </button>
    );
  }
  return (
    <section className="class-panel" aria-label="Class mode">
      <header className="class-head">
        <h2>Class mode</h2>
        <button type="button" onClick={() => setShown(false)}>
          Hide
        </button>
      </header>
      {cls ? <OpenClass api={api} cls={cls} /> : <OptIn api={api} />}
    </section>
  );
}

function OptIn(props: { api: LabApi }) {
  const addresses = useTrace((s) => s.status.classAddresses);
  const [host, setHost] = useState("");
  const [cap, setCap] = useState<number>(CLASS_LIMITS.cap.default);
  const cmd = useCommand();
  const first = addresses?.[0] ?? "127.0.0.1";
  return (
    <form
      className="class-optin"
      onSubmit={(e) => {
        e.preventDefault();
        void cmd.run(() => props.api.command({ type: "class-open", host: host || first, cap }));
      }}
    >
      <p className="class-warning" role="note">
        Class mode opens the lab to your local network: anyone who can reach the address you choose and has the join code can join the lab's Socket.IO server and send it
        traffic. It stays off until you turn it on here, and one click stops it.
      </p>
      <label>
        Address students open
        <input list="class-addresses" value={host} placeholder={first} onChange={(e) => setHost(e.target.value.trim())} />
        <datalist id="class-addresses">
          {(addresses ?? []).map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
      </label>
      <label>
        At most
        <input type="number" min={CLASS_LIMITS.cap.min} max={CLASS_LIMITS.cap.max} value={cap} onChange={(e) => setCap(Number(e.target.value) || CLASS_LIMITS.cap.default)} />
        students
      </label>
      <button type="submit" disabled={cmd.busy}>
        Open to the class
      </button>
      {cmd.result && !cmd.result.ok ? <p role="alert" className="class-error">{cmd.result.message}</p> : null}
    </form>
  );
}

function OpenClass(props: { api: LabApi; cls: ClassStatus }) {
  const { api, cls } = props;
  const cmd = useCommand();
  return (
    <div className="class-open">
      <div className="class-join">
        <QrCode size={cls.qr.size} cells={cls.qr.cells} label={`QR code of ${cls.url}`} />
        <div>
          <p className="class-url">{cls.url}</p>
          <p className="class-code">
            code <b>{cls.code}</b>
          </p>
          <p className="class-count" role="status">
            {cls.students.length} / {cls.cap} joined{cls.refused > 0 ? ` · ${cls.refused} refused` : ""}
          </p>
          <button type="button" className="class-stop" disabled={cmd.busy} onClick={() => void cmd.run(() => api.command({ type: "class-close" }))}>
            Stop class mode
          </button>
        </div>
      </div>
      <Poll api={api} poll={cls.poll} students={cls.students.length} />
      <details className="class-students">
        <summary>Students ({cls.students.length})</summary>
        <ul>
          {cls.students.map((s) => (
            <li key={s.id}>
              <span className="class-student-name">{s.name}</span> <span className="class-student-id">{s.id} · {s.ip}</span>
              {s.muted ? <span className="class-muted"> muted</span> : null}
              <span className="class-student-actions">
                <button type="button" onClick={() => void cmd.run(() => api.command({ type: "class-student", action: s.muted ? "unmute" : "mute", student: s.id }))}>
                  {s.muted ? "Unmute" : "Mute"}
                </button>
                <button type="button" onClick={() => void cmd.run(() => api.command({ type: "class-student", action: "reset", student: s.id }))}>
                  Reset
                </button>
                <button type="button" onClick={() => void cmd.run(() => api.command({ type: "class-student", action: "remove", student: s.id }))}>
                  Remove
                </button>
              </span>
            </li>
          ))}
        </ul>
      </details>
      {cmd.result && !cmd.result.ok ? <p role="alert" className="class-error">{cmd.result.message}</p> : null}
    </div>
  );
}

function Poll(props: { api: LabApi; poll: ClassPoll | undefined; students: number }) {
  const { api, poll, students } = props;
  const { store } = useStoreBundle();
  const cmd = useCommand();
  const [target, setTarget] = useState<{ poll: number; eventId: number } | null>(null);
  // The playhead's event id: the poll is revealed once it passes the packet asked about.
  const cursorId = useTrace((s) => (s.cursor >= 0 ? (s.trace.events[s.cursor]?.id ?? -1) : -1));
  const length = useTrace((s) => s.length);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `length` re-runs it as the trace grows (it reads the store)
  const next = useMemo(() => {
    const s = store.getState();
    const labels = new Map<string, string>();
    for (const e of s.trace.events) if (e.layer === "lab" && e.kind === "host") labels.set(e.host, e.label);
    return predictNextPacket(s.trace.events, cursorId, labels);
    // The trace grows (length) and the playhead moves (cursorId): both change the next packet.
  }, [store, cursorId, length]);
  useEffect(() => {
    if (poll?.state === "closed" && target?.poll === poll.id && cursorId >= target.eventId) void api.command({ type: "class-reveal" });
  }, [api, poll, target, cursorId]);

  const ask = (): void => {
    if (!next) return;
    void cmd.run(async () => {
      const r = await api.command({ type: "class-poll", question: next.question, choices: next.choices, answer: next.answer });
      // The lab numbers polls from 1; the status brings the number before the answers come.
      if (r.ok) setTarget({ poll: (poll?.id ?? 0) + 1, eventId: next.eventId });
      return r;
    });
  };
  const total = poll ? Math.max(1, ...poll.counts) : 1;
  return (
    <div className="class-poll">
      <div className="class-poll-ask">
        <button type="button" disabled={!next || students === 0 || poll?.state === "open" || cmd.busy} onClick={ask}>
          Ask: what comes next?
        </button>
        {!next ? <span className="class-hint">Step back or pause before a packet to ask about it.</span> : null}
      </div>
      {poll ? (
        <figure className="class-histogram" aria-label="Answers">
          <figcaption>
            {poll.question}{" "}
            <span className="class-hint">
              {poll.state === "open" ? `waiting for answers (${poll.asked} asked)…` : `${poll.answered} of ${poll.asked} answered${poll.state === "closed" ? " · step forward to reveal" : ""}`}
            </span>
          </figcaption>
          <ol>
            {poll.choices.map((c, i) => {
              const right = poll.state === "revealed" && i === poll.answer;
              return (
                // biome-ignore lint/suspicious/noArrayIndexKey: a choice's position is its answer number
                <li key={i} className={right ? "right" : undefined}>
                  <code className="class-choice">{c}</code>
                  <span className="class-bar" style={{ width: `${(poll.counts[i]! / total) * 100}%` }} />
                  <span className="class-n">
                    {poll.counts[i]}
                    {right ? " ✓ next packet" : ""}
                  </span>
                </li>
              );
            })}
          </ol>
        </figure>
      ) : null}
      {cmd.result && !cmd.result.ok ? <p role="alert" className="class-error">{cmd.result.message}</p> : null}
    </div>
  );
}
