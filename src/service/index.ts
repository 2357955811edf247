// The camera service the Electron main process and the browser-host server both run.
export { createCamdeckService, DEMO_PORT } from './service';
export type { ServiceOptions, SimCamOptions } from './service';
export type { CamdeckService } from './api';
export { ServiceError, classifyError, toAppError } from './errors';
export { udevHint } from './udev-hint';
