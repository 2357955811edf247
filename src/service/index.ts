// The camera service the Electron main process and the browser-host server both run.
export { createCamdeckService } from './service';
export type { ServiceOptions, SimCamOptions } from './service';
export type { CamdeckService } from './api';
export { ServiceError, classifyError, toAppError } from './errors';
export { udevHint } from './udev-hint';
// Camera targets, shared with the CLI: auto/demo, opening one, the port list.
export {
  DEMO_PORT,
  attachedCamera,
  extraPortsFromEnv,
  inProcessCamera,
  isKnownTarget,
  portList,
  serialPorts,
  targetOpener,
} from './targets';
export type { AttachedCamera, InProcessCamera, TargetOpener } from './targets';
