// React access to the one store: a context carrying { store, actions } and `useTrace`,
// which re-renders a component only when its selected slice changes (shallowly).

import { createContext, useContext } from "react";
import { useStore } from "zustand";
import { useShallow } from "zustand/react/shallow";
import type { TraceState } from "./initial-state";
import type { TraceActions, TraceStore } from "./trace-store";

export interface StoreBundle {
  store: TraceStore;
  actions: TraceActions;
}

export const StoreContext = createContext<StoreBundle | null>(null);

export function useStoreBundle(): StoreBundle {
  const bundle = useContext(StoreContext);
  if (!bundle) throw new Error("useStoreBundle outside <StoreContext.Provider>");
  return bundle;
}

export function useTrace<T>(selector: (s: TraceState) => T): T {
  return useStore(useStoreBundle().store, useShallow(selector));
}

export function useActions(): TraceActions {
  return useStoreBundle().actions;
}
