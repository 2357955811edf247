import { useCallback, useEffect, useMemo, useRef } from 'react';
import type { PaintClient, TileSurface } from '../../frame/paint-client';
import { useCamera, useCameraKey } from '../../store/camera-scope';
import { useApp } from '../../store/use-app';
import { CameraFrames } from '../frame-hub';
import { useCanvasResize } from '../frame-view/use-canvas-resize';
import type { OnDrawn } from '../frame-view/use-frame-paint';
import { FrameNotice } from '../frame-view/FrameNotice';
import { canvasBackground } from '../frame-view/paint';
import { useFrameStats, useSinkFigures, type FigureSource } from '../frame-view/use-frame-stats';
import { usePaintClient } from '../paint-client';
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

/** A tile's compact frame view: painted by the paint worker where the page has one, else on the page. */
export function TileFrame() {
  const paint = usePaintClient();
  return paint ? (
    <WorkerTileFrame client={paint} />
  ) : (
    <CameraFrames>
      <PageTileFrame />
    </CameraFrames>
  );
}

/** The canvas's size in device pixels. */
function deviceSize(el: HTMLElement): { width: number; height: number } {
  const r = el.getBoundingClientRect();
  const dpr = window.devicePixelRatio || 1;
  return { width: Math.max(1, Math.round(r.width * dpr)), height: Math.max(1, Math.round(r.height * dpr)) };
}

/**
 * The tile's canvas handed to the paint worker: its frames never reach this thread. The page only resizes the
 * canvas, tells the worker the theme's background and shows the figures the worker reports.
 */
function WorkerTileFrame({ client }: { client: PaintClient }) {
  const kind = useCamera((v) => v.connection.kind);
  const camera = useCameraKey();
  const theme = useApp((s) => s.settings.theme);
  const wrapRef = useRef<HTMLDivElement>(null);
  const surface = useRef<{ canvas: HTMLCanvasElement; tile: TileSurface } | null>(null);
  const source = useMemo<FigureSource>(
    () => ({
      counters: () => surface.current?.tile.figures()?.counters ?? null,
      displayFps: () => surface.current?.tile.figures()?.displayFps ?? 0,
      shown: () => surface.current?.tile.figures()?.shown ?? null,
    }),
    [],
  );
  const stats = useFrameStats(source);
  useEffect(() => {
    const wrap = wrapRef.current!;
    // a new canvas per handover: a canvas once given to the worker cannot be given again (StrictMode mounts twice)
    const canvas = document.createElement('canvas');
    canvas.className = 'frame-canvas tile-canvas';
    canvas.setAttribute('aria-hidden', 'true');
    Object.assign(canvas, deviceSize(wrap));
    wrap.prepend(canvas);
    const tile = client.attach(camera, canvas, canvasBackground(canvas));
    surface.current = { canvas, tile };
    const ro = new ResizeObserver(() => {
      const { width, height } = deviceSize(wrap);
      tile.resize(width, height);
    });
    ro.observe(wrap);
    return () => {
      ro.disconnect();
      tile.dispose();
      surface.current = null;
      canvas.remove();
    };
  }, [client, camera]);
  useEffect(() => {
    // the new theme's colours apply once it has been rendered
    const raf = requestAnimationFrame(() => {
      const s = surface.current;
      if (s) s.tile.background(canvasBackground(s.canvas));
    });
    return () => cancelAnimationFrame(raf);
  }, [theme]);
  const stale = kind !== 'connected' && kind !== 'resyncing';
  return (
    <div className="tile-frame">
      <div className={`frame-canvas-wrap${stale ? ' is-stale' : ''}`} ref={wrapRef}>
        <FrameNotice />
      </div>
      <TileRates line={stats} />
    </div>
  );
}

/** The tile painted on the page: the live frame (fitted), its rates, and the notice when not live. */
function PageTileFrame() {
  const kind = useCamera((v) => v.connection.kind);
  const wrapRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const stats = useFrameStats(useSinkFigures());
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
