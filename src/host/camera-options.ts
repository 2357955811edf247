// What a Camera is made with and what it tells: its options and its events (types only).
import type { ChannelInfo, ConnectionState } from '../model';
import type { ClientOptions } from './client';

export interface CameraEvents {
  state: ConnectionState;
  channels: ChannelInfo[];
  /** The camera soft-rebooted (script ended); dynamic channels are gone until the re-list. */
  reboot: void;
  /** Every resync failed or the link closed: this Camera needs a new transport. */
  lost: Error;
}

export interface CameraOptions extends ClientOptions {
  /** SYNC attempts at connect and per resync. Default 3. */
  syncAttempts?: number;
  /** Largest channel size accepted for a read. Default 16 MiB. */
  maxReadBytes?: number;
  /** Retry a BUSY LOCK no earlier than this long after the last granted lock (the firmware grants one per 11 ms). */
  lockPaceMs?: number;
  /** Pause after a SOFT_REBOOT event before resyncing. Default 30 ms. */
  rebootSettleMs?: number;
  /** Injected sleep (for tests). */
  sleep?: (ms: number) => Promise<void>;
  /** Board name for a target its USB id does not tell (the embedded demo camera reports an H7 Plus id). */
  boardName?: (target: string) => string | undefined;
}
