export { startServer, isLoopback } from './server';
export type { ServerOptions, RunningServer } from './server';
