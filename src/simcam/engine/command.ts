// One request as the opcode handlers see it (omv_protocol_process()): the packet, what it addresses, and
// the ways to answer it.
import { HEADER_SIZE } from '../../protocol';
import type { DeviceChannel } from '../channel';
import type { SimCamStats } from '../types';
import type { EngineConfig, EngineOptions } from './types';

/** The device state the handlers read and change. */
export interface Device {
  /** The current config; PROTO_SET_CAPS changes it in place. */
  readonly config: EngineConfig;
  /** buffer − 14: the largest max_payload SET_CAPS accepts. */
  readonly maxPayloadLimit: number;
  readonly stats: SimCamStats;
  readonly options: EngineOptions;
  readonly channels: readonly (DeviceChannel | undefined)[];
  readonly channelsCount: number;
  findChannel(id: number): DeviceChannel | undefined;
  send(opcode: number, channel: number, data: Uint8Array | null, flags: number): Promise<number>;
  sendStatus(channel: number, opcode: number, status: number): void;
  /** ticks_ms as the firmware's u32. */
  ticks(): number;
  /** When the last CHANNEL_LOCK was granted (ticks); LOCK pacing is global across channels. */
  lastLockMs: number;
}

export class Command {
  readonly channel: number;
  readonly opcode: number;
  /** The request payload: a view into the packet buffer. */
  readonly payload: Uint8Array;

  /** `packet` is the whole packet buffer: CHANNEL_WRITE trusts the length field beyond the payload. */
  constructor(
    readonly device: Device,
    readonly packet: Uint8Array,
    length: number,
  ) {
    this.channel = packet[3]!;
    this.opcode = packet[5]!;
    this.payload = packet.subarray(HEADER_SIZE, HEADER_SIZE + length);
  }

  /** The payload's u32 at `o`; 0 when the payload is too short. */
  u32(o: number): number {
    const p = this.payload;
    return o + 4 <= p.length ? (p[o]! | (p[o + 1]! << 8) | (p[o + 2]! << 16) | (p[o + 3]! << 24)) >>> 0 : 0;
  }

  /** The addressed channel; ids ≥ channelsCount count as unknown. */
  target(): DeviceChannel | undefined {
    return this.device.findChannel(this.channel);
  }

  /** Answer with a status: ACK for SUCCESS, else a NAK carrying it. */
  status(status: number): void {
    this.device.sendStatus(this.channel, this.opcode, status);
  }

  /** Answer with data (fragmented at max_payload). */
  reply(data: Uint8Array | null, flags = 0): Promise<number> {
    return this.device.send(this.opcode, this.channel, data, flags);
  }
}

/** Handlers are async so that a synchronous throw ends the command like a failed send. */
export type OpcodeHandler = (cmd: Command) => Promise<void>;
