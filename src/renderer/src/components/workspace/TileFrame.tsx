import { useCallback, useRef } from 'react';
import { useCamera } from '../../store/camera-scope';
import { useCanvasResize } from '../frame-view/use-canvas-resize';
import type { OnDrawn } from '../frame-view/use-frame-paint';
import { FrameNotice } from '../frame-view/FrameNotice';
import { useFrameStats } from '../frame-view/use-frame-stats';
import { useTilePaint } from './use-tile-paint';

/** The camera's fps and the tile's display fps, written by the stats line (no render per frame). */
function TileRates({ line }: { line: ReturnType<typeof useFrameStats> }) {
  return (
    <div className="tile-rates" ref={line.root} aria-label="Frame rates" data-testid="tile-rates">
      <span title="Frames per second from the camera">
        cam <span ref={line.cam}>–</span> fps
      </span>
      <span title="Frames per second drawn in this tile">
        disp <span ref={line.disp}>–</span> fps
      </span>
    </div>
  );
}

/** A tile's compact frame view: the live frame (fitted), its rates, and the notice when not live. */
export function TileFrame() {
  const kind = useCamera((v) => v.connection.kind);
  const wrapRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const stats = useFrameStats();
  const onDrawn = useCallback<OnDrawn>((f, now) => stats.frameDrawn(f, now), [stats]);
  const repaint = useTilePaint(canvasRef, onDrawn);
  useCanvasResize(wrapRef, canvasRef, repaint);
  const stale = kind !== 'connected' && kind !== 'resyncing';
  return (
    <div className="tile-frame">
      <div className={`frame-canvas-wrap${stale ? ' is-stale' : ''}`} ref={wrapRef}>
        <canvas ref={canvasRef} className="frame-canvas tile-canvas" aria-hidden="true" />
        <FrameNotice />
      </div>
      <TileRates line={stats} />
    </div>
  );
}
