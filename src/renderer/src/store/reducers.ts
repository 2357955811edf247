// Pure state transitions for pushed events; the store and its tests both use these.
import type { AppError, ChannelInfo, ConnectionState, DeviceSummary } from '../../../shared/contract';
import { resetPending, type ConfigState } from './config-writer';

export interface Toast extends AppError {
  id: number;
  kind: 'error' | 'info';
  /** What was being done, e.g. "Connecting to /dev/ttyACM0 failed"; the message then says why. */
  title?: string;
}

export const MAX_TOASTS = 5;

export function pushToast(toasts: readonly Toast[], t: Toast, max = MAX_TOASTS): Toast[] {
  // The same error repeating (e.g. a reconnect loop) replaces the older one instead of stacking.
  const rest = toasts.filter((x) => !(x.code === t.code && x.message === t.message && x.title === t.title));
  const all = [...rest, t];
  return all.slice(Math.max(0, all.length - max));
}

export function dismissToast(toasts: readonly Toast[], id: number): Toast[] {
  return toasts.filter((t) => t.id !== id);
}

export interface ConnectionSlice {
  connection: ConnectionState;
  device: DeviceSummary | null;
  channels: ChannelInfo[];
  config: ConfigState;
  lastError: AppError | null;
}

/** A connection-state event: keep device/channels in step and stop pending writes when the link drops. */
export function applyConnectionState<S extends ConnectionSlice>(
  s: S,
  cs: ConnectionState,
  now = Date.now(),
): S {
  const next: S = { ...s, connection: cs };
  if (cs.kind === 'connected') {
    next.device = cs.device;
    next.channels = cs.device.channels;
  } else if (cs.kind === 'disconnected') {
    next.config = resetPending(s.config);
    if (cs.reason) next.lastError = { code: 'disconnected', message: cs.reason, at: now };
  } else if (cs.kind === 'reconnecting' || cs.kind === 'resyncing') {
    next.lastError = { code: cs.kind, message: cs.reason, at: now };
  }
  return next;
}

/** Short status text; e2e matches the first word (Disconnected / Connecting… / Connected / ...). */
export function describeConnection(cs: ConnectionState): { label: string; detail: string } {
  switch (cs.kind) {
    case 'disconnected':
      return { label: 'Disconnected', detail: cs.reason ?? '' };
    case 'connecting':
      return { label: 'Connecting…', detail: `${cs.target}: ${cs.step} (${progressPercent(cs.progress)} %)` };
    case 'connected':
      return {
        label: 'Connected',
        detail: `${cs.device.board} · ${cs.target} · fw ${cs.device.firmwareVersion}`,
      };
    case 'resyncing':
      return { label: 'Resyncing…', detail: `${cs.target}: ${cs.reason}` };
    case 'reconnecting':
      return {
        label: 'Reconnecting…',
        detail: `${cs.target}: ${cs.reason} — attempt ${cs.attempt}, next in ${(cs.nextInMs / 1000).toFixed(1)} s`,
      };
  }
}

/** The contract's progress is a fraction 0..1; tolerate a percentage too. */
export function progressPercent(p: number): number {
  if (!Number.isFinite(p) || p < 0) return 0;
  return Math.min(100, Math.round(p <= 1 ? p * 100 : p));
}
