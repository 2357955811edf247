import { useEffect, useRef, useState } from 'react';
import type { ConnectionState, StatsSnapshot } from '../../../shared/contract';
import { useShallow } from 'zustand/react/shallow';
import { attachFrames, liveSink, pixelAt, setDrawCallback } from '../frame/live';
import { formatBytes, formatFps, formatKbps } from '../lib/format';
import { canvasToImage, oneToOne, pan, place, zoomAt, type Size, type ZoomMode } from '../lib/viewport';
import { setStreaming } from '../store/actions';
import { updateSettings, useApp } from '../store/app-store';
import { describeConnection } from '../store/reducers';

const OVERLAY_REFRESH_MS = 250;

function setStat(el: HTMLElement | null, value: number | string, text: string): void {
  if (!el) return;
  const v = String(value);
  if (el.dataset.value !== v) el.dataset.value = v;
  if (el.textContent !== text) el.textContent = text;
}

/** What the view says when no live frame is coming: over the last frame (dimmed), or an empty view. */
function FrameNotice({ kind, detail }: { kind: ConnectionState['kind']; detail: string }) {
  if (kind === 'connected') return null;
  const [title, text] =
    kind === 'disconnected'
      ? ['Disconnected.', 'Pick a port and press Connect.']
      : kind === 'reconnecting'
        ? ['Camera disconnected — reconnecting…', '']
        : kind === 'resyncing'
          ? ['Resyncing with the camera…', '']
          : ['Connecting…', ''];
  return (
    <div className={`frame-notice notice-${kind}`} data-testid="frame-notice" data-state={kind} role="status">
      <strong>{title}</strong>
      {text && <span> {text}</span>}
      {detail && <div className="frame-notice-detail">{detail}</div>}
    </div>
  );
}

/** Live frames: newest only, drawn on requestAnimationFrame; the overlay is written to the DOM directly
 *  (no React render per frame). */
export function FrameView() {
  const zoom = useApp((s) => s.settings.zoom);
  // primitives only: a selector returning a fresh object every time would re-render forever
  const { kind, detail, showStats } = useApp(
    useShallow((s) => ({
      kind: s.connection.kind,
      detail: describeConnection(s.connection).detail,
      showStats: s.settings.showStats,
    })),
  );
  const connected = kind === 'connected';
  // whether a frame was ever drawn: the last one stays on screen, dimmed, once the camera is gone
  const [hasFrame, setHasFrame] = useState(false);
  const hasFrameRef = useRef(false);
  const stale = hasFrame && kind !== 'connected' && kind !== 'resyncing';
  const wrapRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const zoomRef = useRef<ZoomMode>(zoom);
  const redrawRef = useRef<() => void>(() => undefined);
  const stats = {
    bytes: useRef<HTMLSpanElement>(null),
    cam: useRef<HTMLSpanElement>(null),
    disp: useRef<HTMLSpanElement>(null),
    kbps: useRef<HTMLSpanElement>(null),
    size: useRef<HTMLSpanElement>(null),
    pixel: useRef<HTMLSpanElement>(null),
  };

  useEffect(() => {
    zoomRef.current = zoom;
    redrawRef.current();
  }, [zoom]);

  useEffect(() => {
    attachFrames();
    const canvas = canvasRef.current!;
    const wrap = wrapRef.current!;
    const ctx = canvas.getContext('2d', { alpha: false });
    if (!ctx) throw new Error('no 2D canvas context');
    let raf = 0;
    let cssSize: Size = { width: 1, height: 1 };
    let dpr = window.devicePixelRatio || 1;
    let lastOverlay = 0;

    // read the theme colour once per theme change, not per frame (getComputedStyle forces a style pass)
    const readBg = () => getComputedStyle(canvas).getPropertyValue('--canvas-bg').trim() || '#111';
    let bgColor = readBg();
    const unsubTheme = useApp.subscribe((s, prev) => {
      if (s.settings.theme === prev.settings.theme) return;
      requestAnimationFrame(() => {
        bgColor = readBg();
        paint();
      });
    });

    function paint(): void {
      const f = liveSink.shown();
      ctx!.setTransform(1, 0, 0, 1, 0, 0);
      ctx!.fillStyle = bgColor;
      ctx!.fillRect(0, 0, canvas.width, canvas.height);
      if (!f) return;
      const img = { width: f.bitmap.width, height: f.bitmap.height };
      const p = place(zoomRef.current, cssSize, img);
      ctx!.imageSmoothingEnabled = p.scale < 1;
      ctx!.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx!.drawImage(f.bitmap, p.x, p.y, img.width * p.scale, img.height * p.scale);
    }

    const statsRoot = wrap.parentElement?.querySelector<HTMLElement>('[data-testid="frame-stats"]') ?? null;
    // camera fps and data rate: the service's one measurement (the stats panel shows the same numbers)
    function rates(st: StatsSnapshot | null): void {
      const fps = st?.frames.fps ?? null;
      const kbps = st?.frames.kbps ?? null;
      setStat(stats.cam.current, fps ?? '', fps === null ? '–' : formatFps(fps));
      setStat(stats.kbps.current, kbps ?? '', kbps === null ? '–' : formatKbps(kbps));
      const clock = st?.frames.clock;
      if (stats.cam.current && clock) stats.cam.current.dataset.clock = clock;
    }
    rates(useApp.getState().stats);
    const unsubStats = useApp.subscribe((s, prev) => {
      if (s.stats !== prev.stats) rates(s.stats);
    });
    function overlay(now: number): void {
      lastOverlay = now;
      if (statsRoot) {
        // pipeline counters for benchmarks and e2e (frames displayed ÷ frames received, drops)
        const c = liveSink.counters;
        statsRoot.dataset.received = String(c.received);
        statsRoot.dataset.drawn = String(c.drawn);
        statsRoot.dataset.dropped = String(c.dropped);
        statsRoot.dataset.decodeErrors = String(c.decodeErrors);
      }
      const f = liveSink.shown();
      setStat(
        stats.disp.current,
        Math.round(liveSink.displayFps() * 10) / 10,
        formatFps(liveSink.displayFps()),
      );
      if (f) {
        setStat(stats.bytes.current, f.meta.bytes, formatBytes(f.meta.bytes));
        setStat(
          stats.size.current,
          `${f.bitmap.width}x${f.bitmap.height}`,
          `${f.bitmap.width}×${f.bitmap.height}`,
        );
        stats.size.current!.dataset.width = String(f.bitmap.width);
        stats.size.current!.dataset.height = String(f.bitmap.height);
      }
    }

    function onAnimationFrame(now: number): void {
      raf = 0;
      const fresh = liveSink.takeForDraw();
      if (fresh) {
        paint();
        if (!hasFrameRef.current) {
          hasFrameRef.current = true;
          setHasFrame(true);
        }
        // bytes of the frame on screen: exact on every frame (e2e watches it), the rates at a calm pace
        const el = stats.bytes.current;
        setStat(el, fresh.meta.bytes, formatBytes(fresh.meta.bytes));
        if (el) {
          el.dataset.seq = String(fresh.meta.seq);
          if (fresh.meta.quality !== undefined) el.dataset.quality = String(fresh.meta.quality);
          else delete el.dataset.quality;
        }
        if (now - lastOverlay > OVERLAY_REFRESH_MS) overlay(now);
      }
    }

    const schedule = () => {
      if (!raf) raf = requestAnimationFrame(onAnimationFrame);
    };
    setDrawCallback(schedule);
    redrawRef.current = () => paint();

    const ro = new ResizeObserver(() => {
      const r = wrap.getBoundingClientRect();
      dpr = window.devicePixelRatio || 1;
      cssSize = { width: Math.max(1, r.width), height: Math.max(1, r.height) };
      canvas.width = Math.round(cssSize.width * dpr);
      canvas.height = Math.round(cssSize.height * dpr);
      paint();
    });
    ro.observe(wrap);
    // keeps the fps figures honest when frames stop arriving
    const timer = setInterval(() => overlay(performance.now()), OVERLAY_REFRESH_MS);

    const imageSize = (): Size | null => {
      const f = liveSink.shown();
      return f ? { width: f.bitmap.width, height: f.bitmap.height } : null;
    };
    const local = (e: { clientX: number; clientY: number }) => {
      const r = canvas.getBoundingClientRect();
      return { x: e.clientX - r.left, y: e.clientY - r.top };
    };

    const onWheel = (e: WheelEvent) => {
      const img = imageSize();
      if (!img) return;
      e.preventDefault();
      const { x, y } = local(e);
      const factor = Math.exp(-e.deltaY * 0.0015);
      updateSettings({ zoom: zoomAt(zoomRef.current, cssSize, img, factor, x, y) });
    };
    canvas.addEventListener('wheel', onWheel, { passive: false });

    let drag: { x: number; y: number } | null = null;
    const onDown = (e: PointerEvent) => {
      if (e.button !== 0) return;
      drag = { x: e.clientX, y: e.clientY };
      canvas.setPointerCapture(e.pointerId);
    };
    const onMove = (e: PointerEvent) => {
      const img = imageSize();
      if (!img) return;
      if (drag) {
        const dx = e.clientX - drag.x;
        const dy = e.clientY - drag.y;
        drag = { x: e.clientX, y: e.clientY };
        if (dx || dy) updateSettings({ zoom: pan(zoomRef.current, cssSize, img, dx, dy) });
      }
      const { x, y } = local(e);
      const at = canvasToImage(place(zoomRef.current, cssSize, img), img, x, y);
      const el = stats.pixel.current!;
      if (!at) {
        el.textContent = '';
        return;
      }
      const px = pixelAt(at.x, at.y);
      el.textContent = px ? `(${at.x}, ${at.y})  R ${px[0]}  G ${px[1]}  B ${px[2]}` : `(${at.x}, ${at.y})`;
    };
    const onUp = () => {
      drag = null;
    };
    const onLeave = () => {
      stats.pixel.current!.textContent = '';
    };
    canvas.addEventListener('pointerdown', onDown);
    canvas.addEventListener('pointermove', onMove);
    canvas.addEventListener('pointerup', onUp);
    canvas.addEventListener('pointercancel', onUp);
    canvas.addEventListener('pointerleave', onLeave);

    return () => {
      setDrawCallback(null);
      unsubTheme();
      unsubStats();
      if (raf) cancelAnimationFrame(raf);
      clearInterval(timer);
      ro.disconnect();
      canvas.removeEventListener('wheel', onWheel);
      canvas.removeEventListener('pointerdown', onDown);
      canvas.removeEventListener('pointermove', onMove);
      canvas.removeEventListener('pointerup', onUp);
      canvas.removeEventListener('pointercancel', onUp);
      canvas.removeEventListener('pointerleave', onLeave);
    };
    // stats refs are stable for the component's life
  }, []);

  const paused = useApp((s) => s.paused);
  const zoomLabel = zoom.mode === 'fit' ? 'Fit' : `${Math.round(zoom.scale * 100)} %`;
  const setZoom = (z: ZoomMode) => updateSettings({ zoom: z });
  const img = () => {
    const f = liveSink.shown();
    return f ? { width: f.bitmap.width, height: f.bitmap.height } : { width: 640, height: 480 };
  };
  const centreZoom = (factor: number) => {
    const c = canvasRef.current!.getBoundingClientRect();
    const size = { width: c.width, height: c.height };
    setZoom(zoomAt(zoom, size, img(), factor, size.width / 2, size.height / 2));
  };

  return (
    <section className="frame-view" aria-label="Live frame">
      <div
        className="frame-statsbar"
        data-testid="frame-stats"
        aria-live="off"
        aria-label="Frame statistics"
        hidden={!showStats}
      >
        <span title="Frames per second from the camera, on the camera's own clock (the stats panel's figure)">
          cam{' '}
          <span ref={stats.cam} data-testid="camera-fps" data-value="">
            –
          </span>{' '}
          fps
        </span>
        <span title="Frames per second drawn">
          disp{' '}
          <span ref={stats.disp} data-testid="display-fps" data-value="0">
            –
          </span>{' '}
          fps
        </span>
        <span
          ref={stats.bytes}
          data-testid="frame-bytes"
          data-value="0"
          title="Encoded size of the frame on screen"
        >
          –
        </span>
        <span ref={stats.kbps} data-testid="frame-kbps" data-value="" title="Frame data rate from the camera">
          –
        </span>
        <span ref={stats.size} data-testid="frame-size" data-value="0" title="Resolution">
          –
        </span>
      </div>
      <div className={`frame-canvas-wrap${stale ? ' is-stale' : ''}`} ref={wrapRef}>
        <canvas
          ref={canvasRef}
          data-testid="frame-canvas"
          className="frame-canvas"
          aria-label="Live camera frame"
        />
        <FrameNotice kind={kind} detail={detail} />
      </div>
      <div className="frame-toolbar">
        <button
          type="button"
          data-testid="zoom-fit"
          aria-pressed={zoom.mode === 'fit'}
          onClick={() => setZoom({ mode: 'fit' })}
          title="Fit (F)"
        >
          Fit
        </button>
        <button
          type="button"
          data-testid="zoom-1to1"
          onClick={() => setZoom(oneToOne(zoom, img()))}
          title="1:1 (1)"
        >
          1:1
        </button>
        <button
          type="button"
          data-testid="zoom-out"
          onClick={() => centreZoom(1 / 1.25)}
          title="Zoom out (−)"
          aria-label="Zoom out"
        >
          −
        </button>
        <span className="zoom-label" data-testid="zoom-level">
          {zoomLabel}
        </span>
        <button
          type="button"
          data-testid="zoom-in"
          onClick={() => centreZoom(1.25)}
          title="Zoom in (+)"
          aria-label="Zoom in"
        >
          +
        </button>
        <button
          type="button"
          data-testid="stats-toggle"
          aria-pressed={showStats}
          onClick={() => updateSettings({ showStats: !showStats })}
          title={showStats ? 'Hide the frame stats line (I)' : 'Show the frame stats line (I)'}
        >
          Stats
        </button>
        <button
          type="button"
          data-testid="stream-toggle"
          aria-pressed={paused}
          disabled={!connected}
          onClick={() => void setStreaming(paused)}
          title={paused ? 'Resume streaming (P)' : 'Pause streaming (P)'}
        >
          {paused ? 'Resume' : 'Pause'}
        </button>
        <span className="pixel-value" data-testid="pixel-value" ref={stats.pixel} aria-live="off" />
      </div>
    </section>
  );
}
