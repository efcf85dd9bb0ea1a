// A view's landmark region: a <section> named by its accessible label, with a heading. It takes
// focus (Tab), which also makes it the export target, as a click in it does.

import type { ReactNode } from "react";
import type { ViewName } from "../store/initial-state";
import { useActions } from "../store/store-context";

export function Panel(props: { name: ViewName; className?: string; note?: ReactNode; children: ReactNode }) {
  const actions = useActions();
  const id = `panel-${props.name.toLowerCase()}`;
  return (
    <section
      aria-label={props.name}
      className={`panel ${id} ${props.className ?? ""}`}
      onPointerDown={() => actions.setFocusedView(props.name)}
      onFocus={() => actions.setFocusedView(props.name)}
    >
      <header className="panel-head">
        <h2>{props.name}</h2>
        {props.note ? <span className="panel-note">{props.note}</span> : null}
      </header>
      {/* The body takes focus (Tab): keyboard users can scroll it, and it becomes the export target. */}
      <div className="panel-body" tabIndex={0}>
        {props.children}
      </div>
    </section>
  );
}
