// The question asked before quitting with an unsaved trace (the page says it has one, through
// its beforeunload), and what each answer means.
// Pure: the caller shows it with dialog.showMessageBox and acts on the decision.

export const UNSAVED_BUTTONS = ["Save…", "Don't Save", "Cancel"] as const;

export interface UnsavedPrompt {
  type: "warning";
  buttons: string[];
  defaultId: number;
  cancelId: number;
  noLink: true;
  message: string;
  detail: string;
}

export function unsavedPrompt(): UnsavedPrompt {
  return {
    type: "warning",
    buttons: [...UNSAVED_BUTTONS],
    defaultId: 0,
    cancelId: 2,
    noLink: true,
    message: "Save the trace before quitting?",
    detail: "The live trace on screen has not been saved. Without saving, it is lost when SocketScope quits.",
  };
}

export type QuitDecision = "save" | "discard" | "cancel";

export function decideAfterPrompt(response: number): QuitDecision {
  if (response === 0) return "save";
  if (response === 1) return "discard";
  return "cancel";
}
