// One camera as the service hub holds it: the camera requests of the contract without the camera id (the
// unit is the camera), its events and frames. A camera on this machine is a LocalCamera (camera-unit.ts);
// another camdeck's camera (`camdeck://host:port/<id>`) is a remote unit built by an OpenRemote.
import type {
  CamdeckEvents,
  CameraId,
  CameraInfo,
  ConfigSnapshot,
  ConfigValues,
  ConnectionState,
  FrameListener,
  SnapshotResult,
  StatsSnapshot,
  Unsubscribe,
} from '../shared/contract';

/**
 * The events a unit pushes (the hub re-emits them with the unit's id). `closed`: the camera went away for
 * good by itself (a remote camdeck closed it); the hub then drops the unit and tells every page.
 */
export const CAMERA_EVENT_NAMES = [
  'state',
  'config',
  'channels',
  'stdout',
  'stats',
  'error',
  'closed',
] as const;
export type CameraEventName = (typeof CAMERA_EVENT_NAMES)[number];
export type CameraEventListener<K extends CameraEventName> = (payload: CamdeckEvents[K]) => void;

export interface CameraUnit {
  /** CameraInfo.id: fixed once the unit is handed to the hub. */
  readonly id: CameraId;
  /** What the camera is now (its target changes after a replug on another path). */
  info(): CameraInfo;
  on<K extends CameraEventName>(name: K, listener: CameraEventListener<K>): Unsubscribe;
  /** Newest frame only; `meta.camera` is this unit's id. */
  onFrame(listener: FrameListener): Unsubscribe;
  /** Read frames only while `wanted()` (the hub's join of its pages' demand); until called, every frame. */
  paceFrames(wanted: () => boolean): void;
  /** The demand may have risen: read the frame the camera signalled meanwhile, if it is wanted now. */
  wakeFrames(): void;
  getState(): Promise<ConnectionState>;
  readConfig(): Promise<ConfigSnapshot>;
  writeConfig(patch: ConfigValues): Promise<ConfigSnapshot>;
  readChannel(name: string): Promise<Uint8Array>;
  writeChannel(name: string, data: Uint8Array): Promise<void>;
  setStreaming(enable: boolean): Promise<void>;
  saveSnapshot(format: 'jpeg' | 'png', seq?: number): Promise<SnapshotResult>;
  getStats(): Promise<StatsSnapshot>;
  /** Close the link for good (no reconnect); `reason` is the last state's. */
  close(reason: string): Promise<void>;
}

/**
 * Opens another camdeck's camera (`camdeck://host:port/<id>`, `token` its access token): resolves with a unit
 * that is connected and streaming, or rejects with a ServiceError.
 */
export type OpenRemote = (target: string, token: string | undefined) => Promise<CameraUnit>;
