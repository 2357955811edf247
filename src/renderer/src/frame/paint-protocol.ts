// The messages between the page and its paint worker. The grid's tiles hand their canvases to the worker
// (transferControlToOffscreen); the worker has a frames-only connection of its own to the service, watches the
// tiles' cameras, decodes and draws each camera's newest frame there, and tells the page its counters a few
// times a second. A tile's frames then never touch the page's main thread.
import type { CameraId, FrameMeta } from '../../../shared/contract';
import type { FramesCarrier } from '../api/types';
import type { Bytes } from './decode-protocol';
import type { SinkCounters } from './frame-sink';

export type { FramesCarrier };

export type PaintRequest =
  | { type: 'carrier'; carrier: FramesCarrier }
  /**
   * Paint `camera` on this canvas (device pixels `width`×`height`) from now on; `surface` numbers the handover,
   * so a late message about an earlier canvas of the same camera changes nothing.
   */
  | {
      type: 'show';
      surface: number;
      camera: CameraId;
      canvas: OffscreenCanvas;
      width: number;
      height: number;
      background: string;
    }
  | { type: 'resize'; surface: number; camera: CameraId; width: number; height: number }
  | { type: 'background'; surface: number; camera: CameraId; background: string }
  /** The tile is gone: stop watching and painting its camera. */
  | { type: 'hide'; surface: number; camera: CameraId }
  /**
   * Send these cameras' frames to the page decoded (the focus view draws them itself: it zooms and reads
   * pixels), at most DELIVERED_IN_FLIGHT at a time: another once the page says it is done with one (`released`:
   * drawn, or replaced by a newer one before it was).
   */
  | { type: 'deliver'; cameras: CameraId[] }
  | { type: 'released'; camera: CameraId };

/** What a tile's rates line shows of its camera's frames on this page. */
export interface TileFigures {
  counters: SinkCounters;
  /** Frames drawn per second, over the last second. */
  displayFps: number;
  /** The frame on screen: its size as decoded and what the camera said of it; null before the first one. */
  shown: { width: number; height: number; bytes: number; seq: number; quality?: number } | null;
}

export type PaintReply =
  | { type: 'figures'; cameras: Record<CameraId, TileFigures> }
  /** A delivered camera's frame, decoded; the bitmap and the bytes are transferred. */
  | { type: 'frame'; meta: FrameMeta; bitmap: ImageBitmap; bytes: Bytes }
  | { type: 'decode-error'; message: string; meta: FrameMeta }
  /** The worker's connection to the service could not be made or was lost for good. */
  | { type: 'carrier-error'; message: string };

/**
 * Decoded frames of a delivered camera on their way to the page or waiting there: two, so the next is already
 * on the page when its animation frame comes (one would cost a round trip per displayed frame).
 */
export const DELIVERED_IN_FLIGHT = 2;

/** How often the worker sends the figures (the rates line refreshes at this pace). */
export const FIGURES_EVERY_MS = 250;
