// The stats line above the image, written to the DOM directly (no React render per frame).
import { createRef, useEffect, useMemo } from 'react';
import type { StatsSnapshot } from '../../../../shared/contract';
import type { ShownFrame, SinkCounters } from '../../frame/frame-sink';
import type { LiveFrames } from '../../frame/live';
import { useLiveFrames } from '../../frame/use-live-frames';
import { formatBytes, formatFps, formatKbps } from '../../lib/format';
import { viewOf } from '../../store/camera-view';
import { useCameraKey } from '../../store/camera-scope';
import { useAppStore } from '../../store/use-app';

const OVERLAY_REFRESH_MS = 250;

function setStat(el: HTMLElement | null, value: number | string, text: string): void {
  if (!el) return;
  const v = String(value);
  if (el.dataset.value !== v) el.dataset.value = v;
  if (el.textContent !== text) el.textContent = text;
}

/** Where a stats line reads the page's own figures: a camera's sink here, or the paint worker's last report. */
export interface FigureSource {
  counters(): SinkCounters | null;
  displayFps(): number;
  /** The frame on screen (its size as drawn, its encoded bytes), or null before the first. */
  shown(): { width: number; height: number; bytes: number } | null;
}

/** The figures of a sink on this page. */
export function sinkFigures(frames: LiveFrames): FigureSource {
  const sink = frames.sink;
  return {
    counters: () => sink.counters,
    displayFps: () => sink.displayFps(),
    shown: () => {
      const f = sink.shown();
      return f ? { width: f.width, height: f.height, bytes: f.meta.bytes } : null;
    },
  };
}

export class StatsLine {
  readonly root = createRef<HTMLDivElement>();
  readonly cam = createRef<HTMLSpanElement>();
  readonly disp = createRef<HTMLSpanElement>();
  readonly bytes = createRef<HTMLSpanElement>();
  readonly kbps = createRef<HTMLSpanElement>();
  readonly size = createRef<HTMLSpanElement>();
  private lastOverlay = 0;

  constructor(private readonly source: FigureSource) {}

  /** Camera fps and data rate: the service's one measurement (the stats panel shows the same numbers). */
  rates(st: StatsSnapshot | null): void {
    const fps = st?.frames.fps ?? null;
    const kbps = st?.frames.kbps ?? null;
    setStat(this.cam.current, fps ?? '', fps === null ? '–' : formatFps(fps));
    setStat(this.kbps.current, kbps ?? '', kbps === null ? '–' : formatKbps(kbps));
    const clock = st?.frames.clock;
    if (this.cam.current && clock) this.cam.current.dataset.clock = clock;
  }

  /** The figures that change per frame, at a calm pace. */
  overlay(now: number): void {
    this.lastOverlay = now;
    const root = this.root.current;
    const c = this.source.counters();
    if (root && c) {
      // pipeline counters for benchmarks and e2e (frames displayed ÷ frames received, drops)
      root.dataset.received = String(c.received);
      root.dataset.drawn = String(c.drawn);
      root.dataset.superseded = String(c.superseded);
      root.dataset.decodeErrors = String(c.decodeErrors);
    }
    const fps = this.source.displayFps();
    setStat(this.disp.current, Math.round(fps * 10) / 10, formatFps(fps));
    const f = this.source.shown();
    if (!f) return;
    setStat(this.bytes.current, f.bytes, formatBytes(f.bytes));
    const { width, height } = f;
    setStat(this.size.current, `${width}x${height}`, `${width}×${height}`);
    const size = this.size.current;
    if (size) {
      size.dataset.width = String(width);
      size.dataset.height = String(height);
    }
  }

  /**
   * A new frame is on screen: its bytes exactly (e2e watches them), the text when due (a text change per frame
   * would lay out and paint the line at the frame rate, for a figure nobody reads that fast).
   */
  frameDrawn(f: ShownFrame<ImageBitmap>, now: number): void {
    const el = this.bytes.current;
    if (el) {
      el.dataset.value = String(f.meta.bytes);
      // the camera's own numbering first: a benchmark counts what was shown against what the camera made
      if (f.meta.cameraFrame !== undefined) el.dataset.cameraFrame = String(f.meta.cameraFrame);
      if (f.meta.captureTime !== undefined) el.dataset.captureTime = String(f.meta.captureTime);
      el.dataset.seq = String(f.meta.seq);
      if (f.meta.quality !== undefined) el.dataset.quality = String(f.meta.quality);
      else delete el.dataset.quality;
    }
    if (now - this.lastOverlay > OVERLAY_REFRESH_MS) this.overlay(now);
  }
}

/** The figures of the scope's camera's sink (the focus view, a tile painted on the page). */
export function useSinkFigures(): FigureSource {
  const frames = useLiveFrames();
  // a new source when the view moves to another sink (a tile keyed by its target takes the camera id once open)
  return useMemo(() => sinkFigures(frames), [frames]);
}

/**
 * The stats line's writer, fed by the camera's stats and a timer (the fps figures fall when frames stop).
 * `source` must be stable (memoised): a new one starts a new line.
 */
export function useFrameStats(source: FigureSource): StatsLine {
  const store = useAppStore();
  const camera = useCameraKey();
  const line = useMemo(() => new StatsLine(source), [source]);
  useEffect(() => {
    const stats = (s: ReturnType<typeof store.getState>) => viewOf(s.cameras, camera).stats;
    line.rates(stats(store.getState()));
    const unsubscribe = store.subscribe((s, prev) => {
      if (stats(s) !== stats(prev)) line.rates(stats(s));
    });
    const timer = setInterval(() => line.overlay(performance.now()), OVERLAY_REFRESH_MS);
    return () => {
      unsubscribe();
      clearInterval(timer);
    };
  }, [store, line, camera]);
  return line;
}
