// The renderer's one store. Pushed events call setState from module scope (bind.ts), outside React;
// components select slices with useShallow. Only `settings` is persisted.
import { create } from 'zustand';
import { createJSONStorage, persist, type StateStorage } from 'zustand/middleware';
import type {
  AppError,
  ChannelInfo,
  ConnectionState,
  DeviceSummary,
  PortInfo,
  StatsSnapshot,
} from '../../../shared/contract';
import type { LinkState } from '../api/types';
import type { ZoomMode } from '../lib/viewport';
import { emptyRing, type StdoutRing } from '../lib/stdout-ring';
import { emptyConfig, type ConfigState } from './config-writer';
import { dismissToast, pushToast, type Toast } from './reducers';

export type Theme = 'dark' | 'light';

export interface Settings {
  lastTarget: string;
  zoom: ZoomMode;
  theme: Theme;
  panels: { config: boolean; channels: boolean; stats: boolean; console: boolean };
  /** Side panel width, px. */
  sideWidth: number;
  /** Console height, px (capped to a quarter of the window). */
  consoleHeight: number;
  /** The frame stats line above the image (fps, size, rate). */
  showStats: boolean;
}

/** First run follows the system theme; after that the user's choice is persisted. */
function prefersLight(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: light)').matches;
}

export const defaultSettings: Settings = {
  lastTarget: 'demo',
  zoom: { mode: 'fit' },
  theme: prefersLight() ? 'light' : 'dark',
  panels: { config: true, channels: true, stats: true, console: true },
  sideWidth: 340,
  consoleHeight: 120,
  showStats: true,
};

export interface AppState {
  carrier: 'electron' | 'browser' | null;
  link: LinkState;
  connection: ConnectionState;
  /** Set while our own connect() call is outstanding. */
  connectBusy: boolean;
  lastError: AppError | null;
  ports: PortInfo[];
  portsLoading: boolean;
  device: DeviceSummary | null;
  channels: ChannelInfo[];
  config: ConfigState;
  stats: StatsSnapshot | null;
  stdout: StdoutRing;
  toasts: Toast[];
  helpOpen: boolean;
  /** The user paused the stream (setStreaming(false)); reset on every connect. */
  paused: boolean;
  settings: Settings;
}

export const STDOUT_MAX_LINES = 2000;

export const initialState: Omit<AppState, 'settings'> = {
  carrier: null,
  link: { up: false, attempt: 0 },
  connection: { kind: 'disconnected' },
  connectBusy: false,
  lastError: null,
  ports: [],
  portsLoading: false,
  device: null,
  channels: [],
  config: emptyConfig,
  stats: null,
  stdout: emptyRing,
  toasts: [],
  helpOpen: false,
  paused: false,
};

/** Where settings live when localStorage is missing or blocked (Node tests, locked-down profiles). */
function baseStorage(): StateStorage {
  try {
    if (globalThis.localStorage) return globalThis.localStorage;
  } catch {
    // access denied: fall through to memory
  }
  const mem = new Map<string, string>();
  return {
    getItem: (k) => mem.get(k) ?? null,
    setItem: (k, v) => void mem.set(k, v),
    removeItem: (k) => void mem.delete(k),
  };
}

/** persist() saves on every setState (stats, config, …); write through only when the settings changed. */
function settingsStorage(): StateStorage {
  const base = baseStorage();
  const last = new Map<string, string>();
  return {
    getItem: (k) => base.getItem(k),
    setItem: (k, v) => {
      if (last.get(k) === v) return;
      last.set(k, v);
      return base.setItem(k, v);
    },
    removeItem: (k) => {
      last.delete(k);
      return base.removeItem(k);
    },
  };
}

export const useApp = create<AppState>()(
  persist(() => ({ ...initialState, settings: defaultSettings }), {
    name: 'camdeck.settings',
    version: 1,
    storage: createJSONStorage(settingsStorage),
    partialize: (s) => ({ settings: s.settings }),
    // Settings saved by an older build may lack newer keys: fill them from the defaults.
    merge: (persisted, current) => {
      const p = (persisted as { settings?: Partial<Settings> } | undefined)?.settings ?? {};
      return {
        ...current,
        settings: { ...defaultSettings, ...p, panels: { ...defaultSettings.panels, ...(p.panels ?? {}) } },
      };
    },
  }),
);

let toastSeq = 1;

export function showToast(err: AppError & { title?: string }, kind: Toast['kind'] = 'error'): void {
  const t: Toast = { ...err, id: toastSeq++, kind };
  useApp.setState((s) => ({ toasts: pushToast(s.toasts, t) }));
  if (kind === 'error')
    console.warn(`[camdeck] ${err.code}: ${err.title ? `${err.title}: ` : ''}${err.message}`);
}

export function closeToast(id: number): void {
  useApp.setState((s) => ({ toasts: dismissToast(s.toasts, id) }));
}

export function updateSettings(patch: Partial<Settings>): void {
  useApp.setState((s) => ({ settings: { ...s.settings, ...patch } }));
}
