// Link and frame figures, one name each. "Dropped" means one thing here: frames the camera numbered that
// never reached the host (gaps in FrameStamp.cameraFrame). A frame replaced by a newer one before it was
// sent or drawn (newest wins on a slow carrier or screen) is "superseded", not dropped. A frame the host chose
// not to read (every page watching the camera already had one waiting) is "unread", not dropped either.

/** Host-side link statistics of one ProtocolClient (one link; a new link starts from zero). */
export interface HostStats {
  packetsSent: number;
  packetsReceived: number;
  bytesSent: number;
  bytesReceived: number;
  /** Packets dropped by the parser for a bad header or payload CRC. */
  crcErrors: number;
  /** Device retransmissions seen (RTX flag). */
  retransmits: number;
  /** RTX duplicates of packets already accepted (re-ACKed and dropped). */
  duplicates: number;
  /** ACKs sent in the same write as the next request. */
  foldedAcks: number;
  resyncs: number;
  timeouts: number;
  sequenceErrors: number;
  naks: number;
  /** NAKs we sent for corrupted packets (asking the device to retransmit at once). */
  naksSent: number;
  busy: number;
  events: number;
  commands: number;
  rttMsP50: number;
  rttMsP99: number;
}

/** Which clock frame rates were measured on: the frames' capture stamps, the stream header's fps, or arrival. */
export type RateClock = 'camera' | 'header' | 'host';

/**
 * Frames of the current (or last) connection; reset on every connect. `fps`/`kbps`: one window of recent frames
 * on the camera's clock (`clock` says which); null until two frames are in. The overlay and the stats panel
 * both show these figures.
 */
export interface FrameStats {
  received: number;
  /** Frames the camera numbered that never arrived, while connected (DropCounter). */
  dropped: number;
  /** Frames the camera signalled that the host did not read: every page watching had one waiting. */
  unread: number;
  fps: number | null;
  kbps: number | null;
  clock: RateClock;
}

export interface StatsSnapshot {
  host: HostStats;
  frames: FrameStats;
}

export function emptyHostStats(): HostStats {
  return {
    packetsSent: 0,
    packetsReceived: 0,
    bytesSent: 0,
    bytesReceived: 0,
    crcErrors: 0,
    retransmits: 0,
    duplicates: 0,
    foldedAcks: 0,
    resyncs: 0,
    timeouts: 0,
    sequenceErrors: 0,
    naks: 0,
    naksSent: 0,
    busy: 0,
    events: 0,
    commands: 0,
    rttMsP50: 0,
    rttMsP99: 0,
  };
}

export function emptyStats(): StatsSnapshot {
  return {
    host: emptyHostStats(),
    frames: { received: 0, dropped: 0, unread: 0, fps: null, kbps: null, clock: 'camera' },
  };
}

/**
 * Counts dropped frames: gaps in the camera's frame numbers. Frames before the first one seen, and a camera
 * whose numbering starts over, are not losses; frames without a number are received but not judged. Frames the
 * host chose not to read (`skipped()`, one per event not read) are unread, not dropped: a skipped frame is
 * counted once a newer one is signalled (it can no longer be read), and the last one skipped when the next
 * frame read turns out newer than it; the rest of a gap is dropped.
 */
export class DropCounter {
  private last: number | undefined;
  /** An event not read since the last frame: the next read may take its frame. */
  private pendingSkip = false;
  /** Unread frames counted since the last frame: that much of the next gap is not a loss. */
  private unreadSince = 0;
  received = 0;
  dropped = 0;
  unread = 0;

  reset(): void {
    this.last = undefined;
    this.pendingSkip = false;
    this.unreadSince = 0;
    this.received = 0;
    this.dropped = 0;
    this.unread = 0;
  }

  /** The camera signalled a frame that the host left unread on purpose. */
  skipped(): void {
    if (this.pendingSkip) this.countUnread(); // the frame skipped before this one is gone for good
    this.pendingSkip = true;
  }

  add(cameraFrame: number | undefined): void {
    this.received++;
    const pending = this.pendingSkip;
    this.pendingSkip = false;
    const numbered = cameraFrame !== undefined && Number.isFinite(cameraFrame);
    // (without numbers the read that ended the skipping is taken to be of the last frame signalled)
    if (numbered && this.last !== undefined && cameraFrame > this.last + 1) {
      const gap = cameraFrame - this.last - 1;
      if (pending && gap > this.unreadSince) this.countUnread(); // the read took a newer frame than it
      this.dropped += Math.max(0, gap - this.unreadSince);
    }
    if (numbered) this.last = cameraFrame;
    this.unreadSince = 0;
  }

  private countUnread(): void {
    this.unread++;
    this.unreadSince++;
  }
}
