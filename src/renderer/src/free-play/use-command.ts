// One form's command in flight: whether it is busy and the lab's last answer, shown as the
// lab wrote it. A call that throws (the lab went away) becomes a refused result.

import { useCallback, useState } from "react";
import type { CommandResult } from "../../../shared/lab-api";

export interface CommandRun {
  busy: boolean;
  result: CommandResult | null;
  run(call: () => Promise<CommandResult>): Promise<void>;
}

export function useCommand(): CommandRun {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<CommandResult | null>(null);
  const run = useCallback(async (call: () => Promise<CommandResult>) => {
    setBusy(true);
    try {
      setResult(await call());
    } catch (err) {
      setResult({ ok: false, message: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, result, run };
}
