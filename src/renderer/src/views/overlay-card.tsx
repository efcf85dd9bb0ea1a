// A card over the views (the envelope, a followed connection): a labelled dialog that takes
// focus when it opens, closes with its button or Escape, and scrolls its own content.

import { useEffect, useId, useRef, type ReactNode } from "react";

export function OverlayCard(props: { title: ReactNode; className: string; onClose: () => void; children: ReactNode }) {
  const id = useId();
  const close = useRef<HTMLButtonElement | null>(null);
  useEffect(() => {
    close.current?.focus();
  }, []);
  return (
    <div
      role="dialog"
      aria-modal="false"
      aria-labelledby={id}
      className={`overlay-card ${props.className}`}
      onKeyDown={(e) => {
        if (e.key !== "Escape") return;
        // Escape closes the card, not presenter mode behind it.
        e.stopPropagation();
        e.preventDefault();
        props.onClose();
      }}
    >
      <div className="overlay-head">
        <h2 id={id}>{props.title}</h2>
        <button type="button" ref={close} onClick={props.onClose}>
          Close (Esc)
        </button>
      </div>
      <div className="overlay-body" tabIndex={0}>
        {props.children}
      </div>
    </div>
  );
}
