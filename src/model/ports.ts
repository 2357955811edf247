// Where a camera can be reached: what discovery lists and what connect() takes.

/** The embedded simulated camera's target name. */
export const DEMO_TARGET = 'demo';

/** A port as discovery sees it (serial, or one given by name); `board` is set for known OpenMV USB ids. */
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

/** The n-th demo camera's target (1-based): `demo`, then `demo:2`, `demo:3`… (`camdeck serve --demo N`). */
export function demoTarget(n: number): string {
  return n <= 1 ? DEMO_TARGET : `${DEMO_TARGET}:${n}`;
}

/** Which demo camera a target names (1-based), or null when it names none. */
export function demoIndex(target: string): number | null {
  if (target === DEMO_TARGET) return 1;
  const m = /^demo:([1-9][0-9]?)$/.exec(target);
  return m ? Number(m[1]) : null;
}
