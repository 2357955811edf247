// Auto-update from GitHub releases (electron-updater; the feed is the app-update.yml electron-builder writes
// from the `publish` block of electron-builder.yml). Off in development (unpackaged), when the user opted out,
// and when CAMDECK_NO_UPDATE=1. Update problems are logged, never thrown: an offline operator must not see
// the app fail because GitHub is unreachable. Importing this module does nothing; electron-updater is loaded
// only when updates are on, because loading it touches Electron APIs.

/** The part of electron-updater's AppUpdater this module uses (lets tests pass a fake). */
export interface UpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowPrerelease: boolean;
  logger: UpdaterLogger | null;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  removeListener(event: string, listener: (...args: unknown[]) => void): unknown;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
}

export interface UpdaterLogger {
  info(message?: unknown): void;
  warn(message?: unknown): void;
  error(message?: unknown): void;
  debug?(message: string): void;
}

export type UpdateStatus =
  | { state: 'checking' }
  | { state: 'none' }
  | { state: 'available'; version: string }
  | { state: 'downloading'; percent: number }
  | { state: 'ready'; version: string }
  | { state: 'error'; message: string };

export interface AutoUpdateOptions {
  /** `app.isPackaged`: updates never run from a dev checkout */
  isPackaged: boolean;
  /** the user's "check for updates" setting; false opts out */
  enabled: boolean;
  /** process environment, for CAMDECK_NO_UPDATE (default process.env) */
  env?: Record<string, string | undefined>;
  /** also offer pre-releases (default false) */
  allowPrerelease?: boolean;
  /** how often to check after the first check (default 6 h; 0 = only once) */
  intervalMs?: number;
  /** status for the UI (e.g. "update ready: restart to install") */
  onStatus?: (status: UpdateStatus) => void;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** test seam; default loads electron-updater's autoUpdater */
  loadUpdater?: () => Promise<UpdaterLike>;
  /** test seam for the periodic check */
  timers?: { setInterval: typeof setInterval; clearInterval: typeof clearInterval };
}

export interface AutoUpdateHandle {
  /** whether update checks run */
  readonly active: boolean;
  /** why updates are off, when they are */
  readonly reason?: string;
  /** check now (resolves when the check settles; never rejects) */
  checkNow(): Promise<void>;
  /** install a downloaded update and restart (no-op unless an update is ready) */
  installNow(): boolean;
  /** stop periodic checks and detach listeners */
  dispose(): void;
}

export const DEFAULT_UPDATE_INTERVAL_MS = 6 * 60 * 60 * 1000;

function inactive(reason: string): AutoUpdateHandle {
  return {
    active: false,
    reason,
    checkNow: async () => {},
    installNow: () => false,
    dispose: () => {},
  };
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
const versionOf = (info: unknown) =>
  typeof info === 'object' && info !== null && typeof (info as { version?: unknown }).version === 'string'
    ? (info as { version: string }).version
    : '?';

async function loadElectronUpdater(): Promise<UpdaterLike> {
  // electron-updater is CommonJS with getter exports; take autoUpdater from either interop shape
  const mod = (await import('electron-updater')) as unknown as {
    autoUpdater?: UpdaterLike;
    default?: { autoUpdater?: UpdaterLike };
  };
  const updater = mod.autoUpdater ?? mod.default?.autoUpdater;
  if (!updater) throw new Error('electron-updater has no autoUpdater export');
  return updater;
}

/** Sets up update checks (or explains why not). Never throws; failures come back as an inactive handle. */
export async function setupAutoUpdate(opts: AutoUpdateOptions): Promise<AutoUpdateHandle> {
  const log = opts.log ?? ((level, msg) => console[level](`[updater] ${msg}`));
  const env = opts.env ?? process.env;
  if (!opts.isPackaged) return inactive('development build (not packaged)');
  if (!opts.enabled) return inactive('turned off in settings');
  if (env.CAMDECK_NO_UPDATE === '1') return inactive('CAMDECK_NO_UPDATE=1');

  let updater: UpdaterLike;
  try {
    updater = await (opts.loadUpdater ?? loadElectronUpdater)();
  } catch (err) {
    log('error', `cannot load electron-updater: ${message(err)}`);
    return inactive(`electron-updater unavailable: ${message(err)}`);
  }

  const status = (s: UpdateStatus) => {
    try {
      opts.onStatus?.(s);
    } catch (err) {
      log('warn', `onStatus listener threw: ${message(err)}`);
    }
  };
  updater.autoDownload = true;
  updater.autoInstallOnAppQuit = true;
  updater.allowPrerelease = opts.allowPrerelease ?? false;
  updater.logger = {
    info: (m) => log('info', String(m)),
    warn: (m) => log('warn', String(m)),
    error: (m) => log('error', String(m)),
  };

  let ready = false;
  const listeners: [string, (...args: unknown[]) => void][] = [
    ['checking-for-update', () => status({ state: 'checking' })],
    ['update-not-available', () => status({ state: 'none' })],
    ['update-available', (info) => status({ state: 'available', version: versionOf(info) })],
    [
      'download-progress',
      (p) =>
        status({
          state: 'downloading',
          percent: Math.round(Number((p as { percent?: number })?.percent ?? 0)),
        }),
    ],
    [
      'update-downloaded',
      (info) => {
        ready = true;
        log('info', `update ${versionOf(info)} downloaded; it installs when camdeck quits`);
        status({ state: 'ready', version: versionOf(info) });
      },
    ],
    [
      'error',
      (err) => {
        log('error', `update failed: ${message(err)}`);
        status({ state: 'error', message: message(err) });
      },
    ],
  ];
  for (const [event, fn] of listeners) updater.on(event, fn);

  let checking: Promise<void> | null = null;
  const checkNow = () => {
    // one check at a time; electron-updater reports the outcome through the events above
    checking ??= updater
      .checkForUpdates()
      .then(
        () => undefined,
        (err: unknown) => {
          log('warn', `update check failed: ${message(err)}`);
        },
      )
      .finally(() => {
        checking = null;
      });
    return checking;
  };

  const timers = opts.timers ?? { setInterval, clearInterval };
  const interval = opts.intervalMs ?? DEFAULT_UPDATE_INTERVAL_MS;
  let timer: ReturnType<typeof setInterval> | undefined;
  if (interval > 0) {
    timer = timers.setInterval(() => void checkNow(), interval);
    (timer as { unref?: () => void }).unref?.();
  }
  void checkNow();

  let disposed = false;
  return {
    active: true,
    checkNow,
    installNow: () => {
      if (!ready || disposed) return false;
      updater.quitAndInstall();
      return true;
    },
    dispose: () => {
      if (disposed) return;
      disposed = true;
      if (timer !== undefined) timers.clearInterval(timer);
      for (const [event, fn] of listeners) updater.removeListener(event, fn);
    },
  };
}
