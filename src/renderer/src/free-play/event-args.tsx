// The event name and JSON arguments that the Emit and Broadcast forms share: their state,
// the check before sending, and the two fields (placed in the caller's row).

import { useRef, useState } from "react";
import { checkArgs } from "./json-args";
import { TextField } from "./fields";

export interface EventArgs {
  event: string;
  args: string;
  parsed: ReturnType<typeof checkArgs>;
  eventError: string | null;
  setEvent(v: string): void;
  setArgs(v: string): void;
  /** On submit: true when both are valid; otherwise shows the errors and focuses bad arguments. */
  ready(): boolean;
  argsInput: React.MutableRefObject<HTMLInputElement | null>;
}

export function useEventArgs(initialEvent: string, initialArgs: string): EventArgs {
  const [event, setEvent] = useState(initialEvent);
  const [args, setArgs] = useState(initialArgs);
  const [tried, setTried] = useState(false);
  const argsInput = useRef<HTMLInputElement | null>(null);
  const parsed = checkArgs(args);
  return {
    event,
    args,
    parsed,
    eventError: tried && event.trim() === "" ? "An event name is required." : null,
    setEvent,
    setArgs,
    argsInput,
    ready() {
      setTried(true);
      if (!parsed.ok) {
        argsInput.current?.focus();
        return false;
      }
      return event.trim() !== "";
    },
  };
}

export function EventArgsFields({ state }: { state: EventArgs }) {
  return (
    <>
      <TextField label="Event" value={state.event} onChange={state.setEvent} error={state.eventError} className="fp-event" mono />
      <TextField
        label="Arguments (JSON array)"
        value={state.args}
        onChange={state.setArgs}
        error={state.parsed.ok ? null : state.parsed.message}
        className="fp-args"
        mono
        inputRef={(el) => {
          state.argsInput.current = el;
        }}
      />
    </>
  );
}
