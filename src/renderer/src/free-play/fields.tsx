// Form pieces the free-play forms share: labelled selects for namespace, client and
// transports, a text field with its inline error, and the line that shows the lab's answer.

import { useId, type ReactNode } from "react";
import type { ClientTransports } from "../../../shared/lab-api";
import type { PlayClient } from "./free-play-clients";
import type { CommandRun } from "./use-command";
import { useTrace } from "../store/store-context";

/** Until the lab says which namespaces it serves (its status does), the main one. */
const FALLBACK_NAMESPACES = ["/"];

export const TRANSPORTS: { value: ClientTransports; label: string; short: string }[] = [
  { value: "polling-upgrade", label: "Polling, then upgrade to WebSocket", short: "Polling → WebSocket" },
  { value: "websocket", label: "WebSocket only", short: "WebSocket only" },
  { value: "polling", label: "Polling only", short: "Polling only" },
];

export function Field(props: { label: string; children: (id: string) => ReactNode; className?: string }) {
  const id = useId();
  return (
    <div className={`fp-field ${props.className ?? ""}`}>
      <label htmlFor={id}>{props.label}</label>
      {props.children(id)}
    </div>
  );
}

export function NamespaceSelect(props: { label?: string; value: string; onChange(v: string): void }) {
  const namespaces = useTrace((s) => s.status.namespaces) ?? FALLBACK_NAMESPACES;
  return (
    <Field label={props.label ?? "Namespace"}>
      {(id) => (
        <select id={id} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
          {namespaces.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function TransportSelect(props: { value: ClientTransports; onChange(v: ClientTransports): void; short?: boolean }) {
  return (
    <Field label="Transports">
      {(id) => (
        <select id={id} value={props.value} onChange={(e) => props.onChange(e.target.value as ClientTransports)}>
          {TRANSPORTS.map((t) => (
            <option key={t.value} value={t.value}>
              {props.short ? t.short : t.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** A client picker; `extra` options (the server, "nobody") come first. */
export function ClientSelect(props: { label: string; value: string; clients: PlayClient[]; extra?: { value: string; label: string }[]; onChange(v: string): void }) {
  const empty = props.clients.length === 0 && !props.extra?.length;
  return (
    <Field label={props.label}>
      {(id) => (
        <select id={id} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
          {empty ? <option value="">No clients yet</option> : null}
          {props.extra?.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
          {props.clients.map((c) => (
            <option key={c.id} value={c.id}>
              {c.id} ({c.ip})
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** A text input with an error shown under it as soon as it is known. */
export function TextField(props: {
  label: string;
  value: string;
  onChange(v: string): void;
  error?: string | null;
  placeholder?: string;
  className?: string;
  mono?: boolean;
  inputRef?: (el: HTMLInputElement | null) => void;
}) {
  const errId = useId();
  return (
    <Field label={props.label} className={props.className}>
      {(id) => (
        <>
          <input
            id={id}
            ref={props.inputRef}
            type="text"
            className={props.mono ? "fp-mono" : undefined}
            value={props.value}
            placeholder={props.placeholder}
            spellCheck={false}
            autoComplete="off"
            aria-invalid={props.error ? true : undefined}
            aria-describedby={props.error ? errId : undefined}
            onChange={(e) => props.onChange(e.target.value)}
          />
          {props.error ? (
            <span id={errId} className="fp-field-error" role="alert">
              {props.error}
            </span>
          ) : null}
        </>
      )}
    </Field>
  );
}

/** The lab's answer to this form's last command, exactly as the lab wrote it. */
export function ResultLine(props: { command: CommandRun }) {
  const { busy, result, about } = props.command;
  return (
    <p className={`fp-result ${result && !busy ? (result.ok ? "fp-ok" : "fp-refused") : ""}`} role="status">
      {busy ? (
        "Waiting for the lab…"
      ) : result ? (
        <>
          <span className="fp-result-mark" aria-hidden="true">
            {result.ok ? "✓" : "✗"}
          </span>
          <span className="visually-hidden">{result.ok ? "Done: " : "Refused: "}</span>
          {about ? <span className="fp-result-about">{about}: </span> : null}
          <span className="fp-result-text">{result.message}</span>
        </>
      ) : null}
    </p>
  );
}

/** The code a command runs, as a learner would write it, and where it runs. */
export function CodePreview(props: { code: string | null; where: string }) {
  if (!props.code) return null;
  return (
    <p className="fp-code">
      <span className="fp-code-label">Runs on {props.where}:</span>
      <code>{props.code}</code>
    </p>
  );
}
