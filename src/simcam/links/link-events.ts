// The listener half every Node link repeats: data and close subscribers, and a close that is told once.
import type { ByteLink } from '../../protocol';

export class LinkEvents implements Pick<ByteLink, 'onData' | 'onClose' | 'closed'> {
  private ended = false;
  private data = new Set<(chunk: Uint8Array) => void>();
  private closes = new Set<(reason?: Error) => void>();

  get closed(): boolean {
    return this.ended;
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    this.data.add(listener);
    return () => this.data.delete(listener);
  }

  onClose(listener: (reason?: Error) => void): () => void {
    this.closes.add(listener);
    return () => this.closes.delete(listener);
  }

  emitData(bytes: Uint8Array): void {
    for (const l of this.data) l(bytes);
  }

  /** Mark the link closed and tell the close listeners; false (and nothing told) when it already was. */
  end(reason?: Error): boolean {
    if (this.ended) return false;
    this.ended = true;
    for (const l of this.closes) l(reason);
    return true;
  }
}
