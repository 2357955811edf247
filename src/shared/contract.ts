// The whole API between the UI and the camera services, in one file.
// Both carriers (Electron IPC + MessagePort, and the browser-host WebSocket) carry exactly this:
// `CamdeckRequests` are request/response calls, `CamdeckEvents` are pushed to the UI, and frames travel
// on their own binary path (see frame-wire.ts). A newcomer reads this file to know what the UI can do.

/** The embedded simulated camera's target name. */
export const DEMO_TARGET = 'demo';

/** A serial port as discovery sees it; `board` is set for known OpenMV USB ids. */
export interface PortInfo {
  /** What to pass to connect(): a serial path, `udp://host:port`, `tcp://host:port`, or `demo`. */
  target: string;
  path: string;
  vid?: number;
  pid?: number;
  serialNumber?: string;
  manufacturer?: string;
  /** Friendly board name for known OpenMV ids, e.g. "OpenMV Cam H7 Plus". */
  board?: string;
  /** True when the VID:PID is a camera that speaks the protocol. */
  isCamera: boolean;
}

export interface ChannelInfo {
  id: number;
  name: string;
  flags: number;
  /** Decoded flag names: READ, WRITE, EXEC, LOCK, STREAM, DYNAMIC, PHYSICAL. */
  flagNames: string[];
}

export interface DeviceSummary {
  board: string;
  protocolVersion: string;
  firmwareVersion: string;
  /** "37C5:124A" */
  usbId: string;
  maxPayload: number;
  channels: ChannelInfo[];
}

export type ConnectionState =
  | { kind: 'disconnected'; reason?: string }
  | { kind: 'connecting'; target: string; step: string; progress: number }
  | { kind: 'connected'; target: string; device: DeviceSummary }
  | { kind: 'resyncing'; target: string; reason: string }
  | { kind: 'reconnecting'; target: string; reason: string; attempt: number; nextInMs: number };

// ---- config channel ------------------------------------------------------------------------------

export type ConfigValue = number | boolean | string;
export type ConfigValues = Record<string, ConfigValue>;

/**
 * Per-key UI hints. A small JSON Schema subset a camera may publish on a sibling channel
 * (`config.schema`, or the config channel name + ".schema" truncated to 13 chars); see docs/config-schema.md.
 */
export interface ConfigFieldSchema {
  type?: 'number' | 'integer' | 'boolean' | 'string';
  title?: string;
  description?: string;
  minimum?: number;
  maximum?: number;
  multipleOf?: number;
  enum?: Array<string | number>;
}

export interface ConfigSchema {
  properties: Record<string, ConfigFieldSchema>;
}

export interface ConfigSnapshot {
  /** Name of the config channel the values came from. */
  channel: string;
  /** The camera's confirmed values (its readback), never a guess. */
  values: ConfigValues;
  /** The schema the camera published, merged with built-in ranges for well-known keys. */
  schema: ConfigSchema;
}

// ---- frames, stats, log --------------------------------------------------------------------------

export interface FrameMeta {
  /** Host-side running frame number. */
  seq: number;
  /** Which channel delivered it: "frame" or "stream". */
  channel: string;
  width: number;
  height: number;
  /** Encoded bytes of the image. */
  bytes: number;
  format: 'jpeg' | 'png' | 'raw';
  /** The camera's own fps (stream header), when it reports one. */
  cameraFps?: number;
  /** Frame number stamped by the camera, when it provides one (demo camera does). */
  cameraFrame?: number;
  /** Capture time stamped by the camera (ms since epoch), when known; for latency. */
  captureTime?: number;
  /** When the host finished receiving it (ms since epoch). */
  receivedAt: number;
  /** Config version in force when the frame was captured, if the camera stamps it (demo camera does). */
  quality?: number;
}

export interface StatsSnapshot {
  host: {
    packetsSent: number;
    packetsReceived: number;
    bytesSent: number;
    bytesReceived: number;
    crcErrors: number;
    retransmits: number;
    resyncs: number;
    timeouts: number;
    busy: number;
    rttMsP50: number;
    rttMsP99: number;
  };
  /**
   * Frames of the current (or last) connection; reset on every connect. `dropped`: gaps in the camera's own
   * frame numbers while connected. `fps`/`kbps`: one window of recent frames on the camera's clock (`clock`
   * says which clock: the frames' capture stamps, the stream header's fps, or host arrival times); null until
   * two frames are in. The overlay and the stats panel both show these figures.
   */
  frames: {
    received: number;
    dropped: number;
    fps: number | null;
    kbps: number | null;
    clock: 'camera' | 'header' | 'host';
  };
}

export interface AppError {
  /** Stable machine-readable code, e.g. "port-permission", "config-rejected", "timeout". */
  code: string;
  message: string;
  /** What the user can do about it, when we know. */
  hint?: string;
  at: number;
}

export interface SnapshotResult {
  path: string;
  /** The file's name (what a browser download of the same frame is called too). */
  name: string;
  /** FrameMeta.seq of the frame saved. */
  seq: number;
  bytes: number;
  format: 'jpeg' | 'png';
}

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
 * Electron's frame path (used inside `window.camdeck.onFrame`; a page never needs these itself): the page posts
 * FRAME_PORT_REQUEST to its window; the preload answers with a `message` event whose data is FRAME_PORT_MESSAGE
 * and whose `ports[0]` is a MessagePort from main; each message on that port is one frame-wire message
 * (Uint8Array). Frames never cross the context bridge.
 */
export const FRAME_PORT_REQUEST = 'camdeck:frame-port-request';
export const FRAME_PORT_MESSAGE = 'camdeck:frame-port';

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
