import { useCallback, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { describeConnection } from '../../store/reducers';
import { useApp } from '../../store/use-app';
import { FrameNotice } from './FrameNotice';
import { FrameStatsBar } from './FrameStatsBar';
import { FrameToolbar } from './FrameToolbar';
import { useCanvasResize } from './use-canvas-resize';
import { useFramePaint, type OnDrawn } from './use-frame-paint';
import { useFrameStats } from './use-frame-stats';
import { usePixelProbe } from './use-pixel-probe';
import { useZoomPan } from './use-zoom';

/** Live frames: newest only, drawn on requestAnimationFrame, with the stats line above and the tools below. */
export function FrameView() {
  // primitives only: a selector returning a fresh object every time would re-render forever
  const { kind, detail, showStats } = useApp(
    useShallow((s) => ({
      kind: s.connection.kind,
      detail: describeConnection(s.connection).detail,
      showStats: s.settings.showStats,
    })),
  );
  const wrapRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const pixelRef = useRef<HTMLSpanElement>(null);

  // whether a frame was ever drawn: the last one stays on screen, dimmed, once the camera is gone
  const [hasFrame, setHasFrame] = useState(false);
  const hasFrameRef = useRef(false);
  const stats = useFrameStats();
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
  const repaint = useFramePaint(canvasRef, onDrawn);
  useCanvasResize(wrapRef, canvasRef, repaint);
  useZoomPan(canvasRef);
  usePixelProbe(canvasRef, pixelRef);

  const stale = hasFrame && kind !== 'connected' && kind !== 'resyncing';
  return (
    <section className="frame-view" aria-label="Live frame">
      <FrameStatsBar line={stats} hidden={!showStats} />
      <div className={`frame-canvas-wrap${stale ? ' is-stale' : ''}`} ref={wrapRef}>
        <canvas
          ref={canvasRef}
          data-testid="frame-canvas"
          className="frame-canvas"
          aria-label="Live camera frame"
        />
        <FrameNotice kind={kind} detail={detail} />
      </div>
      <FrameToolbar pixelRef={pixelRef} />
    </section>
  );
}
