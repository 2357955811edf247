// The camera service the Electron main process and the browser-host server both run.
export { createCamdeckService } from './service';
export type { ServiceOptions, SimCamOptions } from './service';
export type { CamdeckService } from './api';
// One camera of the hub, for a remote implementation (camdeck://host:port/<id>) passed as openRemote.
export { CAMERA_EVENT_NAMES } from './camera-unit-api';
export type { CameraEventListener, CameraEventName, CameraUnit, OpenRemote } from './camera-unit-api';
// Another camdeck's cameras (camdeck://host:port/<id>): the openRemote a carrier passes, the target's parts.
export { openRemoteCamera, parseRemoteTarget, remoteCameraId, remoteCameraOpener } from './remote-camera';
export type { RemoteCameraDeps, RemoteOpenerOptions, RemoteTarget } from './remote-camera';
export { PortWatch } from './port-watch';
export type { PortWatchOptions } from './port-watch';
export { ServiceError, classifyError, toAppError } from './errors';
export { udevHint } from './udev-hint';
// Camera targets, shared with the CLI: auto/demo, opening one, the port list, what the service may open.
export {
  DEMO_PORT,
  attachedCamera,
  demoPort,
  expandExtraPorts,
  extraPortsFromEnv,
  inProcessCamera,
  isKnownTarget,
  portList,
  serialPorts,
  targetKind,
  targetOpener,
  vetTarget,
} from './targets';
export type { AttachedCamera, InProcessCamera, TargetKind, TargetOpener, TargetRules } from './targets';
export { SNAPSHOT_LIMITS } from './snapshot';
export type { SnapshotLimits } from './snapshot';
