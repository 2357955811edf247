// What the send and receive sides of a ProtocolClient share: the link's sequence counter and caps, and
// the figures kept about it.
import type { Caps, ParserStats } from '../protocol';
import { emptyHostStats } from '../model';
import type { HostStats } from '../model';
import { RttWindow } from './stats';

/** How the client recovered from faults (beside HostStats, which the UI shows). */
export interface RecoveryStats {
  /** Exchanges failed at once because a packet of their reply was corrupted (or oversize). */
  abandoned: number;
  /** Late packets of abandoned replies discarded (ACKed when they asked, after the SYNC). */
  stalePackets: number;
  /** Requests sent again after the device refused them unread (NAK SEQUENCE behind a stale tail). */
  tailResends: number;
  /** Device resets noticed without being told (ACK_REQ with ACKs off). */
  resetsDetected: number;
  /** Corrupted packets of an 'await-rtx' reply left to the camera's retransmission. */
  awaitedRtx: number;
}

/** The device's caps before any SET_CAPS (and after a SYNC): every flag on. */
export const defaultCaps = (maxPayload: number): Caps => ({
  crc: true,
  seq: true,
  ack: true,
  events: true,
  maxPayload,
});

export class ClientState {
  /** Host sequence counter H. */
  seq = 0;
  /** Caps in force on the link. */
  caps: Caps;
  /** A SYNC + SET_CAPS has completed (and no reset of the device was seen since). */
  negotiated = false;
  /** +1 per SYNC ACK. */
  syncEpoch = 0;
  readonly rtt = new RttWindow();
  readonly recovery: RecoveryStats = {
    abandoned: 0,
    stalePackets: 0,
    tailResends: 0,
    resetsDetected: 0,
    awaitedRtx: 0,
  };
  /**
   * What the client counts; crcErrors and the round-trip figures are filled in by stats(). naksSent stays
   * 0: the host never NAKs (a corrupted packet is abandoned and resynced instead).
   */
  readonly counters: HostStats = emptyHostStats();

  constructor(maxPayload: number) {
    this.caps = defaultCaps(maxPayload);
  }

  /** The counters, with the parser's CRC errors and the round-trip percentiles. */
  stats(parser: Readonly<ParserStats>): HostStats {
    return {
      ...this.counters,
      crcErrors: parser.headerCrcErrors + parser.payloadCrcErrors,
      rttMsP50: this.rtt.percentile(50),
      rttMsP99: this.rtt.percentile(99),
    };
  }
}
