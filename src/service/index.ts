// The camera service the Electron main process and the browser-host server both run.
export { createCamdeckService, DEMO_PORT } from './service';
export type { ServiceOptions, SimCamOptions } from './service';
export type { CamdeckService } from './api';
export { dispatchRequest, validateRequest, isRequestName, BadRequestError } from './request-validation';
export { ServiceError, classifyError, toAppError } from './errors';
export { udevHint } from './udev-hint';
export { mergeSchema, WELL_KNOWN } from './config-schema';
