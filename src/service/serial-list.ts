// The serial port listing, fresh when asked for and cheap when watched. Listing runs `udevadm` on Linux (tens of
// ms of CPU each time), far too dear to run every second for every page: the hot-plug watch reads a cached list
// that is refreshed when /dev changes (inotify; a USB camera adds or removes its tty there) and at least every
// `maxAgeMs` as a backstop (other systems, or a /dev that cannot be watched: then every poll lists).
import { watch, type FSWatcher } from 'node:fs';
import type { PortInfo } from '../model';

export interface SerialListOptions {
  list: () => Promise<PortInfo[]>;
  /** The backstop: the cache is never older than this while /dev is watched (default 10 s). */
  maxAgeMs?: number;
  /** The folder whose changes mean the ports changed; null: nothing to watch (every read lists). */
  devDir?: string | null;
  now?: () => number;
}

export class SerialList {
  private cached: { at: number; ports: Promise<PortInfo[]> } | null = null;
  private watcher: FSWatcher | null = null;
  private readonly now: () => number;

  constructor(private readonly opts: SerialListOptions) {
    this.now = opts.now ?? Date.now;
    const dir = opts.devDir === undefined ? (process.platform === 'linux' ? '/dev' : null) : opts.devDir;
    if (dir) {
      try {
        this.watcher = watch(dir, { persistent: false }, () => this.invalidate());
        this.watcher.on('error', () => this.stopWatching());
      } catch {
        this.watcher = null; // not watchable here: every read lists
      }
    }
  }

  /** A fresh listing (the user asked: Refresh, connect); it becomes the cached one. */
  fresh(): Promise<PortInfo[]> {
    const ports = this.opts.list();
    this.cached = { at: this.now(), ports };
    ports.catch(() => this.invalidate());
    return ports;
  }

  /** The cached listing while /dev has not changed and it is young enough; else a fresh one. */
  watched(): Promise<PortInfo[]> {
    const c = this.cached;
    if (this.watcher && c && this.now() - c.at < (this.opts.maxAgeMs ?? 10_000)) return c.ports;
    return this.fresh();
  }

  invalidate(): void {
    this.cached = null;
  }

  close(): void {
    this.stopWatching();
  }

  private stopWatching(): void {
    this.watcher?.close();
    this.watcher = null;
  }
}
