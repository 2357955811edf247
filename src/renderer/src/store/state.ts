// What the renderer's store holds. Only `settings` is persisted; everything else is rebuilt from the carrier.
import type {
  AppError,
  ChannelInfo,
  ConnectionState,
  DeviceSummary,
  PortInfo,
  StatsSnapshot,
} from '../../../shared/contract';
import type { ServerState, RendererApi } from '../api';
import type { ZoomMode } from '../lib/viewport';
import { emptyRing, type StdoutRing } from '../lib/stdout-ring';
import { emptyConfig, type ConfigState } from './config-writer';
import type { Toast } from './reducers';

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

export type PanelKey = keyof Settings['panels'];

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
  /** How this window talks to the service; fixed for the store's life. */
  carrier: RendererApi['carrier'];
  server: ServerState;
  connection: ConnectionState;
  /** Set while our own connect() call is outstanding. */
  connectBusy: boolean;
  lastError: AppError | null;
  ports: PortInfo[];
  portsLoading: boolean;
  /** The camera last connected (kept after a disconnect, which carries no device). */
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

export function initialState(carrier: AppState['carrier']): AppState {
  return {
    carrier,
    server: { up: false, attempt: 0 },
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
    settings: defaultSettings,
  };
}
