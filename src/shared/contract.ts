// The whole API between the UI and the camera services, in one file: the model's types plus requests and events.
// Both carriers (the Electron MessagePort and the browser-host WebSocket) carry exactly this through the one RPC
// core (src/rpc): `CamdeckRequests` are request/response calls, `CamdeckEvents` are pushed to the UI, frames
// travel beside them. A newcomer reads this file to know what the UI can do.

import type {
  AppError,
  CameraClosed,
  CameraId,
  CameraInfo,
  ChannelInfo,
  ConfigSnapshot,
  ConfigValues,
  ConnectionState,
  FrameMeta,
  PortInfo,
  SnapshotResult,
  StatsSnapshot,
} from '../model';

// The domain types the contract speaks live in src/model; they are re-exported for the contract's importers.
export { DEMO_TARGET } from '../model';
export type {
  AppError,
  CameraClosed,
  CameraId,
  CameraInfo,
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

/**
 * Request/response calls: name → signature. Every call rejects with an Error whose message is shown. A service
 * holds any number of cameras; every camera request names one by its id (CameraInfo.id).
 */
export interface CamdeckRequests {
  /** What can be opened: serial ports (camera or not), extra ports, the demo cameras. */
  listPorts(): Promise<PortInfo[]>;
  /** The cameras the service holds now, open or reconnecting. */
  listCameras(): Promise<CameraInfo[]>;
  /**
   * Open a camera (see PortInfo.target; `camdeck://host:port/<id>` is another camdeck's camera, `token` its
   * access token); resolves when connected and streaming. A camera already open (the same target, or the same
   * serial number on another path) is not opened twice: its CameraInfo is returned.
   */
  openCamera(target: string, options?: OpenOptions): Promise<CameraInfo>;
  /** Close a camera for every page (no automatic reconnect afterwards); each page gets its `closed` event. */
  closeCamera(camera: CameraId): Promise<void>;
  /**
   * The frames this page wants: only these cameras' frames reach it (events reach every page). `paced`: one
   * frame of each camera at a time — the next is sent when the page says it took the last (`CamdeckApi.credit`),
   * so a page that draws slower than the camera is never sent frames it would throw away.
   */
  watch(cameras: CameraId[], options?: WatchOptions): Promise<void>;
  /** Current state, for a UI that (re)attaches. */
  getState(camera: CameraId): Promise<ConnectionState>;
  readConfig(camera: CameraId): Promise<ConfigSnapshot>;
  /** Partial update; resolves with the camera's readback once accepted, rejects when refused. */
  writeConfig(camera: CameraId, patch: ConfigValues): Promise<ConfigSnapshot>;
  /** Raw channel access (bytes as read). */
  readChannel(camera: CameraId, name: string): Promise<Uint8Array>;
  writeChannel(camera: CameraId, name: string, data: Uint8Array): Promise<void>;
  setStreaming(camera: CameraId, enable: boolean): Promise<void>;
  /**
   * Save a frame: JPEG exactly as received, or PNG. `seq` picks the frame on screen (FrameMeta.seq) when the
   * service still holds it, else the latest frame is saved.
   */
  saveSnapshot(camera: CameraId, format: 'jpeg' | 'png', seq?: number): Promise<SnapshotResult>;
  getStats(camera: CameraId): Promise<StatsSnapshot>;
}

export interface WatchOptions {
  paced?: boolean;
}

export interface OpenOptions {
  /** The access token of the camdeck that publishes a `camdeck://` camera. */
  token?: string;
}

/**
 * Events pushed to the UI: name → payload. Camera events carry the camera's id beside the payload (see
 * `CamdeckApi.on`); `cameras`, `ports` and an `error` without a camera are the service's own.
 */
export interface CamdeckEvents {
  /** Camera events. */
  state: ConnectionState;
  config: ConfigSnapshot;
  channels: ChannelInfo[];
  stdout: string;
  stats: StatsSnapshot;
  /** The camera was closed (by a page, or the service shutting down); it is gone from `cameras` too. */
  closed: CameraClosed;
  /** A camera's error, or (camera null) the service's. */
  error: AppError;
  /** Service events: the set of cameras, or one's identity, changed. */
  cameras: CameraInfo[];
  /** The port list changed (a camera plugged or unplugged; debounced). */
  ports: PortInfo[];
}

export type RequestName = keyof CamdeckRequests;
export type EventName = keyof CamdeckEvents;
export type RequestArgs<K extends RequestName> = Parameters<CamdeckRequests[K]>;
export type RequestResult<K extends RequestName> = Awaited<ReturnType<CamdeckRequests[K]>>;

/** The names, as values, for carriers that register one handler per request. */
export const REQUEST_NAMES = [
  'listPorts',
  'listCameras',
  'openCamera',
  'closeCamera',
  'watch',
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
  'closed',
  'error',
  'cameras',
  'ports',
] as const satisfies readonly EventName[];

/** Requests that a page port answers itself (they are about the page, not a camera). */
export const PAGE_REQUEST_NAMES = ['watch'] as const satisfies readonly RequestName[];
export type PageRequestName = (typeof PAGE_REQUEST_NAMES)[number];

/** Who asked: the carrier says, so that a camera closed by one page is explained on the others. */
export interface RequestContext {
  /** "a browser page at 127.0.0.1", "window 2". */
  peer: string;
}

/**
 * Electron: the preload exposes `window[ELECTRON_BRIDGE_KEY]`; the page calls `openContractPort()` and receives a
 * window `message` event whose data is CONTRACT_PORT_MESSAGE and whose `ports[0]` is a MessagePort to main that
 * carries the whole contract (src/rpc). Nothing else crosses the context bridge.
 */
export const ELECTRON_BRIDGE_KEY = 'camdeckElectron';
export const CONTRACT_PORT_MESSAGE = 'camdeck:contract-port';
/** The IPC channel on which the preload asks main for the port, and main answers with it. */
export const CONTRACT_PORT_CHANNEL = 'camdeck:contract-port';
/**
 * A second contract port of the same window, for its paint worker (the grid tiles' frames): `openFramesPort()`
 * is answered by a window message FRAMES_PORT_MESSAGE, the same way.
 */
export const FRAMES_PORT_MESSAGE = 'camdeck:frames-port';
export const FRAMES_PORT_CHANNEL = 'camdeck:frames-port';
export interface ElectronBridge {
  openContractPort(): void;
  openFramesPort(): void;
}

export type Unsubscribe = () => void;

/** An event listener: the payload, and the camera it is about (null for the service's own events). */
export type EventListener<K extends EventName> = (payload: CamdeckEvents[K], camera: CameraId | null) => void;
/** A frame listener: `meta.camera` says whose frame it is. */
export type FrameListener = (meta: FrameMeta, image: Uint8Array) => void;

/** What the renderer sees as `window.camdeck` (Electron) or builds over a WebSocket (browser). */
export interface CamdeckApi {
  request<K extends RequestName>(name: K, ...args: RequestArgs<K>): Promise<RequestResult<K>>;
  on<K extends EventName>(name: K, listener: EventListener<K>): Unsubscribe;
  /** Frames of the watched cameras: newest-first delivery, meta + encoded image bytes. */
  onFrame(listener: FrameListener): Unsubscribe;
  /** Paced watching (`watch(ids, { paced: true })`): this page took the camera's last frame; send the next. */
  credit(camera: CameraId): void;
  /** Which carrier is in use, for the status bar. */
  readonly carrier: 'electron' | 'browser';
}

/**
 * What serves the contract (the camera service): its requests (each may be told who asked), events and the
 * newest-frame feed of every camera. The page requests (`watch`) are answered by the RPC core, per port.
 */
export type ProviderRequests = {
  [K in Exclude<RequestName, PageRequestName>]: (
    ...args: [...RequestArgs<K>, context?: RequestContext]
  ) => ReturnType<CamdeckRequests[K]>;
};

/**
 * What a frame listener wants now (a page port's paced watch): the cameras it watches, and of those the ones it
 * has room for a frame of. A camera watched only by listeners that have no room is not read until one does
 * (the provider asks again when `onChange` fires); a camera nobody watches is read as ever.
 */
export interface FrameDemand {
  watches(camera: CameraId): boolean;
  wants(camera: CameraId): boolean;
  /** Tells the provider that the demand for `camera` (null: any camera) may have risen. */
  onChange(listener: (camera: CameraId | null) => void): Unsubscribe;
}

export interface ContractProvider extends ProviderRequests {
  on<K extends EventName>(name: K, listener: EventListener<K>): Unsubscribe;
  /**
   * Newest frame only, per camera; `image` is the encoded image exactly as received from the camera. Without
   * `demand` the listener wants every frame of every camera.
   */
  onFrame(listener: FrameListener, demand?: FrameDemand): Unsubscribe;
}
