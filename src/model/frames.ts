// A frame as the host delivers it, and the stamp a camera may put on it.

export type FrameFormat = 'jpeg' | 'png' | 'raw';

export interface FrameMeta {
  /** The camera it came from (CameraInfo.id). */
  camera: string;
  /** Host-side running frame number (per camera). */
  seq: number;
  /** Which channel delivered it: "frame" or "stream". */
  channel: string;
  width: number;
  height: number;
  /** Encoded bytes of the image. */
  bytes: number;
  format: FrameFormat;
  /** The camera's own fps (stream header), when it reports one. */
  cameraFps?: number;
  /** FrameStamp.cameraFrame, when the camera stamps its frames (the demo camera does). */
  cameraFrame?: number;
  /** FrameStamp.captureTime, when known; for latency and the frame rate on the camera's clock. */
  captureTime?: number;
  /** FrameStamp.quality, when stamped. */
  quality?: number;
  /** When the host had the whole frame (ms since epoch). */
  receivedAt: number;
}

/** A frame's meta as the host reads it off one link, before the service says which camera it came from. */
export type LinkFrameMeta = Omit<FrameMeta, 'camera'>;

/**
 * The frame stamp: what a camera says about a frame it captured. On the wire it is the ASCII text
 * `camdeck f=<cameraFrame> t=<captureTime> q=<quality>` (a JPEG COM segment, so a host reads it without
 * decoding pixels); in code the fields have FrameMeta's names.
 */
export interface FrameStamp {
  /** The camera's own frame number (from 1 per script run); gaps in it are dropped frames. */
  cameraFrame: number;
  /** When the camera captured the frame, ms since the Unix epoch. */
  captureTime: number;
  /** The JPEG quality the frame was encoded at. */
  quality: number;
}

const STAMP_PREFIX = 'camdeck';
/** Wire letter of each stamp field. */
const STAMP_KEYS = { f: 'cameraFrame', t: 'captureTime', q: 'quality' } as const;

/** The stamp's wire text: `camdeck f=12 t=1700000000123 q=85`. */
export function stampText(s: FrameStamp): string {
  return `${STAMP_PREFIX} f=${s.cameraFrame} t=${s.captureTime} q=${s.quality}`;
}

/** A stamp's text → its fields; missing or malformed ones are left out, text that is no stamp gives {}. */
export function parseStamp(text: string | undefined): Partial<FrameStamp> {
  const out: Partial<FrameStamp> = {};
  if (!text || !text.startsWith(STAMP_PREFIX)) return out;
  for (const m of text.matchAll(/\b([ftq])=(-?\d+(?:\.\d+)?)/g)) {
    const v = Number(m[2]);
    if (Number.isFinite(v)) out[STAMP_KEYS[m[1] as keyof typeof STAMP_KEYS]] = v;
  }
  return out;
}

/** A stamp with all three fields, or null (what a reader that needs the whole stamp checks). */
export function completeStamp(s: Partial<FrameStamp>): FrameStamp | null {
  return s.cameraFrame !== undefined && s.captureTime !== undefined && s.quality !== undefined
    ? { cameraFrame: s.cameraFrame, captureTime: s.captureTime, quality: s.quality }
    : null;
}
