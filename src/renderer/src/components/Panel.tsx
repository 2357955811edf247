import type { ReactNode } from 'react';
import type { PanelKey } from '../store/state';
import { useActions, useApp } from '../store/use-app';

/** A collapsible side or console panel; whether it is open is a persisted setting. Closed, it renders nothing. */
export function Panel({ id, title, children }: { id: PanelKey; title: string; children: ReactNode }) {
  const open = useApp((s) => s.settings.panels[id]);
  const { setPanelOpen } = useActions();
  return (
    <details
      className={`panel panel-${id}`}
      open={open}
      onToggle={(e) => setPanelOpen(id, e.currentTarget.open)}
    >
      <summary>{title}</summary>
      {open && children}
    </details>
  );
}
