// Keyboard shortcuts: Space play/pause, → and ← step, N next step, Home start, End live,
// F presenter mode, Escape leaves it.
// Ignored while typing in a form field so they never fight with text entry, and Space is
// left to a focused button, checkbox or tab, which it activates.

import { useEffect } from "react";

export interface KeyHandlers {
  togglePlay(): void;
  forward(): void;
  back(): void;
  nextStep(): void;
  presenter(): void;
  home(): void;
  end(): void;
  exitPresenter(): void;
}

export function keyAction(e: Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "altKey">, target: EventTarget | null): keyof KeyHandlers | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  const el = target as HTMLElement | null;
  const tag = el?.tagName ?? "";
  if (tag === "INPUT" && (el as HTMLInputElement).type !== "range" && (el as HTMLInputElement).type !== "checkbox") return null;
  if (tag === "TEXTAREA" || tag === "SELECT" || el?.isContentEditable) return null;
  if (tag === "INPUT" && ["ArrowRight", "ArrowLeft", "Home", "End"].includes(e.key)) return null;
  if (e.key === " " && activatedBySpace(el)) return null;
  switch (e.key) {
    case " ":
      return "togglePlay";
    case "ArrowRight":
      return "forward";
    case "ArrowLeft":
      return "back";
    case "n":
    case "N":
      return "nextStep";
    case "f":
    case "F":
      return "presenter";
    case "Home":
      return "home";
    case "End":
      return "end";
    case "Escape":
      return "exitPresenter";
    default:
      return null;
  }
}

const SPACE_ROLES = new Set(["button", "checkbox", "switch", "tab", "menuitem", "radio", "option"]);

function activatedBySpace(el: HTMLElement | null): boolean {
  if (!el) return false;
  if (el.tagName === "BUTTON" || el.tagName === "SUMMARY" || el.tagName === "A") return true;
  if (el.tagName === "INPUT" && ["checkbox", "radio", "button", "submit"].includes((el as HTMLInputElement).type)) return true;
  return SPACE_ROLES.has(el.getAttribute?.("role") ?? "");
}

export function useKeyboard(handlers: KeyHandlers): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const action = keyAction(e, e.target);
      if (!action) return;
      e.preventDefault();
      handlers[action]();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [handlers]);
}
