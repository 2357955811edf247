import type { RefObject } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { zoomLabel, type ZoomCommand } from '../../lib/viewport';
import { useCamera, useCameraActions } from '../../store/camera-scope';
import { useActions, useApp } from '../../store/use-app';
import { useZoomCommand } from './use-zoom';

const STEPS: Record<'in' | 'out', { cmd: ZoomCommand; title: string; label: string; text: string }> = {
  out: { cmd: 'zoom-out', title: 'Zoom out (−)', label: 'Zoom out', text: '−' },
  in: { cmd: 'zoom-in', title: 'Zoom in (+)', label: 'Zoom in', text: '+' },
};

function ZoomStep({ dir, zoom }: { dir: 'in' | 'out'; zoom: (cmd: ZoomCommand) => void }) {
  const s = STEPS[dir];
  return (
    <button
      type="button"
      data-testid={s.cmd}
      onClick={() => zoom(s.cmd)}
      title={s.title}
      aria-label={s.label}
    >
      {s.text}
    </button>
  );
}

/** Zoom, the stats line and pause under the image; `pixelRef` is where the pixel probe writes. */
export function FrameToolbar({ pixelRef }: { pixelRef: RefObject<HTMLSpanElement | null> }) {
  const { view, showStats } = useApp(
    useShallow((s) => ({ view: s.settings.zoom, showStats: s.settings.showStats })),
  );
  const { paused, connected } = useCamera(
    useShallow((v) => ({ paused: v.paused, connected: v.connection.kind === 'connected' })),
  );
  const { toggleStats } = useActions();
  const { toggleStreaming } = useCameraActions();
  const zoom = useZoomCommand();
  return (
    <div className="frame-toolbar">
      <button
        type="button"
        data-testid="zoom-fit"
        aria-pressed={view.mode === 'fit'}
        onClick={() => zoom('fit')}
        title="Fit (F)"
      >
        Fit
      </button>
      <button type="button" data-testid="zoom-1to1" onClick={() => zoom('one-to-one')} title="1:1 (1)">
        1:1
      </button>
      <ZoomStep dir="out" zoom={zoom} />
      <span className="zoom-label" data-testid="zoom-level">
        {zoomLabel(view)}
      </span>
      <ZoomStep dir="in" zoom={zoom} />
      <button
        type="button"
        data-testid="stats-toggle"
        aria-pressed={showStats}
        onClick={toggleStats}
        title={showStats ? 'Hide the frame stats line (I)' : 'Show the frame stats line (I)'}
      >
        Stats
      </button>
      <button
        type="button"
        data-testid="stream-toggle"
        aria-pressed={paused}
        disabled={!connected}
        onClick={() => void toggleStreaming()}
        title={paused ? 'Resume streaming (P)' : 'Pause streaming (P)'}
      >
        {paused ? 'Resume' : 'Pause'}
      </button>
      <span className="pixel-value" data-testid="pixel-value" ref={pixelRef} aria-live="off" />
    </div>
  );
}
