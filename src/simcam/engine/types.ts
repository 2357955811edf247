// What the engine's parts share: the negotiated config with the firmware defaults, the options a board
// passes in, and the packet trace.
import {
  Flag,
  HEADER_SIZE,
  LOCK_INTERVAL_MS,
  RTX_RETRIES,
  RTX_TIMEOUT_MS,
  STATUS_NAMES,
  type MemoryEntry,
  type SysInfo,
  type VersionInfo,
} from '../../protocol';
import type { Clock } from '../clock';

/** Negotiated capabilities plus the transport-local settings (omv_protocol_config_t). */
export interface EngineConfig {
  crc: boolean;
  seq: boolean;
  ack: boolean;
  events: boolean;
  maxPayload: number;
  rtxRetries: number;
  rtxTimeoutMs: number;
  lockIntervalMs: number;
}

/** The settings a transport may change in its defaults (omv_protocol_init()). */
export type TransportConfig = Partial<
  Pick<EngineConfig, 'crc' | 'seq' | 'ack' | 'events' | 'maxPayload' | 'rtxTimeoutMs'>
>;

/** USB's defaults: all caps on, max_payload = buffer − 14, the protocol's RTX and LOCK timing. */
export function defaultConfig(maxPayload: number): EngineConfig {
  return {
    crc: true,
    seq: true,
    ack: true,
    events: true,
    maxPayload,
    rtxRetries: RTX_RETRIES,
    rtxTimeoutMs: RTX_TIMEOUT_MS,
    lockIntervalMs: LOCK_INTERVAL_MS,
  };
}

export interface EngineOptions {
  /** OMV_PROTOCOL_MAX_BUFFER_SIZE: 512, 4096 or 8192; the default max_payload is this − 14. */
  bufferSize: number;
  clock: Clock;
  version: VersionInfo;
  sysInfo: () => SysInfo;
  memory: () => MemoryEntry[];
  /** SYS_RESET / SYS_BOOT: the board resets without replying. */
  onHardReset?: (boot: boolean) => void;
  /** Packet trace for `-v`: every packet the state machine accepts or sends. */
  trace?: Trace;
}

export interface TraceHeader {
  seq: number;
  channel: number;
  flags: number;
  opcode: number;
  length: number;
  note?: string;
}

export type Trace = (dir: 'rx' | 'tx', header: TraceHeader) => void;

/** Trace the packet at the start of `pkt` (its payload `length` bytes); NAKs name their status. */
export function tracePacket(
  trace: Trace | undefined,
  dir: 'rx' | 'tx',
  pkt: Uint8Array,
  length: number,
): void {
  if (!trace) return;
  const flags = pkt[4]!;
  const h: TraceHeader = { seq: pkt[2]!, channel: pkt[3]!, flags, opcode: pkt[5]!, length };
  if (flags & Flag.NAK && length >= 2)
    h.note = STATUS_NAMES[pkt[HEADER_SIZE]! | (pkt[HEADER_SIZE + 1]! << 8)];
  trace(dir, h);
}

/** How waiting for the ACK of one sent packet ended. */
export type AckResult = 'ack' | 'nak' | 'timeout' | 'abort';
