// Per-connection frame pacing for a slow client: at most one frame is queued behind the socket; when the client
// falls behind, the queued frame is replaced by the newer one (newest wins) and the older one counts as dropped.
export interface FrameSocket {
  readonly bufferedAmount: number;
  send(data: Uint8Array, cb: (err?: Error) => void): void;
}

export interface FrameSenderStats {
  sent: number;
  /** Frames replaced by a newer one before they were sent (newest wins; not a camera-side drop). */
  superseded: number;
}

export class FrameSender {
  private pending: Uint8Array | null = null;
  private inFlight = 0;
  private closed = false;
  readonly stats: FrameSenderStats = { sent: 0, superseded: 0 };

  constructor(
    private readonly socket: FrameSocket,
    /** Bytes buffered on the socket above which new frames wait (and replace each other). */
    private readonly highWater = 512 * 1024,
    /** Frames allowed in flight before waiting for the socket to flush. */
    private readonly maxInFlight = 2,
  ) {}

  push(message: Uint8Array): void {
    if (this.closed) return;
    if (this.pending) this.stats.superseded++;
    this.pending = message;
    this.flush();
  }

  close(): void {
    this.closed = true;
    this.pending = null;
  }

  private flush(): void {
    if (!this.pending || this.closed) return;
    if (this.inFlight >= this.maxInFlight || this.socket.bufferedAmount > this.highWater) return;
    const msg = this.pending;
    this.pending = null;
    this.inFlight++;
    this.stats.sent++;
    this.socket.send(msg, (err) => {
      this.inFlight--;
      if (err) {
        this.close();
        return;
      }
      this.flush();
    });
  }
}
