// Per-connection frame pacing for a slow client: one slot per camera behind the socket; while the client falls
// behind, a camera's queued frame is replaced by its newer one (newest wins) and the older one counts as
// superseded. Slots are served oldest-waiting first, so a fast camera never starves a slow one on the same page.
export interface FrameSocket {
  readonly bufferedAmount: number;
  send(data: Uint8Array, cb: (err?: Error) => void): void;
}

export interface FrameSenderStats {
  sent: number;
  /** Frames replaced by a newer one of the same camera before they were sent (not a camera-side drop). */
  superseded: number;
}

export class FrameSender {
  /** camera → its newest unsent frame; a Map keeps the order the slots filled in, which is the send order. */
  private readonly pending = new Map<string, Uint8Array>();
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

  /** Queue `message` (one encoded frame) as `camera`'s newest. */
  push(message: Uint8Array, camera = ''): void {
    if (this.closed) return;
    if (this.pending.has(camera)) this.stats.superseded++;
    this.pending.set(camera, message); // a replaced slot keeps its place in line
    this.flush();
  }

  /** Frames waiting (at most one per camera). */
  waiting(): number {
    return this.pending.size;
  }

  close(): void {
    this.closed = true;
    this.pending.clear();
  }

  private flush(): void {
    while (!this.closed && this.pending.size) {
      if (this.inFlight >= this.maxInFlight || this.socket.bufferedAmount > this.highWater) return;
      const [camera, msg] = this.pending.entries().next().value as [string, Uint8Array];
      this.pending.delete(camera);
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
}
