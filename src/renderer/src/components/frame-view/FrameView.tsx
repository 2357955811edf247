import { useCallback, useRef, useState } from 'react';
import { useCamera } from '../../store/camera-scope';
import { useApp } from '../../store/use-app';
import { FrameNotice } from './FrameNotice';
import { FrameStatsBar } from './FrameStatsBar';
import { FrameToolbar } from './FrameToolbar';
import { useViewSize } from './use-canvas-resize';
import { useFramePaint, type OnDrawn } from './use-frame-paint';
import { useFrameStats, useSinkFigures } from './use-frame-stats';
import { usePixelProbe } from './use-pixel-probe';
import { useZoomPan } from './use-zoom';

/**
 * The scope's camera's live frames: newest only, drawn on requestAnimationFrame, with the stats line above and
 * the tools below (the focus view; a grid tile has its own compact view).
 */
export function FrameView() {
  const kind = useCamera((v) => v.connection.kind);
  const showStats = useApp((s) => s.settings.showStats);
  const wrapRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const pixelRef = useRef<HTMLSpanElement>(null);

  // whether a frame was ever drawn: the last one stays on screen, dimmed, once the camera is gone
  const [hasFrame, setHasFrame] = useState(false);
  const hasFrameRef = useRef(false);
  const stats = useFrameStats(useSinkFigures());
  const onDrawn = useCallback<OnDrawn>(
    (f, now) => {
      if (!hasFrameRef.current) {
        hasFrameRef.current = true;
        setHasFrame(true);
      }
      stats.frameDrawn(f, now);
    },
    [stats],
  );
  const place = useFramePaint(canvasRef, onDrawn);
  useViewSize(wrapRef, place);
  useZoomPan(wrapRef);
  usePixelProbe(wrapRef, pixelRef);

  const stale = hasFrame && kind !== 'connected' && kind !== 'resyncing';
  return (
    <section className="frame-view" aria-label="Live frame">
      <FrameStatsBar line={stats} hidden={!showStats} />
      <div className={`frame-canvas-wrap${stale ? ' is-stale' : ''}`} ref={wrapRef}>
        <canvas
          ref={canvasRef}
          data-testid="frame-canvas"
          className="frame-picture"
          aria-label="Live camera frame"
        />
        <FrameNotice />
      </div>
      <FrameToolbar pixelRef={pixelRef} />
    </section>
  );
}
