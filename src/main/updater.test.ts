import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_UPDATE_INTERVAL_MS,
  setupAutoUpdate,
  type UpdateStatus,
  type UpdaterLike,
  type UpdaterLogger,
} from './updater';

class FakeUpdater extends EventEmitter implements UpdaterLike {
  autoDownload = false;
  autoInstallOnAppQuit = false;
  allowPrerelease = true;
  logger: UpdaterLogger | null = null;
  checks = 0;
  installs = 0;
  result: () => Promise<unknown> = async () => null;
  checkForUpdates(): Promise<unknown> {
    this.checks++;
    return this.result();
  }
  quitAndInstall(): void {
    this.installs++;
  }
}

function fakeTimers() {
  const ticks: (() => void)[] = [];
  const cleared: unknown[] = [];
  return {
    ticks,
    cleared,
    timers: {
      setInterval: ((fn: () => void, ms: number) => {
        ticks.push(fn);
        return { ms, unref: () => {} };
      }) as unknown as typeof setInterval,
      clearInterval: ((t: unknown) => cleared.push(t)) as unknown as typeof clearInterval,
    },
  };
}

const quiet = () => {};

describe('setupAutoUpdate', () => {
  it('stays off in development and never loads electron-updater', async () => {
    const loadUpdater = vi.fn(async () => new FakeUpdater());
    const h = await setupAutoUpdate({ isPackaged: false, enabled: true, loadUpdater, log: quiet });
    expect(h.active).toBe(false);
    expect(h.reason).toMatch(/not packaged/);
    expect(loadUpdater).not.toHaveBeenCalled();
    await h.checkNow();
    expect(h.installNow()).toBe(false);
  });

  it('respects the opt-out setting and CAMDECK_NO_UPDATE', async () => {
    const loadUpdater = vi.fn(async () => new FakeUpdater());
    expect(
      (await setupAutoUpdate({ isPackaged: true, enabled: false, loadUpdater, log: quiet })).reason,
    ).toMatch(/settings/);
    const env = { CAMDECK_NO_UPDATE: '1' };
    expect(
      (await setupAutoUpdate({ isPackaged: true, enabled: true, env, loadUpdater, log: quiet })).active,
    ).toBe(false);
    expect(loadUpdater).not.toHaveBeenCalled();
  });

  it('configures the updater, checks at once and then on the interval', async () => {
    const u = new FakeUpdater();
    const t = fakeTimers();
    const h = await setupAutoUpdate({
      isPackaged: true,
      enabled: true,
      env: {},
      loadUpdater: async () => u,
      timers: t.timers,
      log: quiet,
    });
    expect(h.active).toBe(true);
    expect([u.autoDownload, u.autoInstallOnAppQuit, u.allowPrerelease]).toEqual([true, true, false]);
    expect(u.logger).not.toBeNull();
    await h.checkNow();
    expect(u.checks).toBe(1); // the start-up check and checkNow() shared one check
    expect(t.ticks).toHaveLength(1);
    t.ticks[0]!();
    await Promise.resolve();
    expect(u.checks).toBe(2);
    h.dispose();
    expect(t.cleared).toHaveLength(1);
    expect(u.listenerCount('error')).toBe(0);
  });

  it('logs a failed check or updater error instead of throwing, and reports it', async () => {
    const u = new FakeUpdater();
    u.result = () => Promise.reject(new Error('net::ERR_INTERNET_DISCONNECTED'));
    const logs: string[] = [];
    const statuses: UpdateStatus[] = [];
    const h = await setupAutoUpdate({
      isPackaged: true,
      enabled: true,
      env: {},
      intervalMs: 0,
      loadUpdater: async () => u,
      onStatus: (s) => statuses.push(s),
      log: (level, m) => logs.push(`${level}: ${m}`),
    });
    await expect(h.checkNow()).resolves.toBeUndefined();
    expect(logs.some((l) => l.startsWith('warn: update check failed: net::ERR_INTERNET_DISCONNECTED'))).toBe(
      true,
    );
    u.emit('error', new Error('sha512 checksum mismatch'));
    expect(statuses).toContainEqual({ state: 'error', message: 'sha512 checksum mismatch' });
    expect(logs).toContain('error: update failed: sha512 checksum mismatch');
    h.dispose();
  });

  it('returns an inactive handle when electron-updater cannot load', async () => {
    const logs: string[] = [];
    const h = await setupAutoUpdate({
      isPackaged: true,
      enabled: true,
      env: {},
      loadUpdater: async () => {
        throw new Error('Electron failed to install correctly');
      },
      log: (level, m) => logs.push(`${level}: ${m}`),
    });
    expect(h.active).toBe(false);
    expect(h.reason).toMatch(/Electron failed to install/);
    expect(logs[0]).toMatch(/^error: cannot load electron-updater/);
  });

  it('reports progress and installs only once an update is downloaded', async () => {
    const u = new FakeUpdater();
    const statuses: UpdateStatus[] = [];
    const h = await setupAutoUpdate({
      isPackaged: true,
      enabled: true,
      env: {},
      intervalMs: 0,
      loadUpdater: async () => u,
      onStatus: (s) => statuses.push(s),
      log: quiet,
    });
    expect(h.installNow()).toBe(false);
    u.emit('checking-for-update');
    u.emit('update-available', { version: '0.2.0' });
    u.emit('download-progress', { percent: 41.7 });
    u.emit('update-downloaded', { version: '0.2.0' });
    expect(statuses).toEqual([
      { state: 'checking' },
      { state: 'available', version: '0.2.0' },
      { state: 'downloading', percent: 42 },
      { state: 'ready', version: '0.2.0' },
    ]);
    expect(h.installNow()).toBe(true);
    expect(u.installs).toBe(1);
    h.dispose();
    expect(h.installNow()).toBe(false);
  });

  it('survives a throwing status listener', async () => {
    const u = new FakeUpdater();
    const logs: string[] = [];
    await setupAutoUpdate({
      isPackaged: true,
      enabled: true,
      env: {},
      intervalMs: 0,
      loadUpdater: async () => u,
      onStatus: () => {
        throw new Error('ui gone');
      },
      log: (level, m) => logs.push(`${level}: ${m}`),
    });
    expect(() => u.emit('update-not-available')).not.toThrow();
    expect(logs).toContain('warn: onStatus listener threw: ui gone');
  });

  it('checks every 6 hours by default', () => {
    expect(DEFAULT_UPDATE_INTERVAL_MS).toBe(21_600_000);
  });
});
