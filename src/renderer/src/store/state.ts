// What the renderer's store holds. Only `settings` (the workspace among them) is persisted; everything else is
// rebuilt from the carrier.
import type { PortInfo } from '../../../shared/contract';
import type { ServerState, RendererApi } from '../api';
import type { ZoomMode } from '../lib/viewport';
import type { CameraView } from './camera-view';
import type { Toast } from './reducers';
import { defaultWorkspace, type Workspace } from './workspace';

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
  /** When a `ports` event adds an OpenMV camera's port, open it in a new tile. */
  autoOpenCameras: boolean;
  /** The cameras this page shows and how (includes remote cameras' tokens: see workspace.ts). */
  workspace: Workspace;
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
  autoOpenCameras: false,
  workspace: defaultWorkspace,
};

export interface AppState {
  /** How this window talks to the service; fixed for the store's life. */
  carrier: RendererApi['carrier'];
  server: ServerState;
  ports: PortInfo[];
  portsLoading: boolean;
  /**
   * Per camera, by tile key (the camera id once open): the tiles' cameras, and any other camera the service
   * spoke of (its events are kept until its tile appears or the service's `cameras` list drops it).
   */
  cameras: Record<string, CameraView>;
  toasts: Toast[];
  helpOpen: boolean;
  settings: Settings;
}

export const STDOUT_MAX_LINES = 2000;

export function initialState(carrier: AppState['carrier']): AppState {
  return {
    carrier,
    server: { up: false, attempt: 0 },
    ports: [],
    portsLoading: false,
    cameras: {},
    toasts: [],
    helpOpen: false,
    settings: defaultSettings,
  };
}
