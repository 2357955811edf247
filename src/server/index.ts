export { startServer } from './server';
export type { ServerOptions, RunningServer } from './server';
export { isLoopback } from './access';
export { DEFAULT_LIMITS } from './limits';
export type { ServerLimits } from './limits';
