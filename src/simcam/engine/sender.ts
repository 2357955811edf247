// The send side, omv_protocol_send_packet(): one sequence counter, replies fragmented at max_payload,
// ACK_REQ on every data packet and fragment, RTX with doubling timeouts (the RTX flag only with CRC on),
// the NAK burst, and a protocol reset after the last retry.
import {
  Flag,
  HEADER_SIZE,
  Status,
  packetSize,
  restampHeader,
  u16,
  writePacket,
  type ByteLink,
} from '../../protocol';
import type { SimCamStats } from '../types';
import type { FlipQueue } from './flips';
import type { Receiver } from './receiver';
import { tracePacket, type EngineConfig, type Trace } from './types';

/** Flags that never get ACK_REQ added (OMV_PROTOCOL_FLAG_NO_ACK). */
const NO_ACK = Flag.ACK | Flag.NAK | Flag.EVENT;

/** What the sender needs of the rest of the engine. */
export interface SenderHost {
  readonly stats: SimCamStats;
  readonly trace?: Trace;
  /** Where ACKs are waited for. */
  readonly rx: Pick<Receiver, 'waitAck' | 'pollAck'>;
  readonly flips: FlipQueue;
  config(): EngineConfig;
  link(): ByteLink | null;
  isActive(): boolean;
  /** omv_protocol_reset(), after the retries ran out. */
  reset(): void;
}

export class Sender {
  /** +1 per non-event packet sent (data, fragment, ACK, NAK); events don't advance it. */
  seq = 0;

  constructor(private readonly host: SenderHost) {}

  /** ACK for SUCCESS, else a NAK carrying the status; both stamped with (and advancing) the device seq. */
  sendStatus(channel: number, opcode: number, status: number): void {
    const stats = this.host.stats;
    if (status === Status.SEQUENCE) stats.sequenceErrors++;
    else if (status === Status.CHECKSUM) stats.checksumErrors++;
    // Status replies never carry ACK_REQ, so this completes synchronously.
    if (status === Status.SUCCESS) void this.send(opcode, channel, null, Flag.ACK);
    else void this.send(opcode, channel, u16(status), Flag.NAK);
  }

  /**
   * Send a reply (fragmented at max_payload) or an event. Resolves 0 when every packet went out (and was
   * ACKed when ACK_REQ was set), −1 when the transport is inactive, a SYNC aborted the wait, or the
   * retries ran out (after which the protocol state is reset).
   */
  async send(opcode: number, channel: number, data: Uint8Array | null, flags: number): Promise<number> {
    const host = this.host;
    if (!host.isActive()) return -1;
    if (!host.config().ack) flags &= ~Flag.ACK_REQ;
    else if (!(flags & NO_ACK)) flags |= Flag.ACK_REQ;
    let size = data?.length ?? 0;
    let off = 0;
    do {
      const config = host.config();
      let retries = config.rtxRetries;
      let timeout = config.rtxTimeoutMs;
      const max = config.maxPayload;
      const fragLen = Math.min(size, max);
      const fragFlags = size <= max ? flags : flags | Flag.FRAGMENT;
      const pkt = new Uint8Array(packetSize(fragLen));
      writePacket(
        pkt,
        0,
        { seq: this.seq, channel, flags: fragFlags, opcode, payload: data?.subarray(off, off + fragLen) },
        { crc: config.crc },
      );
      const ackReq = !!(flags & Flag.ACK_REQ);
      // ack_status = −1 once per fragment; a NAK sets FAILED and nothing clears it, so every copy after
      // a NAK goes out at once, after one pass over the RX buffer (an ACK found there still wins).
      let failed = false;
      for (;;) {
        if (!this.transmit(pkt)) {
          host.stats.transportErrors++;
          return -1;
        }
        if (!ackReq) break;
        const r = failed ? host.rx.pollAck(opcode, pkt[2]!) : await host.rx.waitAck(opcode, pkt[2]!, timeout);
        if (r === 'ack') break;
        if (r === 'abort') return -1;
        if (r === 'nak') failed = true;
        if (retries-- <= 0) {
          host.reset();
          return -1;
        }
        timeout *= 2;
        host.stats.retransmits++;
        // RTX is only flagged (and the header CRC recomputed) when CRC is on.
        if (host.config().crc && !(pkt[4]! & Flag.RTX)) restampHeader(pkt, { flags: pkt[4]! | Flag.RTX });
      }
      size -= fragLen;
      off += fragLen;
      if (!(flags & Flag.EVENT)) {
        this.seq = (this.seq + 1) & 0xff;
        host.stats.sentPackets++;
      }
    } while (size > 0);
    return 0;
  }

  /** Header, payload and CRC go out as three writes, like the firmware. */
  private transmit(pkt: Uint8Array): boolean {
    const link = this.host.link();
    if (!link || link.closed) return false;
    const length = pkt[6]! | (pkt[7]! << 8);
    tracePacket(this.host.trace, 'tx', pkt, length);
    const out = this.host.flips.apply(pkt, length);
    try {
      link.write(out.subarray(0, HEADER_SIZE));
      if (length) {
        link.write(out.subarray(HEADER_SIZE, HEADER_SIZE + length));
        link.write(out.subarray(HEADER_SIZE + length));
      }
      return true;
    } catch {
      return false;
    }
  }
}
