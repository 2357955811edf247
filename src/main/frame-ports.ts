// Frames to windows over MessagePorts: each port a page asks for becomes a sink; every frame is encoded once
// (frame-wire) and posted to every open sink. A sink whose window goes away is closed and dropped.
export interface FramePortLike {
  postMessage(message: unknown): void;
  close(): void;
  once(event: 'close', listener: () => void): unknown;
}

export class FramePorts {
  private readonly sinks = new Map<FramePortLike, number>();

  /** Adds a sink owned by window `ownerId`. */
  add(port: FramePortLike, ownerId: number): void {
    this.sinks.set(port, ownerId);
    port.once('close', () => this.sinks.delete(port));
  }

  /** Closes every sink of a window (reload or close). */
  dropOwner(ownerId: number): void {
    for (const [port, owner] of this.sinks) {
      if (owner !== ownerId) continue;
      this.sinks.delete(port);
      port.close();
    }
  }

  get size(): number {
    return this.sinks.size;
  }

  post(message: Uint8Array): void {
    for (const port of this.sinks.keys()) port.postMessage(message);
  }

  closeAll(): void {
    for (const port of this.sinks.keys()) port.close();
    this.sinks.clear();
  }
}
