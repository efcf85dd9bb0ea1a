// The app's base text size in pixels, as the style sheet sets it for this window and mode (it
// grows with the window's height, more so in presenter mode). Views size their geometry from it.

import { useLayoutEffect, useState } from "react";
import { useTrace } from "../store/store-context";

const FALLBACK = 14;

export function useBaseFont(): number {
  const presenter = useTrace((s) => s.presenter);
  const [px, setPx] = useState(FALLBACK);
  // biome-ignore lint/correctness/useExhaustiveDependencies: presenter mode changes the computed size: read it again then
  useLayoutEffect(() => {
    const read = (): void => {
      const el = document.querySelector(".app");
      const v = el ? parseFloat(getComputedStyle(el).fontSize) : NaN;
      setPx(Number.isFinite(v) && v >= 10 && v <= 64 ? v : FALLBACK);
    };
    read();
    window.addEventListener("resize", read);
    return () => window.removeEventListener("resize", read);
  }, [presenter]);
  return px;
}
