// The simulated OpenMV camera (device side of the protocol). Node links live in ./links.
export { createSimCam } from './simcam';
// Every public type of the simulated camera (SimCam, SimCamOptions, Faults, ChannelSpec…).
export type * from './types';
export type { Clock } from './clock';
export { BACKEND_METHODS, introspect, derivedFlags } from './backend';
export { SCENARIOS } from './demo/scenarios';
export { registerBenchChannels } from './demo/bench-script';
export { readStamp } from './demo/stamp';
export { demoCameraOptions, embeddedDemoOptions, DEMO_BOARDS, type DemoBoard } from './demo/cameras';
export { serialOfDevId } from './board';
export { normalizeSerial } from './options';
