// A byte link: what the host client and the simulated device each talk over. Serial ports, sockets and
// in-memory pairs all adapt to this one shape, so neither side knows which carrier it has.

export interface ByteLink {
  /** Queue bytes for the peer. The link may keep a reference: do not mutate `data` afterwards. */
  write(data: Uint8Array): void;
  onData(listener: (chunk: Uint8Array) => void): () => void;
  /** Fires once when the link goes away (either end closed, cable pulled); `reason` when it failed. */
  onClose(listener: (reason?: Error) => void): () => void;
  close(): void;
  readonly closed: boolean;
}

/**
 * The listener half every ByteLink shares: data and close subscribers, and a close that is told once. A carrier
 * adds write() and close() (by extending it, or holding one).
 */
export class LinkListeners {
  closed = false;
  protected readonly dataListeners = new Set<(chunk: Uint8Array) => void>();
  protected readonly closeListeners = new Set<(reason?: Error) => void>();

  onData(listener: (chunk: Uint8Array) => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  onClose(listener: (reason?: Error) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  emitData(chunk: Uint8Array): void {
    for (const l of this.dataListeners) l(chunk);
  }

  /** Mark the link closed and tell the close listeners (then forget them all); false when it already was. */
  end(reason?: Error): boolean {
    if (this.closed) return false;
    this.closed = true;
    for (const l of this.closeListeners) l(reason);
    this.closeListeners.clear();
    this.dataListeners.clear();
    return true;
  }
}

class MemoryEnd extends LinkListeners implements ByteLink {
  peer!: MemoryEnd;

  write(data: Uint8Array): void {
    if (this.closed) throw new Error('link is closed');
    const peer = this.peer;
    // Deliver asynchronously, like a real transport, so neither side re-enters the other.
    queueMicrotask(() => {
      if (!peer.closed) peer.emitData(data);
    });
  }

  close(reason?: Error): void {
    if (this.end(reason)) this.peer.close(reason);
  }
}

/** Two connected in-memory ends: bytes written to one arrive at the other, in order. */
export function createLinkPair(): [ByteLink, ByteLink] {
  const a = new MemoryEnd();
  const b = new MemoryEnd();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
