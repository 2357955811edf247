// The state of the link to one camera: what the host's Camera and CameraSession report, what the service
// publishes and what the UI shows. One type, produced by the host as it is.
import type { DeviceSummary } from './device';

export type ConnectionState =
  | { kind: 'disconnected'; reason?: string }
  | { kind: 'connecting'; target: string; step: string; progress: number }
  | { kind: 'connected'; target: string; device: DeviceSummary }
  /** The link is out of step (a corrupted packet, a timeout, a soft reboot): SYNC again, `attempt` from 1. */
  | { kind: 'resyncing'; target: string; reason: string; attempt: number }
  /** The link went away (unplugged, the camera stopped answering): a new one is opened after `nextInMs`. */
  | { kind: 'reconnecting'; target: string; reason: string; attempt: number; nextInMs: number };

export type ConnectionKind = ConnectionState['kind'];
