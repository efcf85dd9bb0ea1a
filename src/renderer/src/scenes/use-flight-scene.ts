// Mounts a flight scene on a <g> ref; React only mounts, updates and unmounts it.

import { useEffect, useRef, type RefObject } from "react";
import { useActions, useStoreBundle } from "../store/store-context";
import { createFlightScene, type PathFor } from "./flight-scene";

export function useFlightScene(pathFor: PathFor): RefObject<SVGGElement | null> {
  const ref = useRef<SVGGElement | null>(null);
  const { store } = useStoreBundle();
  const actions = useActions();
  const scene = useRef<ReturnType<typeof createFlightScene> | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the scene lives as long as the element; later paths arrive through update()
  useEffect(() => {
    if (!ref.current) return;
    scene.current = createFlightScene(ref.current, store, pathFor, (id) => actions.openEnvelope(id));
    return () => {
      scene.current?.destroy();
      scene.current = null;
    };
  }, [store, actions]);
  useEffect(() => {
    scene.current?.update(pathFor);
  }, [pathFor]);
  return ref;
}
