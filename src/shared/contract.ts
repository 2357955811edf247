// The whole API between the UI and the camera services, in one file: the model's types plus requests and events.
// Both carriers (the Electron MessagePort and the browser-host WebSocket) carry exactly this through the one RPC
// core (src/rpc): `CamdeckRequests` are request/response calls, `CamdeckEvents` are pushed to the UI, frames
// travel beside them. A newcomer reads this file to know what the UI can do.

import type {
  AppError,
  ChannelInfo,
  ConfigSnapshot,
  ConfigValues,
  ConnectionState,
  DeviceSummary,
  FrameMeta,
  PortInfo,
  SnapshotResult,
  StatsSnapshot,
} from '../model';

// The domain types the contract speaks live in src/model; they are re-exported for the contract's importers.
export { DEMO_TARGET } from '../model';
export type {
  AppError,
  ErrorCode,
  ChannelFlagName,
  ChannelInfo,
  ConfigFieldSchema,
  ConfigSchema,
  ConfigSnapshot,
  ConfigValue,
  ConfigValues,
  ConnectionState,
  DeviceSummary,
  FrameMeta,
  FrameStats,
  HostStats,
  PortInfo,
  RateClock,
  SnapshotResult,
  StatsSnapshot,
} from '../model';

// ---- the contract --------------------------------------------------------------------------------

/** Request/response calls: name → signature. Every call rejects with an Error whose message is shown. */
export interface CamdeckRequests {
  listPorts(): Promise<PortInfo[]>;
  /** Connect to a target (see PortInfo.target); resolves when connected and streaming. */
  connect(target: string): Promise<DeviceSummary>;
  /** Explicit disconnect: no automatic reconnect afterwards. */
  disconnect(): Promise<void>;
  /** Current state, for a UI that (re)attaches. */
  getState(): Promise<ConnectionState>;
  readConfig(): Promise<ConfigSnapshot>;
  /** Partial update; resolves with the camera's readback once accepted, rejects when refused. */
  writeConfig(patch: ConfigValues): Promise<ConfigSnapshot>;
  /** Raw channel access (bytes as read). */
  readChannel(name: string): Promise<Uint8Array>;
  writeChannel(name: string, data: Uint8Array): Promise<void>;
  setStreaming(enable: boolean): Promise<void>;
  /**
   * Save a frame: JPEG exactly as received, or PNG. `seq` picks the frame on screen (FrameMeta.seq) when the
   * service still holds it, else the latest frame is saved.
   */
  saveSnapshot(format: 'jpeg' | 'png', seq?: number): Promise<SnapshotResult>;
  getStats(): Promise<StatsSnapshot>;
}

/** Events pushed to the UI: name → payload. */
export interface CamdeckEvents {
  state: ConnectionState;
  config: ConfigSnapshot;
  channels: ChannelInfo[];
  stdout: string;
  stats: StatsSnapshot;
  error: AppError;
}

export type RequestName = keyof CamdeckRequests;
export type EventName = keyof CamdeckEvents;
export type RequestArgs<K extends RequestName> = Parameters<CamdeckRequests[K]>;
export type RequestResult<K extends RequestName> = Awaited<ReturnType<CamdeckRequests[K]>>;

/** The names, as values, for carriers that register one handler per request. */
export const REQUEST_NAMES = [
  'listPorts',
  'connect',
  'disconnect',
  'getState',
  'readConfig',
  'writeConfig',
  'readChannel',
  'writeChannel',
  'setStreaming',
  'saveSnapshot',
  'getStats',
] as const satisfies readonly RequestName[];

/** The event names, as values, for carriers that forward every event. */
export const EVENT_NAMES = [
  'state',
  'config',
  'channels',
  'stdout',
  'stats',
  'error',
] as const satisfies readonly EventName[];

/**
 * Electron: the preload exposes `window[ELECTRON_BRIDGE_KEY]`; the page calls `openContractPort()` and receives a
 * window `message` event whose data is CONTRACT_PORT_MESSAGE and whose `ports[0]` is a MessagePort to main that
 * carries the whole contract (src/rpc). Nothing else crosses the context bridge.
 */
export const ELECTRON_BRIDGE_KEY = 'camdeckElectron';
export const CONTRACT_PORT_MESSAGE = 'camdeck:contract-port';
/** The IPC channel on which the preload asks main for the port, and main answers with it. */
export const CONTRACT_PORT_CHANNEL = 'camdeck:contract-port';
export interface ElectronBridge {
  openContractPort(): void;
}

export type Unsubscribe = () => void;

/** What the renderer sees as `window.camdeck` (Electron) or builds over a WebSocket (browser). */
export interface CamdeckApi {
  request<K extends RequestName>(name: K, ...args: RequestArgs<K>): Promise<RequestResult<K>>;
  on<K extends EventName>(name: K, listener: (payload: CamdeckEvents[K]) => void): Unsubscribe;
  /** Frames: newest-first delivery, meta + encoded image bytes. */
  onFrame(listener: (meta: FrameMeta, image: Uint8Array) => void): Unsubscribe;
  /** Which carrier is in use, for the status bar. */
  readonly carrier: 'electron' | 'browser';
}

/** What serves the contract (the camera service): its requests, events and newest-frame feed. */
export interface ContractProvider extends CamdeckRequests {
  on<K extends EventName>(name: K, listener: (payload: CamdeckEvents[K]) => void): Unsubscribe;
  /** Newest frame only; `image` is the encoded image exactly as received from the camera. */
  onFrame(listener: (meta: FrameMeta, image: Uint8Array) => void): Unsubscribe;
}
