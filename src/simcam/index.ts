// The simulated OpenMV camera (device side of the protocol). Node links live in ./links.
export { createSimCam } from './simcam';
export type {
  ChannelHandle,
  ChannelSpec,
  ConfigFaultKind,
  Faults,
  FlipMatch,
  FlipPart,
  ResolvedSimCamOptions,
  SimCam,
  SimCamFaults,
  SimCamOptions,
  SimCamStats,
  TransportDefaults,
} from './types';
export type { DeviceStats } from '../protocol';
export type { Clock } from './clock';
export { realClock } from './clock';
export { BACKEND_METHODS, introspect, derivedFlags, type ChannelBackend } from './backend';
export { SCENARIOS } from './demo/scenarios';
export { registerBenchChannels } from './demo/bench-script';
export { readStamp } from './demo/stamp';
export { demoSchema, FRAME_SIZES, type DemoConfigSchema, type ConfigProperty } from './demo/config';
