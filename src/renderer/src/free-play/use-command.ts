// One form's command in flight: whether it is busy and the lab's last answer, shown as the
// lab wrote it. A call that throws (the lab went away) becomes a refused result.

import { useCallback, useState } from "react";
import type { CommandResult } from "../../../shared/lab-api";

export interface CommandRun {
  busy: boolean;
  result: CommandResult | null;
  /** What the answer is about, when the lab's message does not say (`hello from client-4`). */
  about: string | null;
  run(call: () => Promise<CommandResult>, about?: string): Promise<void>;
}

export function useCommand(): CommandRun {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<CommandResult | null>(null);
  const [about, setAbout] = useState<string | null>(null);
  const run = useCallback(async (call: () => Promise<CommandResult>, what?: string) => {
    setBusy(true);
    setAbout(what ?? null);
    try {
      setResult(await call());
    } catch (err) {
      setResult({ ok: false, message: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, result, about, run };
}
