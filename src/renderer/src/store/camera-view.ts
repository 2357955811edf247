// One camera as this page sees it: what the service pushed about it (state, config, channels, stats, stdout)
// and what the page did with it (opening, why opening failed, closed by whom). Keyed by the tile's key, which is
// the camera's id once it has opened (see workspace.ts).
import type {
  AppError,
  CameraInfo,
  ChannelInfo,
  ConnectionState,
  DeviceSummary,
  StatsSnapshot,
} from '../../../shared/contract';
import { emptyRing, type StdoutRing } from '../lib/stdout-ring';
import { emptyConfig, type ConfigState } from './config-writer';
import { describeConnection } from './reducers';

export interface CameraView {
  /** The service's description, once openCamera answered (label, serial, board). */
  info: CameraInfo | null;
  connection: ConnectionState;
  device: DeviceSummary | null;
  channels: ChannelInfo[];
  config: ConfigState;
  stats: StatsSnapshot | null;
  stdout: StdoutRing;
  /** This page paused the stream (setStreaming(false)); reset on every open. */
  paused: boolean;
  /** Set while this page's openCamera call is outstanding. */
  opening: boolean;
  /** Why the last openCamera failed (shown on the tile with Retry), null once it opened. */
  openError: AppError | null;
  /** The camera was closed for every page: the `closed` event's reason. */
  closed: string | null;
  lastError: AppError | null;
}

export const emptyCameraView: CameraView = {
  info: null,
  connection: { kind: 'disconnected' },
  device: null,
  channels: [],
  config: emptyConfig,
  stats: null,
  stdout: emptyRing,
  paused: false,
  opening: false,
  openError: null,
  closed: null,
  lastError: null,
};

/** A camera's view, or the empty one (a tile whose camera has not been heard of yet). */
export function viewOf(cameras: Readonly<Record<string, CameraView>>, key: string | null): CameraView {
  return (key !== null && Object.hasOwn(cameras, key) ? cameras[key] : undefined) ?? emptyCameraView;
}

/** The cameras with one of them changed (created from the empty view when new). */
export function patchCamera(
  cameras: Readonly<Record<string, CameraView>>,
  key: string,
  change: Partial<CameraView> | ((v: CameraView) => Partial<CameraView>),
): Record<string, CameraView> {
  const v = viewOf(cameras, key);
  return { ...cameras, [key]: { ...v, ...(typeof change === 'function' ? change(v) : change) } };
}

export function withoutCamera(
  cameras: Readonly<Record<string, CameraView>>,
  key: string,
): Record<string, CameraView> {
  return Object.fromEntries(Object.entries(cameras).filter(([k]) => k !== key));
}

/** The one-word state a tile and the status bar show; e2e matches the status bar's. */
export type TilePhase = 'opening' | 'failed' | 'closed' | ConnectionState['kind'];

export function tilePhase(v: CameraView): TilePhase {
  if (v.opening) return 'opening';
  if (v.closed !== null) return 'closed';
  if (v.openError && v.connection.kind === 'disconnected') return 'failed';
  return v.connection.kind;
}

/** "Connected", "Closed", "Could not open": the status bar's label (e2e matches it) and its detail. */
export function phaseLabel(v: CameraView): { label: string; detail: string } {
  const phase = tilePhase(v);
  if (phase === 'opening') return { label: 'Connecting…', detail: v.info?.target ?? '' };
  if (phase === 'closed') return { label: 'Closed', detail: closedText(v.closed ?? '') };
  if (phase === 'failed') return { label: 'Could not open', detail: v.openError?.message ?? '' };
  return describeConnection(v.connection);
}

/** "Closed by a browser page at 127.0.0.1." from the `closed` event's reason. */
export function closedText(reason: string): string {
  const r = reason.trim().replace(/[.!]$/, '');
  // "closed by a browser page at …", or a sentence of its own ("The camdeck at h:7410 closed it (…).")
  if (/^closed\b/i.test(r) || /^[A-Z]/.test(r)) return `${r[0]!.toUpperCase()}${r.slice(1)}.`;
  return r ? `Closed: ${r}.` : 'Closed.';
}
