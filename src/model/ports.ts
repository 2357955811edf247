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
