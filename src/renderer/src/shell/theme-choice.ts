// The theme the user chose, or "system": then the page follows prefers-color-scheme (light or
// dark) as it changes, until the user picks a theme of their own (Theme select or menu).

import { useSyncExternalStore } from "react";
import type { ThemeChoice } from "../../../shared/page-api";
import type { TraceActions } from "../store/trace-store";

type Media = Pick<MediaQueryList, "matches" | "addEventListener" | "removeEventListener">;

let choice: ThemeChoice = "system";
let stopFollowing: (() => void) | null = null;
const listeners = new Set<() => void>();

const darkQuery = (): Media | null => (typeof window !== "undefined" && window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null);

export function chooseTheme(actions: TraceActions, next: ThemeChoice, media: Media | null = darkQuery()): void {
  stopFollowing?.();
  stopFollowing = null;
  choice = next;
  if (next === "system") {
    const apply = (): void => actions.setTheme(media?.matches ? "dark" : "light");
    apply();
    if (media) {
      media.addEventListener("change", apply);
      stopFollowing = () => media.removeEventListener("change", apply);
    }
  } else {
    actions.setTheme(next);
  }
  for (const l of listeners) l();
}

export const currentThemeChoice = (): ThemeChoice => choice;

/** The choice, for the Theme select. */
export function useThemeChoice(): ThemeChoice {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => choice,
  );
}
